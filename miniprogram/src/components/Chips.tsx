import { View } from '@tarojs/components';

/** A row of large choices; tap one to pick it (tap again to clear when `clearable`). */
export function Chips<V extends string>(props: {
  options: ReadonlyArray<{ value: V; label: string }>;
  value: V | undefined;
  onChange: (v: V | undefined) => void;
  idPrefix?: string;
  clearable?: boolean;
}) {
  return (
    <View className="chips">
      {props.options.map((o) => (
        <View
          key={o.value}
          id={props.idPrefix ? `${props.idPrefix}-${o.value}` : undefined}
          className={`chip${props.value === o.value ? ' chip-on' : ''}`}
          onClick={() => props.onChange(props.clearable && props.value === o.value ? undefined : o.value)}
        >
          {o.label}
        </View>
      ))}
    </View>
  );
}
