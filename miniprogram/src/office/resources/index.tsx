import { useState } from 'react';
import { View, Text, Input } from '@tarojs/components';
import { Button, Switch } from '@nutui/nutui-react-taro';
import { OFFICE_ROLES, sheltersApi, type ShelterOut } from '@yingji/shared';
import { Chips } from '../../components/Chips';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData, type DataState } from '../../hooks/useData';
import { api, errorText } from '../../services/api';
import { EquipmentForm, TeamForm } from './forms';

type Tab = 'shelters' | 'teams' | 'equipment';
const TABS = [
  { value: 'shelters', label: '避难场所' },
  { value: 'teams', label: '救援队伍' },
  { value: 'equipment', label: '应急装备' },
] as const;

/** Teams and equipment as the server lists them (the list routes answer loosely typed items). */
interface Team {
  id?: string;
  _id?: string;
  name: string;
  /** The team's kind (民兵、消防…); `kind` is the map feature's. */
  teamKind?: string;
  memberCount?: number;
  leader?: { name?: string; phone?: string };
}
interface Equipment {
  id?: string;
  _id?: string;
  name: string;
  count: number;
  unit?: string;
  keptAt?: string;
  keeper?: { name?: string; phone?: string };
}

function ShelterEditor(props: { s: ShelterOut; onDone: () => void }) {
  const { s } = props;
  const [capacity, setCapacity] = useState(String(s.capacity));
  const [open, setOpen] = useState(s.open);
  const [phone, setPhone] = useState(s.contact?.phone ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const save = async () => {
    setError(undefined);
    const cap = Number(capacity);
    if (!Number.isInteger(cap) || cap < 0) return setError('容纳人数请填写 0 或正整数');
    setBusy(true);
    try {
      await api().request('PATCH', `/api/shelters/${s.id}`, {
        capacity: cap,
        open,
        ...(phone.trim() ? { contact: { ...(s.contact ?? {}), phone: phone.trim() } } : {}),
      });
      props.onDone();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <View className="shelter-editor" id="shelter-editor">
      <View className="row field">
        <View className="side">
          <Text className="field-label">容纳人数</Text>
          <Input
            id="shelter-capacity"
            className="input"
            type="number"
            value={capacity}
            onInput={(e) => setCapacity(e.detail.value)}
          />
        </View>
        <View className="side">
          <Text className="field-label">联系电话</Text>
          <Input id="shelter-phone" className="input" value={phone} onInput={(e) => setPhone(e.detail.value)} />
        </View>
        <View className="side">
          <Text className="field-label">开放</Text>
          <Switch checked={open} onChange={setOpen} />
        </View>
      </View>
      <Button id="shelter-save" type="primary" size="normal" loading={busy} onClick={save}>
        保存
      </Button>
      {error ? <Text className="error-text">{error}</Text> : null}
    </View>
  );
}

function Shelters() {
  const list = useData(() => sheltersApi(api()).list());
  const [editing, setEditing] = useState<string>();
  const [saved, setSaved] = useState<string>();
  return (
    <Loadable {...list} onRetry={list.reload} empty={(d) => d.items.length === 0} emptyText="还没有避难场所">
      {(d) => (
        <View id="shelter-list">
          {saved ? <Text className="ok-text">{saved}</Text> : null}
          {d.items.map((s) => (
            <View key={s.id} className="card shelter-row" id={`shelter-${s.id}`}>
              <View className="card-head">
                <Text className="card-title">{s.name}</Text>
                <Text className={s.open ? 'tag tag-green' : 'tag tag-gray'}>{s.open ? '开放' : '未开放'}</Text>
              </View>
              <Text className="hint">
                {s.address ?? ''} · 可容纳 {s.capacity} 人 · 已安置 {s.occupancy} 人
                {s.contact?.phone ? ` · 电话 ${s.contact.phone}` : ''}
              </Text>
              {editing === s.id ? (
                <ShelterEditor
                  s={s}
                  onDone={() => {
                    setEditing(undefined);
                    setSaved(`${s.name}已保存`);
                    void list.reload();
                  }}
                />
              ) : (
                <Button size="small" className="shelter-edit" onClick={() => setEditing(s.id)}>
                  修改
                </Button>
              )}
            </View>
          ))}
        </View>
      )}
    </Loadable>
  );
}

/** The add button, the form when open, and what was just saved. */
function AddBar(props: {
  id: string;
  label: string;
  form: (done: (name: string) => void, cancel: () => void) => JSX.Element;
  onSaved: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [saved, setSaved] = useState<string>();
  return (
    <View>
      {saved ? (
        <Text className="ok-text" id={`${props.id}-saved`}>
          {saved}
        </Text>
      ) : null}
      {open ? (
        props.form(
          (name) => {
            setOpen(false);
            setSaved(`已添加：${name}`);
            props.onSaved();
          },
          () => setOpen(false),
        )
      ) : (
        <Button id={`${props.id}-add`} type="primary" size="normal" onClick={() => setOpen(true)}>
          {props.label}
        </Button>
      )}
    </View>
  );
}

function Teams() {
  const list = useData(() => api().get<{ items: Team[] }>('/api/rescue-teams'));
  return (
    <View>
      <AddBar
        id="team"
        label="添加救援队伍"
        form={(done, cancel) => <TeamForm onDone={done} onCancel={cancel} />}
        onSaved={() => void list.reload()}
      />
      <TeamList list={list} />
    </View>
  );
}

function TeamList({ list }: { list: DataState<{ items: Team[] }> }) {
  return (
    <Loadable {...list} onRetry={list.reload} empty={(d) => d.items.length === 0} emptyText="还没有登记救援队伍">
      {(d) => (
        <View className="card" id="team-list">
          {d.items.map((t) => (
            <View key={t.id ?? t._id ?? t.name} className="list-row">
              <Text>
                {t.name} <Text className="muted">{t.teamKind ?? ''}</Text>
              </Text>
              <Text className="muted">
                {t.memberCount ?? 0} 人 · {t.leader?.name ?? ''} {t.leader?.phone ?? ''}
              </Text>
            </View>
          ))}
        </View>
      )}
    </Loadable>
  );
}

function EquipmentList() {
  const list = useData(() => api().get<{ items: Equipment[] }>('/api/equipment'));
  return (
    <View>
      <AddBar
        id="eq"
        label="添加应急装备"
        form={(done, cancel) => <EquipmentForm onDone={done} onCancel={cancel} />}
        onSaved={() => void list.reload()}
      />
      <EquipmentRows list={list} />
    </View>
  );
}

function EquipmentRows({ list }: { list: DataState<{ items: Equipment[] }> }) {
  return (
    <Loadable {...list} onRetry={list.reload} empty={(d) => d.items.length === 0} emptyText="还没有登记应急装备">
      {(d) => (
        <View className="card" id="equipment-list">
          {d.items.map((x) => (
            <View key={x.id ?? x._id ?? x.name} className="list-row">
              <Text>
                {x.name} <Text className="muted">{x.keptAt ?? ''}</Text>
              </Text>
              <Text className="muted">
                {x.count} {x.unit ?? '件'} · {x.keeper?.name ?? ''} {x.keeper?.phone ?? ''}
              </Text>
            </View>
          ))}
        </View>
      )}
    </Loadable>
  );
}

/** Emergency resources: shelters (edit capacity, opening, phone), rescue teams and equipment (list and add). */
export default function Resources() {
  const [tab, setTab] = useState<Tab>('shelters');
  return (
    <Page title="应急资源" roles={OFFICE_ROLES} wide>
      <Chips options={TABS} value={tab} onChange={(v) => v && setTab(v)} idPrefix="res-tab" />
      {tab === 'shelters' ? <Shelters /> : tab === 'teams' ? <Teams /> : <EquipmentList />}
    </Page>
  );
}
