import { View, Text } from '@tarojs/components';

export interface MapPoint {
  id: number;
  lat: number;
  lng: number;
  label: string;
}

export interface MiniMapProps {
  center: { lat: number; lng: number };
  points: MapPoint[];
  /** The user's own position, drawn in blue. */
  me?: { lat: number; lng: number };
  onPick?: (p: MapPoint) => void;
}

/**
 * The browser build's map: the places drawn to scale around the centre (north up), without map
 * tiles, which need a map provider's key and network. The weapp build uses WeChat's own map
 * (MiniMap.weapp.tsx).
 */
export function MiniMap(props: MiniMapProps) {
  // Centred on `center`, scaled so the farthest place sits near the edge (north up, metres alike both ways).
  const cos = Math.cos((props.center.lat * Math.PI) / 180);
  const others = [...(props.me ? [props.me] : []), ...props.points];
  const half = Math.max(
    0.001,
    ...others.map((p) => Math.max(Math.abs(p.lat - props.center.lat), Math.abs(p.lng - props.center.lng) * cos)),
  );
  const pos = (p: { lat: number; lng: number }) => ({
    left: `${50 + (40 * (p.lng - props.center.lng) * cos) / half}%`,
    top: `${50 - (40 * (p.lat - props.center.lat)) / half}%`,
  });
  return (
    <View className="minimap">
      <Text className="minimap-north">北 ↑</Text>
      {props.points.map((p) => (
        <View key={p.id} className="minimap-dot" style={pos(p)} onClick={() => props.onPick?.(p)}>
          <Text className="minimap-label">{p.label}</Text>
        </View>
      ))}
      {/* Drawn last and raised, so no place's label ever covers 我的位置. */}
      {props.me ? (
        <View className="minimap-dot minimap-me" style={pos(props.me)}>
          <Text className="minimap-label">我的位置</Text>
        </View>
      ) : null}
    </View>
  );
}
