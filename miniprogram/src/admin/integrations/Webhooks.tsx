import { useState } from 'react';
import { View, Text, Input } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { EVENT_NAMES, type EventName, type WebhookCreated } from '@yingji/shared';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { useSubmit } from '../../hooks/useSubmit';
import { api, errorText } from '../../services/api';
import { formatTime } from '../../text';
import { Chips, EVENT_LABELS, Feedback, ShownOnce, confirmAction, type Msg } from './common';

interface Webhook {
  id: string;
  url: string;
  events: EventName[];
  active: boolean;
  createdAt: string;
}
interface Delivery {
  id: string;
  event: string;
  state: 'pending' | 'sending' | 'sent' | 'failed' | 'parked';
  attempts: number;
  lastError?: string;
  parkedReason?: string;
  createdAt: string;
  sentAt?: string;
  nextAttemptAt?: string;
}

const PARKED: Record<string, string> = {
  max_attempts: '多次失败，已暂停',
  outcome_unknown: '结果不明，已暂停',
  rejected: '对方拒收，已暂停',
  invalid_recipient: '订阅已停用',
  not_configured: '未配置，已暂停',
};

/** A delivery's state in words, its tag colour, and whether 重试 applies. */
function stateOf(d: Delivery): { text: string; cls: string; retry: boolean } {
  if (d.state === 'sent') return { text: `已送达 ${formatTime(d.sentAt)}`, cls: 'tag-green', retry: false };
  if (d.state === 'parked') return { text: PARKED[d.parkedReason ?? ''] ?? '已暂停', cls: 'tag-red', retry: true };
  if (d.state === 'failed') return { text: '发送失败', cls: 'tag-red', retry: true };
  if (d.state === 'sending') return { text: '发送中', cls: 'tag-blue', retry: false };
  if (d.attempts > 0)
    return { text: `失败 ${d.attempts} 次，${formatTime(d.nextAttemptAt)} 自动重试`, cls: 'tag-orange', retry: true };
  return { text: '等待发送', cls: 'tag-blue', retry: false };
}

/** The recent deliveries of one subscription, with 重试 for a failed or parked one. */
function Deliveries(props: { hook: Webhook }) {
  const list = useData(() => api().get<{ items: Delivery[] }>(`/api/webhooks/${props.hook.id}/deliveries`), {
    pollMs: 10_000,
  });
  const [msg, setMsg] = useState<Msg>();
  const retry = async (d: Delivery) => {
    setMsg(undefined);
    try {
      await api().post(`/api/webhooks/${props.hook.id}/deliveries/${d.id}/retry`);
      setMsg({ ok: true, text: '已重新放入发送队列' });
      await list.reload();
    } catch (e) {
      setMsg({ ok: false, text: errorText(e) });
    }
  };
  return (
    <View className="deliveries">
      <Text className="muted">最近 20 次推送</Text>
      <Feedback msg={msg} />
      <Loadable {...list} onRetry={list.reload} empty={(d) => d.items.length === 0} emptyText="还没有推送过事件。">
        {(d) => (
          <View>
            {d.items.map((x) => {
              const s = stateOf(x);
              return (
                <View key={x.id} className="list-row delivery-row" id={`delivery-${x.id}`}>
                  <View className="integration-main">
                    <Text>
                      {EVENT_LABELS[x.event as EventName] ?? x.event}{' '}
                      <Text className="muted">{formatTime(x.createdAt)}</Text>
                    </Text>
                    {x.lastError && x.state !== 'sent' ? (
                      <Text className="muted delivery-error">{x.lastError}</Text>
                    ) : null}
                  </View>
                  <View className="integration-actions">
                    <Text className={`tag ${s.cls} delivery-state`}>{s.text}</Text>
                    {s.retry ? (
                      <Button size="small" type="primary" className="delivery-retry" onClick={() => retry(x)}>
                        重试
                      </Button>
                    ) : null}
                  </View>
                </View>
              );
            })}
          </View>
        )}
      </Loadable>
    </View>
  );
}

