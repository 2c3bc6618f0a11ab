import { useState } from 'react';
import { View, Text, Button } from '@tarojs/components';
import type { GeoJsonPolygon } from '@yingji/shared';

export interface Corner {
  lng: number;
  lat: number;
}

/**
 * The town map for drawing a grid: existing grids are outlined, each click adds a corner, and the
 * ring closes itself. Drawn to scale around the town (north up) without map tiles, which need a
 * provider key and network (as MiniMap.tsx). Console (H5) only.
 */
export function DrawGrid(props: {
  center: Corner;
  /** Degrees of latitude from the centre to the edge. */
  span: number;
  grids: { id: string; name: string; boundary: GeoJsonPolygon }[];
  onSave: (boundary: GeoJsonPolygon) => void;
}) {
  const [corners, setCorners] = useState<Corner[]>([]);
  const cos = Math.cos((props.center.lat * Math.PI) / 180);
  const x = (lng: number) => 50 + (50 * (lng - props.center.lng) * cos) / props.span;
  const y = (lat: number) => 50 - (50 * (lat - props.center.lat)) / props.span;
  const toCorner = (px: number, py: number): Corner => ({
    lng: +(props.center.lng + ((px - 50) * props.span) / (50 * cos)).toFixed(6),
    lat: +(props.center.lat - ((py - 50) * props.span) / 50).toFixed(6),
  });
  const ring = (pts: Corner[]) => pts.map((p) => `${x(p.lng)},${y(p.lat)}`).join(' ');
  const onClick = (e: { clientX: number; clientY: number; currentTarget: Element }) => {
    const r = e.currentTarget.getBoundingClientRect();
    setCorners((c) => [...c, toCorner(((e.clientX - r.left) / r.width) * 100, ((e.clientY - r.top) / r.height) * 100)]);
  };
  const save = () => {
    const pts = corners.map((c) => [c.lng, c.lat] as [number, number]);
    props.onSave({ type: 'Polygon', coordinates: [[...pts, pts[0]!]] });
    setCorners([]);
  };
  return (
    <View className="card" id="draw-grid">
      <Text className="card-title">在地图上依次点击网格的各个角（北在上）</Text>
      <svg
        id="draw-grid-map"
        viewBox="0 0 100 100"
        style={{ width: '100%', maxWidth: '640px', aspectRatio: '1', background: '#eef3ea', cursor: 'crosshair' }}
        onClick={onClick}
      >
        {props.grids.map((g) => (
          <g key={g.id}>
            <polygon
              points={ring((g.boundary.coordinates[0] ?? []).map(([lng, lat]) => ({ lng: lng!, lat: lat! })))}
              fill="rgba(31,111,209,0.15)"
              stroke="#1f6fd1"
              strokeWidth="0.3"
            />
          </g>
        ))}
        {corners.length > 1 ? (
          <polygon points={ring(corners)} fill="rgba(192,57,43,0.2)" stroke="#c0392b" strokeWidth="0.4" />
        ) : null}
        {corners.map((c, i) => (
          <circle key={i} className="draw-corner" cx={x(c.lng)} cy={y(c.lat)} r="0.8" fill="#c0392b" />
        ))}
      </svg>
      <Text className="muted">已点 {corners.length} 个角</Text>
      <View className="row">
        <Button size="mini" onClick={() => setCorners((c) => c.slice(0, -1))} disabled={!corners.length}>
          撤销上一个角
        </Button>
        <Button size="mini" onClick={() => setCorners([])} disabled={!corners.length}>
          清除
        </Button>
        <Button size="mini" type="primary" id="draw-grid-save" onClick={save} disabled={corners.length < 3}>
          保存网格
        </Button>
      </View>
    </View>
  );
}
