import { useState } from 'react';
import Taro from '@tarojs/taro';
import { View, Text, Input } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { calloutsApi, type CalloutOpenList } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { api, errorText } from '../../services/api';
import { LEVELS, formatTime } from '../../text';

type OpenItem = CalloutOpenList['items'][number];

function CalloutCard(props: { c: OpenItem; onAcked: (c: OpenItem) => void }) {
  const { c } = props;
  const [busy, setBusy] = useState<string>();
  const [count, setCount] = useState('');
  const [error, setError] = useState<string>();
  const [stages, setStages] = useState<Record<string, string>>({});
  const lv = LEVELS[c.level] ?? LEVELS.blue;

  const ack = async () => {
    setBusy('ack');
    setError(undefined);
    try {
      const res = await calloutsApi(api()).ack(c.id, 'miniprogram');
      void Taro.showToast({ title: '已确认', icon: 'success' });
      props.onAcked({ ...c, acked: true, ackAt: res.ackAt });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(undefined);
    }
  };

  const stage = async (s: 'at_post' | 'transfer_done') => {
    setError(undefined);
    if (s === 'transfer_done' && !/^\d+$/.test(count)) return setError('请填写转移人数');
    setBusy(s);
    try {
      const res = await calloutsApi(api()).stage(c.id, {
        stage: s,
        ...(s === 'transfer_done' ? { count: Number(count) } : {}),
      });
      setStages({ ...stages, [s]: res.at });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <View className="card callout-card" id={`callout-${c.id}`} style={{ borderLeft: `12px solid ${lv.color}` }}>
      <View className="card-head">
        <Text className="card-title">{c.title}</Text>
        <Text className="level-badge" style={{ background: lv.color }}>
          {lv.label}
        </Text>
      </View>
      {c.body ? <Text>{c.body}</Text> : null}
      <Text className="hint">
        发布：{formatTime(c.issuedAt)}，请在 {formatTime(c.ackDeadline)} 前确认
      </Text>
      {!c.acked ? (
        <Button type="danger" className="huge-btn ack-btn" loading={busy === 'ack'} onClick={ack}>
          收到
        </Button>
      ) : (
        <View>
          <Text className="ok-text ack-done">已确认收到（{formatTime(c.ackAt)}）</Text>
          <Text className="hint">到岗或完成转移后，请继续上报：</Text>
          {stages.at_post ? (
            <Text className="ok-text">已上报到岗（{formatTime(stages.at_post)}）</Text>
          ) : (
            <Button size="large" className="big-btn" loading={busy === 'at_post'} onClick={() => stage('at_post')}>
              我已到岗
            </Button>
          )}
          {stages.transfer_done ? (
            <Text className="ok-text">已上报转移完成（{formatTime(stages.transfer_done)}）</Text>
          ) : (
            <View className="row">
              <Input
                className="input"
                style={{ flex: 1 }}
                type="number"
                placeholder="转移人数"
                value={count}
                onInput={(e) => setCount(e.detail.value)}
              />
              <Button size="large" loading={busy === 'transfer_done'} onClick={() => stage('transfer_done')}>
                转移完成
              </Button>
            </View>
          )}
        </View>
      )}
      {c.contactsPending > 0 ? (
        <Button
          type="primary"
          size="large"
          className="big-btn"
          onClick={() => Taro.navigateTo({ url: `/staff/care/index?callout=${c.id}` })}
        >
          一对一：还有 {c.contactsPending} 位群众待联系
        </Button>
      ) : null}
      {error ? <Text className="error-text">{error}</Text> : null}
    </View>
  );
}

/** 待确认: the call-outs waiting for this person's answer, each with one large 收到 button. */
export default function Callouts() {
  const open = useData(() => calloutsApi(api()).open(), { pollMs: 15_000 });
  // Answered in this visit: kept on screen (the server drops them from "open") for the later stages.
  const [answered, setAnswered] = useState<OpenItem[]>([]);
  const items = (d: CalloutOpenList) => [...answered, ...d.items.filter((c) => !answered.some((a) => a.id === c.id))];
  return (
    <Page title="待确认的预警" roles={['grid', 'cadre', 'office', 'admin']}>
      <Loadable
        {...open}
        onRetry={open.reload}
        empty={(d) => items(d).length === 0}
        emptyText="没有需要您确认的预警。有新预警时这里会显示。"
      >
        {(d) => (
          <View id="open-callouts">
            {items(d).map((c) => (
              <CalloutCard
                key={c.id}
                c={c}
                onAcked={(x) => setAnswered([x, ...answered.filter((a) => a.id !== x.id)])}
              />
            ))}
          </View>
        )}
      </Loadable>
    </Page>
  );
}