/** 事件推送: signed webhooks to outside systems, and how their deliveries went. */
export function Webhooks() {
  const list = useData(() => api().get<{ items: Webhook[] }>('/api/webhooks'));
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<EventName[]>([]);
  const [created, setCreated] = useState<{ url: string; secret: string }>();
  const [open, setOpen] = useState<string>();
  const [msg, setMsg] = useState<Msg>();
  const submit = useSubmit();

  const create = () =>
    submit.run(
      async () => {
        const res = await api().post<WebhookCreated>('/api/webhooks', { url: url.trim(), events });
        setCreated({ url: url.trim(), secret: res.secret });
        setUrl('');
        setEvents([]);
        await list.reload();
      },
      () =>
        !/^https?:\/\/\S+$/.test(url.trim())
          ? '请填写接收推送的网址（https://…）'
          : events.length === 0
            ? '请至少选择一种事件'
            : undefined,
    );

  const stop = async (w: Webhook) => {
    setMsg(undefined);
    if (!(await confirmAction('停止这个事件推送？', `不再向 ${w.url} 推送事件，停止后不能恢复。`))) return;
    try {
      await api().request('DELETE', `/api/webhooks/${w.id}`);
      setMsg({ ok: true, text: '已停止推送' });
      await list.reload();
    } catch (e) {
      setMsg({ ok: false, text: errorText(e) });
    }
  };

  return (
    <View id="webhooks">
      <Text className="section-title">事件推送</Text>
      <Text className="hint">
        有新举报、隐患变化、预警等事件时，向外部系统的网址推送（POST JSON）。每次推送用签名密钥签名（请求头
        X-Yingji-Signature），失败会自动重试。
      </Text>
      {created ? (
        <ShownOnce
          id="webhook-once"
          title={`推送到 ${created.url} 的签名密钥`}
          value={created.secret}
          onClose={() => setCreated(undefined)}
        />
      ) : null}
      <View className="card" id="webhook-form">
        <Text className="card-title">新增事件推送</Text>
        <View className="field">
          <Text className="field-label">接收地址（必须是 HTTPS）</Text>
          <Input
            id="webhook-url"
            className="input"
            value={url}
            maxlength={500}
            placeholder="https://county.example.cn/yingji/events"
            onInput={(e) => setUrl(e.detail.value)}
          />
        </View>
        <View className="field">
          <Text className="field-label">推送的事件</Text>
          <Chips
            prefix="event"
            options={EVENT_NAMES}
            labels={(e) => EVENT_LABELS[e]}
            chosen={events}
            onChange={setEvents}
          />
        </View>
        <Feedback msg={submit.error ? { ok: false, text: submit.error } : undefined} />
        <Button id="webhook-create" type="primary" loading={submit.busy} onClick={create}>
          新增推送
        </Button>
      </View>
      <Feedback msg={msg} />
      <Loadable {...list} onRetry={list.reload} empty={(d) => d.items.length === 0} emptyText="还没有事件推送。">
        {(d) => (
          <View className="card" id="webhook-list">
            {d.items.map((w) => (
              <View key={w.id} className="webhook-row" id={`webhook-${w.id}`}>
                <View className="list-row">
                  <View className="integration-main">
                    <Text className="card-title mono">{w.url}</Text>
                    <View className="tag-line">
                      {w.events.map((e) => (
                        <Text key={e} className="tag">
                          {EVENT_LABELS[e] ?? e}
                        </Text>
                      ))}
                    </View>
                    <Text className="hint">创建于 {formatTime(w.createdAt)}</Text>
                  </View>
                  <View className="integration-actions">
                    <Text className={`tag ${w.active ? 'tag-green' : 'tag-gray'} webhook-state`}>
                      {w.active ? '推送中' : '已停止'}
                    </Text>
                    <Button
                      size="small"
                      className="deliveries-btn"
                      onClick={() => setOpen(open === w.id ? undefined : w.id)}
                    >
                      {open === w.id ? '收起记录' : '推送记录'}
                    </Button>
                    {w.active ? (
                      <Button size="small" type="danger" className="webhook-stop" onClick={() => stop(w)}>
                        停止
                      </Button>
                    ) : null}
                  </View>
                </View>
                {open === w.id ? <Deliveries hook={w} /> : null}
              </View>
            ))}
          </View>
        )}
      </Loadable>
    </View>
  );
}
