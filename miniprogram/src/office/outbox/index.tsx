import { useState } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { OFFICE_ROLES, outboxApi } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { api, errorText } from '../../services/api';
import { BOARD_REASON_LABELS, DELIVERY_CHANNEL_LABELS, reasonLabel } from '../../services/delivery';
import { formatTime } from '../../text';

const SOURCE_LABELS: Record<string, string> = {
  callout: '预警叫应',
  drill: '演练',
  hazard: '隐患',
  incident: '突发事件',
  tip: '举报',
  chat_reply: '群聊回复',
};

/** Messages the outbox could not deliver and put aside for the office: why, and 重发. */
export default function Parked() {
  const list = useData(() => outboxApi(api()).parked({ pageSize: 100 }), { pollMs: 10000 });
  const [msg, setMsg] = useState<{ ok: boolean; text: string }>();
  const retry = async (id: string) => {
    setMsg(undefined);
    try {
      await outboxApi(api()).retry(id);
      setMsg({ ok: true, text: '已重新放入发送队列' });
      await list.reload();
    } catch (e) {
      setMsg({ ok: false, text: errorText(e) });
    }
  };
  return (
    <Page title="发送失败的消息" roles={OFFICE_ROLES} wide>
      <Text className="hint">
        这些消息没有送到对方手里。请按原因处理（例如配置企业微信应用）后重发，或改为电话联系。
      </Text>
      {msg ? <Text className={msg.ok ? 'ok-text' : 'error-text'}>{msg.text}</Text> : null}
      <Loadable
        {...list}
        onRetry={list.reload}
        empty={(d) => d.items.length === 0}
        emptyText="没有发送失败的消息，全部已送出"
      >
        {(d) => (
          <View id="parked-list">
            <Text className="hint">共 {d.total} 条</Text>
            {d.items.map((p) => (
              <View key={p.id} className="card parked-row" id={`parked-${p.id}`}>
                <View className="card-head">
                  <Text className="card-title">
                    {p.recipientName ?? `${p.recipientCount} 人`}
                    {p.exercise ? '（演练）' : ''}
                  </Text>
                  <Text className="tag tag-red parked-reason">
                    {p.reason
                      ? reasonLabel({ reason: p.reason, channel: p.channel })
                      : BOARD_REASON_LABELS.max_attempts}
                  </Text>
                </View>
                <Text className="hint">
                  {SOURCE_LABELS[p.source.kind] ?? p.source.kind} · {DELIVERY_CHANNEL_LABELS[p.channel] ?? p.channel} ·
                  已尝试 {p.attempts} 次 · {formatTime(p.updatedAt)}
                </Text>
                <Text className="parked-summary">{p.summary}</Text>
                {p.lastError && /[\u4e00-\u9fa5]/.test(p.lastError) ? (
                  <Text className="muted parked-error">{p.lastError}</Text>
                ) : null}
                <View className="row">
                  <Button size="normal" type="primary" className="retry-btn" onClick={() => retry(p.id)}>
                    重发
                  </Button>
                </View>
              </View>
            ))}
          </View>
        )}
      </Loadable>
    </Page>
  );
}
