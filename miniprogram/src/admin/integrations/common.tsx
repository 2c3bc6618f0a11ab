import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import type { ApiKeyScope, EventName } from '@yingji/shared';

export const SCOPE_LABELS: Record<ApiKeyScope, string> = {
  intake: '接入（视频告警、举报）',
  read: '读取隐患清单',
  events: '读取事件流',
  cap: '接收 CAP 预警',
};

export const EVENT_LABELS: Record<EventName, string> = {
  'tip.created': '新举报',
  'tip.accepted': '举报受理',
  'hazard.created': '新隐患',
  'hazard.updated': '隐患变更',
  'hazard.closed': '隐患销号',
  'callout.created': '发布预警',
  'callout.acked': '预警确认',
  'callout.escalated': '预警逐级提醒',
  'incident.created': '突发事件登记',
  'incident.late': '突发事件超时未报',
  'drill.started': '演练开始',
  'drill.ended': '演练结束',
};

/** An id usable in a CSS selector (`hazard.created` → `hazard-created`). */
export const idOf = (s: string) => s.replace(/[^a-zA-Z0-9_-]/g, '-');

/** Pick several of a few options: the console's chips, toggled by a tap. */
export function Chips<K extends string>(props: {
  prefix: string;
  options: readonly K[];
  labels: (k: K) => string;
  chosen: K[];
  onChange: (next: K[]) => void;
}) {
  return (
    <View className="chips">
      {props.options.map((k) => {
        const on = props.chosen.includes(k);
        return (
          <View
            key={k}
            id={`${props.prefix}-${idOf(k)}`}
            className={`chip${on ? ' chip-on' : ''}`}
            onClick={() => props.onChange(on ? props.chosen.filter((x) => x !== k) : [...props.chosen, k])}
          >
            {on ? '✓ ' : ''}
            {props.labels(k)}
          </View>
        );
      })}
    </View>
  );
}

/**
 * A key or secret the server answers once: shown here in full with 复制, and a clear warning
 * that it is not stored readably and will not be shown again.
 */
export function ShownOnce(props: { id: string; title: string; value: string; onClose: () => void }) {
  return (
    <View className="card shown-once" id={props.id}>
      <Text className="card-title">{props.title}</Text>
      <Text className="shown-once-warning">
        只显示这一次：请立即复制并交给对接系统妥善保存。关闭后无法再次查看，遗失只能停用后重新创建。
      </Text>
      <Text className="shown-once-value" selectable userSelect>
        {props.value}
      </Text>
      <Text className="muted">提示：点“复制”，或选中上面的内容后按 Ctrl+C。</Text>
      <View className="row">
        <Button
          size="normal"
          type="primary"
          className="copy-btn"
          onClick={() =>
            void Taro.setClipboardData({ data: props.value }).catch(() =>
              Taro.showToast({ title: '复制失败，请手动选中复制', icon: 'none' }),
            )
          }
        >
          复制
        </Button>
        <Button size="normal" className="close-once-btn" onClick={props.onClose}>
          我已保存，关闭
        </Button>
      </View>
    </View>
  );
}

/** Ask before an action that cannot be undone (停用, 删除). */
export async function confirmAction(title: string, content: string): Promise<boolean> {
  const { confirm } = await Taro.showModal({ title, content });
  return confirm;
}

/** The section's one line of feedback after an action. */
export function Feedback(props: { msg?: { ok: boolean; text: string } }) {
  if (!props.msg) return null;
  return <Text className={props.msg.ok ? 'ok-text' : 'error-text'}>{props.msg.text}</Text>;
}
export type Msg = { ok: boolean; text: string } | undefined;
