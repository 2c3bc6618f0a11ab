import { useState } from 'react';
import { View, Text, Input } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { townsApi } from '@yingji/shared';
import { Chips } from '../../components/Chips';
import { useData } from '../../hooks/useData';
import { confirmRetire } from './confirm';
import { api } from '../../services/api';

export interface Village {
  id: string;
  code: string;
  name: string;
  kind?: 'village' | 'community';
}
interface VillageGroup {
  id: string;
  name: string;
  active: boolean;
}
type Run = (f: () => Promise<unknown>, ok: string) => Promise<boolean>;

const KINDS = [
  { value: 'village' as const, label: '村' },
  { value: 'community' as const, label: '社区' },
];

/** 村（社区）: add one, and for the one opened rename it, retire it, and keep its 村民小组. */
export function Villages(props: { villages: Village[]; run: Run; fail: (text: string) => void }) {
  const { run, fail } = props;
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'village' | 'community'>('village');
  const [openId, setOpenId] = useState<string>();
  const open = props.villages.find((v) => v.id === openId);
  return (
    <View className="card admin-form" id="villages">
      <Text className="card-title">村（社区）（{props.villages.length}）</Text>
      <View className="inline-form">
        <Chips options={KINDS} value={kind} onChange={(k) => k && setKind(k)} idPrefix="village-kind" />
        <Input
          id="village-name"
          className="input"
          placeholder="名称，如 新坪村"
          value={name}
          onInput={(e) => setName(e.detail.value)}
        />
        <Button
          size="normal"
          type="primary"
          id="village-add"
          onClick={async () => {
            const n = name.trim();
            if (!n) return fail('请填写村（社区）名称');
            if (await run(() => townsApi(api()).createVillage({ name: n, kind }), `已新建 ${n}`)) setName('');
          }}
        >
          新建
        </Button>
      </View>
      <View className="chips">
        {props.villages.map((v) => (
          <View
            key={v.id}
            className={`chip village-chip${v.id === openId ? ' chip-on' : ''}`}
            onClick={() => setOpenId(v.id === openId ? undefined : v.id)}
          >
            {v.name}
          </View>
        ))}
      </View>
      {open ? <VillageEditor key={open.id} village={open} run={run} fail={fail} /> : null}
    </View>
  );
}

function VillageEditor(props: { village: Village; run: Run; fail: (text: string) => void }) {
  const v = props.village;
  const groups = useData(() => api().get<{ items: VillageGroup[] }>(`/api/villages/${v.id}/groups`));
  const [name, setName] = useState(v.name);
  const [groupName, setGroupName] = useState('');
  const { run, fail } = props;
  const runHere: Run = async (f, ok) => {
    const done = await run(f, ok);
    if (done) await groups.reload();
    return done;
  };
  return (
    <View className="village-editor" id="village-editor">
      <View className="inline-form">
        <Input className="input" id="village-rename" value={name} onInput={(e) => setName(e.detail.value)} />
        <Button
          size="small"
          onClick={() => run(() => api().request('PATCH', `/api/villages/${v.id}`, { name: name.trim() }), '已改名')}
        >
          改名
        </Button>
        <Button
          size="small"
          id="village-retire"
          onClick={async () =>
            (await confirmRetire(v.name, '村（社区）')) &&
            run(() => api().post(`/api/villages/${v.id}/retire`), `已撤销 ${v.name}`)
          }
        >
          撤销
        </Button>
      </View>
      <Text className="muted block-label">村民小组</Text>
      {groups.data?.items.length === 0 ? <Text className="hint">还没有村民小组</Text> : null}
      {groups.data?.items
        .filter((g) => g.active)
        .map((g) => (
          <View key={g.id} className="list-row village-group-row">
            <Text>{g.name}</Text>
            <Button
              size="small"
              onClick={() =>
                runHere(
                  () => api().request('PATCH', `/api/village-groups/${g.id}`, { active: false }),
                  `已撤销 ${g.name}`,
                )
              }
            >
              撤销
            </Button>
          </View>
        ))}
      <View className="inline-form">
        <Input
          className="input"
          id="village-group-name"
          placeholder="村民小组名称，如 一组"
          value={groupName}
          onInput={(e) => setGroupName(e.detail.value)}
        />
        <Button
          size="small"
          id="village-group-add"
          onClick={async () => {
            const n = groupName.trim();
            if (!n) return fail('请填写村民小组名称');
            if (await runHere(() => api().post(`/api/villages/${v.id}/groups`, { name: n }), `已新建村民小组 ${n}`))
              setGroupName('');
          }}
        >
          添加小组
        </Button>
      </View>
    </View>
  );
}
