import { useState } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { isStaff } from '@yingji/shared';
import { api, errorText } from '../../services/api';
import type { Person } from './types';

interface Handover {
  hazardsHandedOver: number;
  residentsHandedOver: number;
}

/**
 * 停用: a person who leaves hands their open hazards, 包保 residents and people reporting to
 * them to a named successor; the server says what is left to hand over when none is named.
 */
export function Deactivate(props: { person: Person; staff: Person[]; onDone: (text: string) => Promise<void> }) {
  const p = props.person;
  const [successorId, setSuccessorId] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const candidates = props.staff.filter((x) => x.active && x.id !== p.id && isStaff(x.role));
  const successor = candidates.find((x) => x.id === successorId);
  return (
    <View className="card" id="person-deactivate">
      <Text className="card-title">停用 {p.name}</Text>
      <Text className="hint">
        停用后不能再登录，也不再收到叫应。其未销号的隐患、包保对象和下级移交给接替人；没有要移交的可不选接替人。
      </Text>
      <Text className="muted block-label">接替人</Text>
      <View className="chips" id="successor-options">
        {candidates.map((x) => (
          <View
            key={x.id}
            className={`chip successor-option${x.id === successorId ? ' chip-on' : ''}`}
            onClick={() => setSuccessorId(x.id === successorId ? undefined : x.id)}
          >
            {x.name}
          </View>
        ))}
      </View>
      {error ? (
        <Text className="error-text" id="deactivate-error">
          {error}
        </Text>
      ) : null}
      <Button
        size="normal"
        type="danger"
        id="deactivate-submit"
        loading={busy}
        onClick={async () => {
          setBusy(true);
          try {
            const r = await api().post<Handover>(`/api/users/${p.id}/deactivate`, successorId ? { successorId } : {});
            setError(undefined);
            await props.onDone(
              successor
                ? `已停用 ${p.name}，移交给 ${successor.name}：${r.hazardsHandedOver} 条未销号隐患、${r.residentsHandedOver} 名包保对象`
                : `已停用 ${p.name}（没有需要移交的隐患和包保对象）`,
            );
          } catch (e) {
            setError(errorText(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        {successor ? `停用并移交给 ${successor.name}` : '停用'}
      </Button>
    </View>
  );
}
