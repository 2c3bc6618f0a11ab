import { useEffect, useState } from 'react';
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { View, Text, Image } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { categoryLabel, tipsApi } from '@yingji/shared';
import { Page } from '../../components/Page';
import { BindCode } from '../../components/BindCode';
import { currentUser } from '../../services/session';
import { Loadable } from '../../components/State';
import { Timeline } from '../../components/Timeline';
import { PhotoRow } from '../../components/Photo';
import { useData } from '../../hooks/useData';
import { api } from '../../services/api';
import { deleteQueued, flushQueue, loadQueue, onQueueChange, retryQueued } from '../../services/tip-outbox';
import type { QueuedTip } from '../../services/tip-queue';
import { tipStatusTag, tipTimeline } from '../../services/timeline';
import { formatTime } from '../../text';

function QueuedTips(props: { onSent: () => void }) {
  const [queue, setQueue] = useState<QueuedTip[]>(loadQueue());
  useEffect(() => onQueueChange(setQueue), []);
  if (!queue.length) return null;
  return (
    <View className="card queue-box" id="queued-tips">
      <Text className="card-title">还没送出的举报（{queue.length} 条）</Text>
      <Text className="hint">已保存在手机上。网络恢复后会自动发送，也可以点“马上重发”。</Text>
      {queue.map((t) => (
        <View key={t.localId} className="list-row">
          <View style={{ flex: 1 }}>
            <Text>
              {categoryLabel(t.draft.category)}：{t.draft.description.slice(0, 30)}
            </Text>
            <View className="row">
              {t.photos.slice(0, 3).map((p, i) => (
                <Image key={i} className="photo" style={{ width: '60px', height: '60px' }} src={p} mode="aspectFill" />
              ))}
            </View>
            {t.lastError ? (
              <Text className={t.state === 'refused' ? 'error-text' : 'hint'}>
                {t.state === 'refused' ? '未被接收：' : '上次发送：'}
                {t.lastError}
              </Text>
            ) : null}
          </View>
          <View>
            <Button
              size="normal"
              type="primary"
              onClick={async () => {
                const out = await retryQueued(t.localId);
                if (out.delivered.length) props.onSent();
              }}
            >
              马上重发
            </Button>
            {t.state === 'refused' ? (
              <Button
                size="normal"
                onClick={async () => {
                  const { confirm } = await Taro.showModal({ title: '删除这条举报？', content: '删除后无法恢复' });
                  if (confirm) deleteQueued(t.localId);
                }}
              >
                删除
              </Button>
            ) : null}
          </View>
        </View>
      ))}
    </View>
  );
}

export default function Mine() {
  const tips = useData(() => tipsApi(api()).mine());
  usePullDownRefresh(async () => {
    await flushQueue(true);
    await tips.reload();
    Taro.stopPullDownRefresh();
  });
  return (
    <Page title="我的举报" roles={['resident', 'grid', 'cadre', 'office', 'admin']}>
      <BindCode role={currentUser()?.role} />
      <QueuedTips onSent={() => void tips.reload()} />
      <Loadable
        {...tips}
        onRetry={tips.reload}
        empty={(d) => d.items.length === 0}
        emptyText="您还没有举报过。看到安全隐患，点“随手拍”拍下来告诉我们。"
      >
        {(d) => (
          <View id="my-tips">
            {d.items.map((t) => (
              <View key={t.id} className="card tip-card" id={`tip-${t.code}`}>
                <View className="card-head">
                  <Text className="card-title">{t.categoryLabel || categoryLabel(t.category)}</Text>
                  <Text className={tipStatusTag(t)}>{t.hazard?.status === 'closed' ? '已销号' : t.statusLabel}</Text>
                </View>
                <Text>{t.description}</Text>
                <Text className="hint">
                  编号 {t.code} · {formatTime(t.submittedAt)}
                  {t.confidential ? ' · 保密举报' : ''}
                </Text>
                <PhotoRow ids={t.mediaIds.slice(0, 3)} />
                <Timeline steps={tipTimeline(t)} />
              </View>
            ))}
          </View>
        )}
      </Loadable>
      <Button
        type="primary"
        size="large"
        className="big-btn"
        onClick={() => Taro.navigateTo({ url: '/pages/report/index' })}
      >
        随手拍
      </Button>
    </Page>
  );
}
