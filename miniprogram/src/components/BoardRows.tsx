import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import type { BoardDeliveries, PersonDelivery } from '@yingji/shared';
import { BOARD_STATE_LABELS } from '../services/delivery';
import { DeliveryTag } from './DeliveryTag';

/** One person on a live board: name, true delivery state, and 重发 when the office can send again. */
export function PersonRow(props: { d: PersonDelivery; className?: string; onRetry?: (deliveryId: string) => void }) {
  const { d } = props;
  return (
    <View className={`list-row person-row ${props.className ?? ''}`} id={`person-${d.userId}`}>
      <Text className="person-name">{d.name}</Text>
      <View className="person-state">
        <DeliveryTag d={d} />
        {props.onRetry && d.deliveryId ? (
          <Button size="small" className="retry-btn" onClick={() => props.onRetry!(d.deliveryId!)}>
            重发
          </Button>
        ) : null}
      </View>
    </View>
  );
}

const SHOWN: Array<keyof BoardDeliveries['counts']> = ['unreachable', 'failed', 'parked', 'waiting', 'sent'];

/** How many people in each delivery state (those nobody reached first, in red). */
export function DeliveryCounts(props: { counts: BoardDeliveries['counts'] }) {
  return (
    <View className="delivery-counts" id="delivery-counts">
      {SHOWN.map((s) => (
        <Text key={s} className={`tag ${props.counts[s] && s !== 'sent' && s !== 'waiting' ? 'tag-red' : 'tag-gray'}`}>
          {BOARD_STATE_LABELS[s]} {props.counts[s]}
        </Text>
      ))}
    </View>
  );
}
