import { useState } from 'react';
import { View, Text, Input, Textarea } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { OFFICE_ROLES, incidentsApi, type IncidentOut } from '@yingji/shared';
import { Chips } from '../../components/Chips';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { api, errorText } from '../../services/api';
import { formatTime } from '../../text';

const KINDS = ['山洪', '滑坡', '崩塌', '火灾', '森林火灾', '道路交通事故', '其他'].map((k) => ({ value: k, label: k }));
const METHODS = [
  { value: 'phone', label: '电话' },
  { value: 'system', label: '信息系统' },
  { value: 'document', label: '书面' },
  { value: 'other', label: '其他' },
] as const;
type Method = (typeof METHODS)[number]['value'];

/** Now in Shanghai as "YYYY-MM-DD HH:mm", the form's default time. */
function nowText(): string {
  const d = new Date(Date.now() + 8 * 3600_000);
  return d.toISOString().slice(0, 16).replace('T', ' ');
}
function toIso(text: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})$/.exec(text.trim());
  return m ? `${m[1]}T${m[2]}:00+08:00` : undefined;
}

/** The one-hour limit: minutes left (negative when late). */
function timer(i: IncidentOut): { text: string; cls: string } {
  if (i.reportedUp)
    return {
      text: `已于 ${formatTime(i.reportedUp.at)} 上报${i.withinLimit ? '（在时限内）' : '（超时）'}`,
      cls: i.withinLimit ? 'tag tag-green' : 'tag tag-orange',
    };
  const left = Math.round((new Date(i.dueAt).getTime() - Date.now()) / 60000);
  return left >= 0
    ? { text: `待上报，剩余 ${left} 分钟`, cls: left <= 15 ? 'tag tag-red' : 'tag tag-orange' }
    : { text: `已超时 ${-left} 分钟，请立即上报`, cls: 'tag tag-red' };
}

function RegisterForm(props: { onDone: () => void }) {
  const [kind, setKind] = useState<string>();
  const [occurred, setOccurred] = useState(nowText());
  const [address, setAddress] = useState('');
  const [description, setDescription] = useState('');
  const [injuries, setInjuries] = useState('');
  const [deaths, setDeaths] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async () => {
    setError(undefined);
    const occurredAt = toIso(occurred);
    if (!kind) return setError('请选择事件类型');
    if (!occurredAt) return setError('事发时间请按 2024-06-01 08:30 的格式填写');
    if (!address.trim()) return setError('请填写事发地点');
    if (!description.trim()) return setError('请填写事件经过');
    setBusy(true);
    try {
      await incidentsApi(api()).create({
        kind,
        occurredAt,
        location: { address: address.trim() },
        casualties: { deaths: Number(deaths) || 0, injuries: Number(injuries) || 0, missing: 0 },
        description: description.trim(),
      });
      setKind(undefined);
      setAddress('');
      setDescription('');
      props.onDone();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <View className="card" id="incident-form">
      <Text className="card-title">登记突发事件</Text>
      <View className="field">
        <Text className="field-label">事件类型</Text>
        <Chips options={KINDS} value={kind} onChange={setKind} idPrefix="incident-kind" />
      </View>
      <View className="row field">
        <View className="side">
          <Text className="field-label">事发时间</Text>
          <Input id="incident-time" className="input" value={occurred} onInput={(e) => setOccurred(e.detail.value)} />
        </View>
        <View className="side">
          <Text className="field-label">事发地点</Text>
          <Input
            id="incident-address"
            className="input"
            value={address}
            placeholder="如：双河村三组老屋基"
            onInput={(e) => setAddress(e.detail.value)}
          />
        </View>
      </View>
      <View className="field">
        <Text className="field-label">事件经过</Text>
        <Textarea
          id="incident-description"
          className="textarea"
          value={description}
          placeholder="发生了什么、现在情况、已采取的措施"
          onInput={(e) => setDescription(e.detail.value)}
        />
      </View>
      <View className="row field">
        <View className="side">
          <Text className="field-label">受伤（人）</Text>
          <Input className="input" type="number" value={injuries} onInput={(e) => setInjuries(e.detail.value)} />
        </View>
        <View className="side">
          <Text className="field-label">死亡（人）</Text>
          <Input className="input" type="number" value={deaths} onInput={(e) => setDeaths(e.detail.value)} />
        </View>
      </View>
      <Button id="incident-submit" type="primary" size="large" className="big-btn" loading={busy} onClick={submit}>
        登记，开始一小时上报计时
      </Button>
      {error ? <Text className="error-text">{error}</Text> : null}
    </View>
  );
}

function ReportUp(props: { incident: IncidentOut; onDone: () => void }) {
  const [to, setTo] = useState('县应急管理局值班室');
  const [method, setMethod] = useState<Method>('phone');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  return (
    <View className="report-up">
      <View className="row">
        <Input
          className="input report-up-to"
          value={to}
          placeholder="上报单位"
          onInput={(e) => setTo(e.detail.value)}
        />
      </View>
      <Chips options={METHODS} value={method} onChange={(v) => v && setMethod(v)} />
      <Button
        type="primary"
        size="normal"
        className="report-up-btn"
        loading={busy}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            await incidentsApi(api()).reportUp(props.incident.id, { to: to.trim(), method });
            props.onDone();
          } catch (e) {
            setError(errorText(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        记录已上报
      </Button>
      {error ? <Text className="error-text">{error}</Text> : null}
    </View>
  );
}

/** Incidents: register one, watch its one-hour limit, record that it was reported up. */
export default function Incidents() {
  const list = useData(() => incidentsApi(api()).list(), { pollMs: 30000 });
  return (
    <Page title="突发事件" roles={OFFICE_ROLES} wide>
      <View className="side-by-side">
        <View className="side">
          <RegisterForm onDone={() => void list.reload()} />
        </View>
        <View className="side">
          <Loadable {...list} onRetry={list.reload} empty={(d) => d.items.length === 0} emptyText="还没有登记突发事件">
            {(d) => (
              <View id="incident-list">
                {d.items.map((i) => {
                  const t = timer(i);
                  return (
                    <View key={i.id} className="card incident-row" id={`incident-${i.id}`}>
                      <View className="card-head">
                        <Text className="card-title">{i.kind}</Text>
                        <Text className={`${t.cls} incident-timer`}>{t.text}</Text>
                      </View>
                      <Text className="hint">
                        事发 {formatTime(i.occurredAt)} · {i.location.address ?? ''} · 登记人 {i.reportedBy.name}
                      </Text>
                      <Text>{i.description}</Text>
                      {i.casualties.deaths || i.casualties.injuries || i.casualties.missing ? (
                        <Text className="error-text">
                          死亡 {i.casualties.deaths} 人，受伤 {i.casualties.injuries} 人，失踪 {i.casualties.missing} 人
                        </Text>
                      ) : null}
                      {i.reportedUp ? (
                        <Text className="muted">上报给 {i.reportedUp.to}</Text>
                      ) : (
                        <ReportUp incident={i} onDone={() => void list.reload()} />
                      )}
                    </View>
                  );
                })}
              </View>
            )}
          </Loadable>
        </View>
      </View>
    </Page>
  );
}
