import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { rosterApi } from '@yingji/shared';
import { useSubmit } from '../../hooks/useSubmit';
import { api } from '../../services/api';
import type { Person } from './types';

export const reactivatedText = (p: Person) =>
  `已恢复 ${p.name}，可以重新登录；停用时移交出去的隐患、包保对象和下级仍由接替人负责`;

/** 恢复: a deactivated person comes back (what was handed over stays with the successor). */
export function ReactivateButton(props: {
  person: Person;
  onDone: (text: string) => Promise<void>;
  size?: 'small' | 'normal';
  id?: string;
}) {
  const submit = useSubmit();
  return (
    <View className="reactivate" onClick={(e) => e.stopPropagation()}>
      <Button
        size={props.size ?? 'small'}
        type="primary"
        id={props.id}
        className="staff-reactivate"
        loading={submit.busy}
        onClick={() =>
          submit.run(async () => {
            await rosterApi(api()).reactivate(props.person.id);
            await props.onDone(reactivatedText(props.person));
          })
        }
      >
        恢复
      </Button>
      {submit.error ? <Text className="error-text reactivate-error">{submit.error}</Text> : null}
    </View>
  );
}

/** The opened person, deactivated: what 恢复 does, and the button. */
export function Reactivate(props: { person: Person; onDone: (text: string) => Promise<void> }) {
  return (
    <View className="card" id="person-reactivate">
      <Text className="card-title">{props.person.name} 已停用</Text>
      <Text className="hint">恢复后可以重新登录，重新收到叫应；停用时移交给接替人的隐患、包保对象和下级不会收回。</Text>
      <ReactivateButton person={props.person} onDone={props.onDone} size="normal" id="person-reactivate-submit" />
    </View>
  );
}
