import { View, Text } from '@tarojs/components';
import type { TimelineStep } from '../services/timeline';

export type { TimelineStep };

/** A vertical timeline: large dots and words, newest state highlighted. */
export function Timeline(props: { steps: TimelineStep[] }) {
  return (
    <View className="timeline">
      {props.steps.map((s, i) => (
        <View key={i} className={`tl-step tl-${s.state}`}>
          <View className="tl-dot" />
          <View className="tl-body">
            <Text className="tl-title">{s.title}</Text>
            {s.time ? <Text className="tl-time">{s.time}</Text> : null}
            {s.note ? <Text className="tl-note">{s.note}</Text> : null}
          </View>
        </View>
      ))}
    </View>
  );
}
