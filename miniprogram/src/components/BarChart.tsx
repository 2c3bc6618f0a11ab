import { View, Text } from '@tarojs/components';

export interface Bar {
  label: string;
  value: number;
  color?: string;
}

export interface BarChartProps {
  title: string;
  bars: Bar[];
  unit?: string;
}

/**
 * Horizontal bars drawn with plain views: the weapp build's chart (a canvas chart library would
 * weigh more than the whole main package allows). The H5 console uses ECharts (BarChart.h5.tsx).
 */
export function BarChart(props: BarChartProps) {
  const max = Math.max(1, ...props.bars.map((b) => b.value));
  return (
    <View className="chart">
      <Text className="chart-title">{props.title}</Text>
      {props.bars.length === 0 ? <Text className="muted">暂无数据</Text> : null}
      {props.bars.map((b) => (
        <View key={b.label} className="bar-row">
          <Text className="bar-label">{b.label}</Text>
          <View className="bar-track">
            <View
              className="bar-fill"
              style={{ width: `${(100 * b.value) / max}%`, background: b.color ?? '#c0392b' }}
            />
          </View>
          <Text className="bar-value">
            {b.value}
            {props.unit ?? ''}
          </Text>
        </View>
      ))}
    </View>
  );
}
