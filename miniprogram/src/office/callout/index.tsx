import { useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { OFFICE_ROLES, boardApi, calloutsApi, outboxApi } from '@yingji/shared';
import { DeliveryCounts, PersonRow } from '../../components/BoardRows';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { api, errorText } from '../../services/api';
import { downloadExport } from '../../services/media';
import { LEVELS, formatTime } from '../../text';

/**
 * The live acknowledgement board: counts, and for each person what really happened to the message
 * (not reached, failed and why, waiting, sent, confirmed when, how and at which step), the people
 * nobody reached at the top. Polled every 3 seconds, so it fills in without a reload.
 */
export default function CalloutBoard() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const board = useData(
    async () => {
      const [b, d] = await Promise.all([calloutsApi(api()).get(id), boardApi(api()).callout(id)]);
      return { b, d };
    },
    { pollMs: 3000 },
  );
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();

  const retry = async (deliveryId: string) => {
    setError(undefined);
    try {
      await outboxApi(api()).retry(deliveryId);
      setNotice('已重新发送，请稍候查看结果');
      await board.reload();
    } catch (e) {
      setError(errorText(e));
    }
  };
  const close = async () => {
    setError(undefined);
    const { confirm } = await Taro.showModal({
      title: '结束这条预警？',
      content: '结束后不再提醒和升级，未确认的人也不再追呼。',
    });
    if (!confirm) return;
    try {
      await calloutsApi(api()).close(id);
      setNotice('预警已结束');
      await board.reload();
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <Page title="叫应看板" roles={OFFICE_ROLES} wide>
      <Loadable {...board} onRetry={board.reload}>
        {({ b, d }) => {
          const lv = LEVELS[b.level] ?? LEVELS.blue;
          const pending = d.items.filter((r) => r.state !== 'confirmed');
          const acked = d.items.filter((r) => r.state === 'confirmed');
          const pct = b.summary.total ? Math.round((100 * b.summary.acked) / b.summary.total) : 0;
          return (
            <View id="callout-board">
              <View className="card-head">
                <Text className="card-title">{b.title}</Text>
                <Text className="level-badge" style={{ background: lv.color }}>
                  {lv.label}
                  {b.exercise ? '（演练）' : ''}
                </Text>
              </View>
              <Text className="hint" id="callout-status">
                发布 {formatTime(b.issuedAt)} · 确认时限 {formatTime(b.ackDeadline)}
                {b.status === 'closed' ? ' · 已结束' : ''}
                {b.status !== 'closed' && b.nextStepAt ? ` · 下一次升级 ${formatTime(b.nextStepAt)}` : ''}
              </Text>
              <View className="counts" style={{ marginTop: '16px' }}>
                <View className="count">
                  <Text className="count-num" id="count-total">
                    {b.summary.total}
                  </Text>
                  <Text className="count-label">应确认</Text>
                </View>
                <View className="count count-green">
                  <Text className="count-num" id="count-acked">
                    {b.summary.acked}
                  </Text>
                  <Text className="count-label">已确认</Text>
                </View>
                <View className="count count-orange">
                  <Text className="count-num" id="count-pending">
                    {b.summary.pending}
                  </Text>
                  <Text className="count-label">未确认</Text>
                </View>
                <View className="count count-red">
                  <Text className="count-num" id="count-escalated">
                    {b.summary.escalated}
                  </Text>
                  <Text className="count-label">已升级</Text>
                </View>
              </View>
              <View className="progress">
                <View className="progress-fill" style={{ width: `${pct}%` }} />
              </View>
              <DeliveryCounts counts={d.counts} />
              {b.oneToOne.total || b.stages.atPost || b.stages.transferDone ? (
                <Text className="hint">
                  一对一：已联系 {b.oneToOne.contacted}、已转移 {b.oneToOne.transferred} / 共 {b.oneToOne.total} 人 ·
                  到岗 {b.stages.atPost} 人 · 转移完成 {b.stages.transferDone} 组，共转移 {b.stages.transferred} 人
                </Text>
              ) : null}
              <View className="side-by-side">
                <View className="side card" id="pending-list">
                  <Text className="card-title">未确认（{pending.length}）</Text>
                  {pending.length === 0 ? <Text className="ok-text">全部已确认</Text> : null}
                  {pending.map((r) => (
                    <PersonRow key={r.userId} d={r} className="pending-row" onRetry={retry} />
                  ))}
                </View>
                <View className="side card" id="acked-list">
                  <Text className="card-title">已确认（{acked.length}）</Text>
                  {acked.length === 0 ? <Text className="muted">还没有人确认</Text> : null}
                  {acked.map((r) => (
                    <PersonRow key={r.userId} d={r} className="acked-row" />
                  ))}
                </View>
              </View>
              <View className="row">
                <Button
                  size="large"
                  onClick={() =>
                    downloadExport(`/api/callouts/${id}/phone-list?all=true&format=xlsx`, '待电话联系名单.xlsx').catch(
                      (e) => setError(errorText(e)),
                    )
                  }
                >
                  导出未确认人员电话名单
                </Button>
                <Button
                  size="large"
                  onClick={() =>
                    downloadExport(`/api/callouts/${id}/cap.xml`, `预警-${id}.xml`).catch((e) => setError(errorText(e)))
                  }
                >
                  导出 CAP 预警文件
                </Button>
                {b.status !== 'closed' ? (
                  <Button size="large" type="danger" id="callout-close" onClick={close}>
                    结束预警
                  </Button>
                ) : null}
              </View>
              {notice ? <Text className="ok-text">{notice}</Text> : null}
              {error ? <Text className="error-text">{error}</Text> : null}
              <Text className="hint">每 3 秒自动刷新</Text>
            </View>
          );
        }}
      </Loadable>
    </Page>
  );
}
