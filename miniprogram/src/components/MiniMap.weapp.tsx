import { Map } from '@tarojs/components';
import marker from '../assets/marker.png';
import markerMe from '../assets/marker-me.png';
import type { MiniMapProps } from './MiniMap';

export type { MapPoint, MiniMapProps } from './MiniMap';

/** WeChat's native map with the places as markers (the user's position in blue). */
export function MiniMap(props: MiniMapProps) {
  const markers = props.points.map((p) => ({
    id: p.id,
    latitude: p.lat,
    longitude: p.lng,
    iconPath: marker,
    width: 32,
    height: 32,
    callout: {
      content: p.label,
      display: 'ALWAYS' as const,
      fontSize: 16,
      padding: 6,
      borderRadius: 6,
      color: '#222',
      bgColor: '#fff',
      anchorX: 0,
      anchorY: 0,
      borderWidth: 1,
      borderColor: '#ddd',
      textAlign: 'center' as const,
    },
  }));
  if (props.me) {
    markers.push({
      id: 0,
      latitude: props.me.lat,
      longitude: props.me.lng,
      iconPath: markerMe,
      width: 32,
      height: 32,
      callout: {
        content: '我的位置',
        display: 'ALWAYS' as const,
        fontSize: 16,
        padding: 6,
        borderRadius: 6,
        color: '#222',
        bgColor: '#fff',
        anchorX: 0,
        anchorY: 0,
        borderWidth: 1,
        borderColor: '#ddd',
        textAlign: 'center' as const,
      },
    });
  }
  return (
    <Map
      className="minimap-native"
      latitude={props.center.lat}
      longitude={props.center.lng}
      scale={14}
      markers={markers}
      onError={() => undefined}
      onMarkerTap={(e) => {
        const p = props.points.find((x) => x.id === (e.detail as { markerId: number }).markerId);
        if (p) props.onPick?.(p);
      }}
    />
  );
}
