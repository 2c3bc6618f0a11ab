import { useState } from 'react';
import { View, Text, Input } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { EquipmentCreate, RescueTeamCreate } from '@yingji/shared';
import { TownMap, type LatLng } from '../../components/TownMap';
import { useMapLayers } from '../../components/map/useMapLayers';
import { useSubmit } from '../../hooks/useSubmit';
import { api } from '../../services/api';

/** One labelled text box of a form. */
export function Field(props: {
  id: string;
  label: string;
  value: string;
  onInput: (v: string) => void;
  type?: 'text' | 'number';
  placeholder?: string;
}) {
  return (
    <View className="side">
      <Text className="field-label">{props.label}</Text>
      <Input
        id={props.id}
        className="input"
        type={props.type ?? 'text'}
        value={props.value}
        placeholder={props.placeholder}
        onInput={(e) => props.onInput(e.detail.value)}
      />
    </View>
  );
}

/** Where the team or equipment is: a tap on the town map (no coordinates to type). */
function PlaceOnMap(props: { id: string; value?: LatLng; onChange: (p: LatLng) => void }) {
  const layers = useMapLayers('villages,grids');
  return (
    <View className="field">
      <Text className="field-label">驻地位置：在地图上点一下</Text>
      <TownMap
        id={props.id}
        layers={layers.data}
        pin={props.value ? { ...props.value, label: '这里' } : undefined}
        onTap={props.onChange}
        height="260px"
      />
      <Text className={props.value ? 'ok-text' : 'hint'}>{props.value ? '已在地图上选好位置' : '还没有选位置'}</Text>
    </View>
  );
}

const int = (s: string) => (s.trim() === '' ? undefined : Number(s));
const contact = (name: string, phone: string) =>
  name.trim() || phone.trim()
    ? { ...(name.trim() ? { name: name.trim() } : {}), ...(phone.trim() ? { phone: phone.trim() } : {}) }
    : undefined;

/** 添加救援队伍: name, kind, leader, members and where it is based. */
export function TeamForm(props: { onDone: (name: string) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState('');
  const [leader, setLeader] = useState('');
  const [phone, setPhone] = useState('');
  const [members, setMembers] = useState('');
  const [place, setPlace] = useState<LatLng>();
  const submit = useSubmit();
  const save = () => {
    const body = {
      name,
      ...(kind.trim() ? { kind: kind.trim() } : {}),
      ...(contact(leader, phone) ? { leader: contact(leader, phone) } : {}),
      ...(int(members) !== undefined ? { memberCount: int(members) } : {}),
      location: place,
    };
    const check = RescueTeamCreate.safeParse(body);
    return submit.run(
      async () => {
        if (!check.success) return;
        await api().post('/api/rescue-teams', check.data);
        props.onDone(check.data.name);
      },
      () => {
        if (!place) return '请在地图上点选队伍驻地';
        if (!check.success) return check.error.issues[0]?.message ?? '请检查填写的内容';
        return undefined;
      },
    );
  };
  return (
    <View className="card" id="team-form">
      <Text className="card-title">添加救援队伍</Text>
      <View className="row field">
        <Field id="team-name" label="队伍名称" value={name} onInput={setName} placeholder="如：石龙村青年突击队" />
        <Field id="team-kind" label="类型（选填）" value={kind} onInput={setKind} placeholder="如：民兵、消防" />
      </View>
      <View className="row field">
        <Field id="team-leader" label="队长" value={leader} onInput={setLeader} />
        <Field id="team-phone" label="队长电话" value={phone} onInput={setPhone} />
        <Field id="team-members" label="队员人数" value={members} onInput={setMembers} type="number" />
      </View>
      <PlaceOnMap
        id="team-map"
        value={place}
        onChange={(p) => {
          setPlace(p);
          submit.setError(undefined);
        }}
      />
      {submit.error ? (
        <Text className="error-text" id="team-error">
          {submit.error}
        </Text>
      ) : null}
      <View className="row">
        <Button id="team-save" type="primary" loading={submit.busy} onClick={save}>
          保存队伍
        </Button>
        <Button onClick={props.onCancel}>取消</Button>
      </View>
    </View>
  );
}

/** 添加应急装备: what, how many, where it is kept and who keeps it. */
export function EquipmentForm(props: { onDone: (name: string) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [count, setCount] = useState('');
  const [unit, setUnit] = useState('');
  const [keptAt, setKeptAt] = useState('');
  const [keeper, setKeeper] = useState('');
  const [phone, setPhone] = useState('');
  const [place, setPlace] = useState<LatLng>();
  const submit = useSubmit();
  const save = () => {
    const n = int(count);
    const body = {
      name,
      count: n,
      ...(unit.trim() ? { unit: unit.trim() } : {}),
      ...(keptAt.trim() ? { keptAt: keptAt.trim() } : {}),
      ...(contact(keeper, phone) ? { keeper: contact(keeper, phone) } : {}),
      location: place,
    };
    const check = EquipmentCreate.safeParse(body);
    return submit.run(
      async () => {
        if (!check.success) return;
        await api().post('/api/equipment', check.data);
        props.onDone(check.data.name);
      },
      () => {
        if (n === undefined || !Number.isInteger(n) || n < 0) return '数量请填写 0 或正整数';
        if (!place) return '请在地图上点选存放位置';
        if (!check.success) return check.error.issues[0]?.message ?? '请检查填写的内容';
        return undefined;
      },
    );
  };
  return (
    <View className="card" id="equipment-form">
      <Text className="card-title">添加应急装备</Text>
      <View className="row field">
        <Field id="eq-name" label="装备名称" value={name} onInput={setName} placeholder="如：抽水泵" />
        <Field id="eq-count" label="数量" value={count} onInput={setCount} type="number" />
        <Field id="eq-unit" label="单位（选填）" value={unit} onInput={setUnit} placeholder="台、件、套" />
      </View>
      <View className="row field">
        <Field id="eq-kept" label="存放地点" value={keptAt} onInput={setKeptAt} placeholder="如：镇应急物资仓库" />
        <Field id="eq-keeper" label="保管人" value={keeper} onInput={setKeeper} />
        <Field id="eq-phone" label="保管人电话" value={phone} onInput={setPhone} />
      </View>
      <PlaceOnMap
        id="eq-map"
        value={place}
        onChange={(p) => {
          setPlace(p);
          submit.setError(undefined);
        }}
      />
      {submit.error ? (
        <Text className="error-text" id="eq-error">
          {submit.error}
        </Text>
      ) : null}
      <View className="row">
        <Button id="eq-save" type="primary" loading={submit.busy} onClick={save}>
          保存装备
        </Button>
        <Button onClick={props.onCancel}>取消</Button>
      </View>
    </View>
  );
}
