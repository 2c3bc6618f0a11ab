import { Map } from '@tarojs/components';
import marker from '../assets/marker.png';
import markerMe from '../assets/marker-me.png';
import type { TownMapProps } from './TownMap';
import { AREA_STYLE, drawable, middleOf } from './map/features';

export type { LatLng, TownMapProps } from './TownMap';

/** WeChat wants #RRGGBBAA for polygon colours. */
const hex = (color: string, alpha: number) =>
  `${color}${Math.round(alpha * 255)
    .toString(16)
    .padStart(2, '0')}`;

type Label = { content: string; color: string; fontSize: number; anchorX: number; anchorY: number; bgColor: string };
const label = (content: string, color: string, anchorX: number): Label => ({
  content,
  color,
  fontSize: 14,
  anchorX,
  anchorY: -10,
  bgColor: '#ffffffdd',
});

/**
 * WeChat's native map: village outlines and grids as polygons, places as markers, a tap on the map
 * picks that point. Places are labelled to their right and 我的位置 to its left, drawn above all
 * (zIndex), so no label covers it.
 */
export function TownMap(props: TownMapProps) {
  const { areas, dots } = drawable(props.layers);
  const markers = dots.map((d, i) => ({
    id: i + 1,
    latitude: d.lat,
    longitude: d.lng,
    iconPath: marker,
    width: 24,
    height: 24,
    zIndex: 1,
    ...(d.labelled ? { label: label(d.name, '#222222', 14) } : {}),
    callout: {
      content: d.detail ? `${d.name}\n${d.detail}` : d.name,
      display: 'BYCLICK' as const,
      fontSize: 14,
      padding: 6,
    },
  }));
  const villageLabels = areas
    .filter((a) => a.kind === 'village')
    .map((a, i) => {
      const c = middleOf(a.ring);
      return {
        id: 10000 + i,
        latitude: c.lat,
        longitude: c.lng,
        iconPath: marker,
        width: 1,
        height: 1,
        alpha: 0,
        zIndex: 0,
        label: label(a.name, '#6b5530', 0),
      };
    });
  const extra = [];
  if (props.pin)
    extra.push({
      id: 99998,
      latitude: props.pin.lat,
      longitude: props.pin.lng,
      iconPath: marker,
      width: 36,
      height: 36,
      zIndex: 8,
      label: label(props.pin.label, '#c0392b', 18),
    });
  if (props.me)
    extra.push({
      id: 99999,
      latitude: props.me.lat,
      longitude: props.me.lng,
      iconPath: markerMe,
      width: 32,
      height: 32,
      zIndex: 9,
      label: label('我的位置', '#1f4fbf', -84),
    });
  const polygons = areas.map((a) => {
    const s = AREA_STYLE[a.kind];
    return {
      points: a.ring.map((p) => ({ latitude: p.lat, longitude: p.lng })),
      strokeWidth: a.kind === 'village' ? 3 : 1,
      strokeColor: hex(s.color, 1),
      fillColor: hex(s.color, a.kind === 'grid' ? 0.08 : 0.04),
      zIndex: a.kind === 'village' ? 1 : 0,
      dashArray: a.kind === 'village' ? [8, 6] : [0, 0],
    };
  });
  const center = props.view ?? props.pin ?? props.me ?? dots[0] ?? (areas[0] ? middleOf(areas[0].ring) : undefined);
  return (
    <Map
      id={props.id}
      className="minimap-native"
      style={props.height ? { height: props.height } : undefined}
      latitude={center?.lat ?? 30}
      longitude={center?.lng ?? 108}
      scale={props.view?.zoom ?? 15}
      markers={[...villageLabels, ...markers, ...extra] as never}
      polygons={polygons as never}
      onError={() => undefined}
      onTap={(e) => {
        const d = e.detail as { latitude?: number; longitude?: number };
        if (d.latitude != null && d.longitude != null)
          props.onTap?.({ lat: +d.latitude.toFixed(6), lng: +d.longitude.toFixed(6) });
      }}
      onMarkerTap={(e) => {
        const id = (e.detail as { markerId: number }).markerId;
        const d = dots[id - 1];
        if (d) props.onFeature?.(d.feature);
      }}
    />
  );
}
