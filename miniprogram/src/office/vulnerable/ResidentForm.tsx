import { useState } from 'react';
import { View, Text, Input } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { ResidentCreate, calloutsApi, type UserOut } from '@yingji/shared';
import { Chips } from '../../components/Chips';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { useSubmit } from '../../hooks/useSubmit';
import { api } from '../../services/api';
import { RESIDENT_KIND_LABELS } from '../../services/callouts';

interface GridItem {
  id: string;
  code: string;
  name: string;
  villageId: string;
}

const KINDS = Object.entries(RESIDENT_KIND_LABELS).map(([value, label]) => ({ value, label }));

/**
 * 登记包保对象: who (kind, name, phone, address), their grid, and the person responsible for them,
 * chosen among that grid's members and the village's cadres (the office too, as a last resort).
 */
export function ResidentForm(props: { onDone: (name: string) => void; onCancel: () => void }) {
  const grids = useData(() => api().get<{ items: GridItem[] }>('/api/grids'));
  const staff = useData(() => api().get<{ items: UserOut[] }>('/api/users'));
  const [kind, setKind] = useState<string>();
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [address, setAddress] = useState('');
  const [grid, setGrid] = useState<string>();
  const [responsible, setResponsible] = useState<string>();
  const submit = useSubmit();
  const chosenGrid = grids.data?.items.find((g) => g.id === grid);
  // The grid's own members first: they know the household best.
  const candidates = (staff.data?.items ?? [])
    .filter(
      (u) =>
        u.active &&
        chosenGrid &&
        ((u.role === 'grid' && u.gridIds.includes(chosenGrid.id)) ||
          (u.role === 'cadre' && u.villageId === chosenGrid.villageId)),
    )
    .sort((a, b) => (a.role === b.role ? 0 : a.role === 'grid' ? -1 : 1));
  const save = () => {
    const body = {
      kind,
      name,
      ...(phone.trim() ? { phone: phone.trim() } : {}),
      ...(address.trim() ? { address: address.trim() } : {}),
      grid,
      responsibleId: responsible,
    };
    const check = ResidentCreate.safeParse(body);
    return submit.run(
      async () => {
        if (!check.success) return;
        await calloutsApi(api()).createResident(check.data);
        props.onDone(check.data.name);
      },
      () => {
        if (!kind) return '请选择类别';
        if (!grid) return '请选择所在网格';
        if (!responsible) return '请选择包保责任人';
        if (!check.success) return check.error.issues[0]?.message ?? '请检查填写的内容';
        return undefined;
      },
    );
  };
  return (
    <View className="card" id="resident-form">
      <Text className="card-title">登记包保对象</Text>
      <Text className="field-label">类别</Text>
      <Chips options={KINDS} value={kind} onChange={setKind} idPrefix="resident-kind" />
      <View className="row field">
        <View className="side">
          <Text className="field-label">姓名</Text>
          <Input id="resident-name" className="input" value={name} onInput={(e) => setName(e.detail.value)} />
        </View>
        <View className="side">
          <Text className="field-label">电话（选填）</Text>
          <Input id="resident-phone" className="input" value={phone} onInput={(e) => setPhone(e.detail.value)} />
        </View>
        <View className="side">
          <Text className="field-label">住址（选填）</Text>
          <Input
            id="resident-address"
            className="input"
            value={address}
            placeholder="如：双河村二组 12 号"
            onInput={(e) => setAddress(e.detail.value)}
          />
        </View>
      </View>
      <Text className="field-label">所在网格</Text>
      <Loadable {...grids} onRetry={grids.reload} empty={(d) => d.items.length === 0} emptyText="还没有网格">
        {(d) => (
          <Chips
            options={d.items.map((g) => ({ value: g.id, label: `${g.code} ${g.name}` }))}
            value={grid}
            onChange={(v) => {
              setGrid(v);
              setResponsible(undefined);
            }}
            idPrefix="resident-grid"
          />
        )}
      </Loadable>
      {chosenGrid ? (
        <View>
          <Text className="field-label">包保责任人（该网格的网格员、该村的村干部）</Text>
          {candidates.length ? (
            <Chips
              options={candidates.map((u) => ({
                value: u.id,
                label: `${u.name}（${u.role === 'grid' ? '网格员' : '村干部'}）`,
              }))}
              value={responsible}
              onChange={setResponsible}
              idPrefix="resident-responsible"
            />
          ) : (
            <Text className="hint">这个网格还没有网格员或村干部，请先在“村与网格”里添加人员。</Text>
          )}
        </View>
      ) : null}
      {submit.error ? (
        <Text className="error-text" id="resident-error">
          {submit.error}
        </Text>
      ) : null}
      <View className="row">
        <Button id="resident-save" type="primary" loading={submit.busy} onClick={save}>
          保存
        </Button>
        <Button onClick={props.onCancel}>取消</Button>
      </View>
    </View>
  );
}
