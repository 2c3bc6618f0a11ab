import Taro, { useRouter, usePullDownRefresh } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { categoryLabel, tipsApi } from '@yingji/shared';
import { Page } from '../../components/Page';
import { PhotoRow } from '../../components/Photo';
import { Loadable } from '../../components/State';
import { Timeline } from '../../components/Timeline';
import { useData } from '../../hooks/useData';
import { api } from '../../services/api';
import { tipStatusTag, tipTimeline } from '../../services/timeline';
import { formatTime } from '../../text';
import { SubscribePrompt } from '../../subscribe/SubscribePrompt';

/** One tip and its progress: the page a tip-status subscription message opens (`?id=`). */
export default function TipDetail() {
  const id = useRouter().params.id ?? '';
  const tip = useData(() => tipsApi(api()).get(id));
  usePullDownRefresh(async () => {
    await tip.reload();
    Taro.stopPullDownRefresh();
  });
  return (
    <Page title="举报详情" roles={['resident', 'grid', 'cadre', 'office', 'admin']}>
      <Loadable {...tip} onRetry={tip.reload}>
        {(t) => (
          <View className="card tip-card" id={`tip-${t.code}`}>
            <View className="card-head">
              <Text className="card-title">{t.categoryLabel || categoryLabel(t.category)}</Text>
              <Text className={tipStatusTag(t)}>{t.hazard?.status === 'closed' ? '已销号' : t.statusLabel}</Text>
            </View>
            <Text>{t.description}</Text>
            <Text className="hint">
              编号 {t.code} · {formatTime(t.submittedAt)}
              {t.confidential ? ' · 保密举报' : ''}
            </Text>
            {t.rejectReason ? <Text className="hint">不予受理的原因：{t.rejectReason}</Text> : null}
            {t.moderation?.flagged ? (
              <Text className="error-text">内容审核：{t.moderation.reason ?? '未通过'}（仅应急办可见）</Text>
            ) : null}
            <PhotoRow ids={t.mediaIds.slice(0, 6)} />
            <Timeline steps={tipTimeline(t)} />
            {t.reward ? (
              <Text className="hint">
                奖励：{t.reward.statusLabel}
                {t.reward.amount !== undefined ? ` · ${t.reward.amount} 元` : ''}
              </Text>
            ) : null}
          </View>
        )}
      </Loadable>
      <SubscribePrompt kinds={['tip_status', 'reward_status']} label="订阅处理进展提醒" what="举报有新进展" />
      <Button size="large" className="big-btn" onClick={() => Taro.redirectTo({ url: '/pages/mine/index' })}>
        我的全部举报
      </Button>
    </Page>
  );
}
