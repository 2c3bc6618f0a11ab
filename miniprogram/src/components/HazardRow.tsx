import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import type { HazardOut } from '@yingji/shared';
import { formatTime } from '../text';

/** One hazard in a list: code, category, state (overdue in red), level, place, who, deadline. */
export function HazardRow(props: { h: HazardOut; url: string }) {
  const { h } = props;
  return (
    <View className="card hazard-row" onClick={() => Taro.navigateTo({ url: props.url })}>
      <View className="card-head">
        <Text className="card-title">
          {h.code} {h.categoryLabel}
        </Text>
        <Text className={h.status === 'closed' ? 'tag tag-green' : h.overdue ? 'tag tag-red' : 'tag'}>
          {h.overdue && h.status !== 'closed' ? '逾期 · ' : ''}
          {h.statusLabel}
        </Text>
      </View>
      <Text>{h.description}</Text>
      <Text className="hint">
        {h.levelLabel}隐患 · {h.village?.name ?? ''} · 责任人 {h.responsibleUser?.name ?? '未交办'}
        {h.deadline ? ` · 期限 ${formatTime(h.deadline)}` : ''}
      </Text>
    </View>
  );
}
