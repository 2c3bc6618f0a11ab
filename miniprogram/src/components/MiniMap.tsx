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
  const all = [props.center, ...(props.me ? [props.me] : []), ...props.points];
  const lat0 = Math.min(...all.map((p) => p.lat));
  const lat1 = Math.max(...all.map((p) => p.lat));
  const lng0 = Math.min(...all.map((p) => p.lng));
  const lng1 = Math.max(...all.map((p) => p.lng));
  const span = Math.max(lat1 - lat0, (lng1 - lng0) * Math.cos((lat0 * Math.PI) / 180), 0.002);
  const pos = (p: { lat: number; lng: number }) => ({
    left: `${8 + (84 * ((p.lng - lng0) * Math.cos((lat0 * Math.PI) / 180))) / span}%`,
    top: `${92 - (84 * (p.lat - lat0)) / span}%`,
  });
  return (
    <View className="minimap">
      <Text className="minimap-north">北 ↑</Text>
      {props.me ? (
        <View className="minimap-dot minimap-me" style={pos(props.me)}>
          <Text className="minimap-label">我的位置</Text>
        </View>
      ) : null}
      {props.points.map((p) => (
        <View key={p.id} className="minimap-dot" style={pos(p)} onClick={() => props.onPick?.(p)}>
          <Text className="minimap-label">{p.label}</Text>
        </View>
      ))}
    </View>
  );
}
