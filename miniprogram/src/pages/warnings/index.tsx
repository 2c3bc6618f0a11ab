import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { warningsApi } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { api } from '../../services/api';
import { LEVELS, formatTime } from '../../text';
import { SubscribePrompt } from '../../subscribe/SubscribePrompt';

/** The warnings in force where the user lives (their village, or the whole town), refreshed every minute. */
export default function Warnings() {
  const warnings = useData(() => warningsApi(api()).active(), { pollMs: 60_000 });
  usePullDownRefresh(async () => {
    await warnings.reload();
    Taro.stopPullDownRefresh();
  });
  return (
    <Page title="预警信息">
      <Loadable
        {...warnings}
        onRetry={warnings.reload}
        empty={(d) => d.items.length === 0}
        emptyText="目前您所在的地方没有生效的预警。"
      >
        {(d) => (
          <View>
            {d.items.map((w) => {
              const lv = LEVELS[w.level] ?? LEVELS.blue;
              return (
                <View key={w.id} className="card" style={{ borderLeft: `12px solid ${lv.color}` }}>
                  <View className="card-head">
                    <Text className="card-title">{w.title}</Text>
                    <Text className="level-badge" style={{ background: lv.color }}>
                      {lv.label}
                    </Text>
                  </View>
                  {w.body ? <Text>{w.body}</Text> : null}
                  <Text className="hint">范围：{w.areaNames.length ? w.areaNames.join('、') : '全镇'}</Text>
                  <Text className="hint">发布时间：{formatTime(w.issuedAt)}</Text>
                  {w.expiresAt ? <Text className="hint">有效至：{formatTime(w.expiresAt)}</Text> : null}
                </View>
              );
            })}
          </View>
        )}
      </Loadable>
      <SubscribePrompt
        kinds={['warning']}
        label="订阅预警提醒"
        what="您所在的村（社区）发布预警"
        hint="订阅后，有预警时会在微信里提醒您（每订阅一次提醒一次）。"
      />
      <Button size="large" className="big-btn" onClick={() => Taro.navigateTo({ url: '/pages/shelters/index' })}>
        查看附近避难场所
      </Button>
    </Page>
  );
}
