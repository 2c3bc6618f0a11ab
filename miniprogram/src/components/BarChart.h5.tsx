import { useEffect, useRef } from 'react';
import { View, Text } from '@tarojs/components';
import * as echarts from 'echarts/core';
import { BarChart as EBar } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { BarChartProps } from './BarChart';

export type { Bar, BarChartProps } from './BarChart';

echarts.use([EBar, GridComponent, TooltipComponent, CanvasRenderer]);

/** The console's bar chart: ECharts (only the parts used), horizontal bars with values. */
export function BarChart(props: BarChartProps) {
  const ref = useRef<HTMLElement | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const chart = echarts.init(el as HTMLElement, undefined, { renderer: 'canvas' });
    const bars = props.bars.slice().reverse();
    chart.setOption({
      textStyle: { fontFamily: 'WenQuanYi Zen Hei, PingFang SC, Microsoft YaHei, sans-serif', fontSize: 14 },
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: bars.map((b) => b.label), axisLabel: { fontSize: 14 } },
      series: [
        {
          type: 'bar',
          data: bars.map((b) => ({ value: b.value, itemStyle: { color: b.color ?? '#c0392b' } })),
          label: { show: true, position: 'right', fontSize: 14, formatter: `{c}${props.unit ?? ''}` },
          barMaxWidth: 28,
        },
      ],
    });
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [props.bars, props.unit]);
  const height = Math.max(120, props.bars.length * 40 + 24);
  return (
    <View className="chart">
      <Text className="chart-title">{props.title}</Text>
      {props.bars.length === 0 ? (
        <Text className="muted">暂无数据</Text>
      ) : (
        <View className="echart" ref={ref as never} style={{ width: '100%', height: `${height}px` }} />
      )}
    </View>
  );
}
