import { View, Text } from '@tarojs/components';
import type { PersonDelivery } from '@yingji/shared';
import { deliveryLabel } from '../services/delivery';

/** One person's true delivery state on a board: the label in its colour and a line of detail. */
export function DeliveryTag(props: { d: PersonDelivery }) {
  const l = deliveryLabel(props.d);
  return (
    <View className={`delivery delivery-${props.d.state}`}>
      <Text className={`tag tag-${l.tone} delivery-label`}>{l.text}</Text>
      {l.detail ? <Text className="muted delivery-detail">{l.detail}</Text> : null}
    </View>
  );
}
