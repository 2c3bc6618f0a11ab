import { useState } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import type { GeoJsonPolygon } from '@yingji/shared';

export interface Corner {
  lng: number;
  lat: number;
}

/** The map's centre and half-height (degrees of latitude) framing every grid with a margin. */
export function mapFrame(grids: { boundary: GeoJsonPolygon }[]): { center: Corner; span: number } {
  const all = grids.flatMap((g) => g.boundary.coordinates[0] ?? []);
  if (!all.length) return { center: { lng: 107.86, lat: 29.79 }, span: 0.03 };
  const lngs = all.map((p) => p[0]!);
  const lats = all.map((p) => p[1]!);
  const center = { lng: (Math.min(...lngs) + Math.max(...lngs)) / 2, lat: (Math.min(...lats) + Math.max(...lats)) / 2 };
  const cos = Math.cos((center.lat * Math.PI) / 180);
  const half = Math.max(
    0.01,
    (Math.max(...lats) - Math.min(...lats)) / 2,
    ((Math.max(...lngs) - Math.min(...lngs)) / 2) * cos,
  );
  return { center, span: half * 1.3 };
}

/**
 * The town map for drawing a grid: existing grids are outlined and named, each click adds a
 * corner, and the ring closes itself. Drawn to scale around the town (north up) without map
 * tiles, which need a provider key and network (as MiniMap.tsx). Console (H5) only.
 */
export function DrawGrid(props: {
  center: Corner;
  /** Degrees of latitude from the centre to the edge. */
  span: number;
  grids: { id: string; name: string; boundary: GeoJsonPolygon }[];
  /** Answers whether the grid was saved (the corners are kept to correct them otherwise). */
  onSave: (boundary: GeoJsonPolygon) => Promise<boolean>;
}) {
  const [corners, setCorners] = useState<Corner[]>([]);
  const [saving, setSaving] = useState(false);
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
  const save = async () => {
    const pts = corners.map((c) => [c.lng, c.lat] as [number, number]);
    setSaving(true);
    const ok = await props
      .onSave({ type: 'Polygon', coordinates: [[...pts, pts[0]!]] })
      .finally(() => setSaving(false));
    if (ok) setCorners([]);
  };
  return (
    <View className="card" id="draw-grid">
      <Text className="card-title">在地图上依次点击网格的各个角（北在上，蓝色为已有网格）</Text>
      <svg
        id="draw-grid-map"
        viewBox="0 0 100 100"
        style={{
          display: 'block',
          width: '100%',
          maxWidth: '640px',
          aspectRatio: '1',
          margin: '8px 0',
          background: '#eef3ea',
          border: '1px solid #d1d5db',
          cursor: 'crosshair',
        }}
        onClick={onClick}
      >
        {props.grids.map((g) => {
          const pts = (g.boundary.coordinates[0] ?? []).map(([lng, lat]) => ({ lng: lng!, lat: lat! }));
          const cx = pts.reduce((s, p) => s + x(p.lng), 0) / (pts.length || 1);
          const cy = pts.reduce((s, p) => s + y(p.lat), 0) / (pts.length || 1);
          return (
            <g key={g.id}>
              <polygon points={ring(pts)} fill="rgba(31,111,209,0.15)" stroke="#1f6fd1" strokeWidth="0.3" />
              <text x={cx} y={cy} fontSize="2.2" textAnchor="middle" fill="#1e3a8a">
                {g.name}
              </text>
            </g>
          );
        })}
        {corners.length > 1 ? (
          <polygon points={ring(corners)} fill="rgba(192,57,43,0.2)" stroke="#c0392b" strokeWidth="0.4" />
        ) : null}
        {corners.map((c, i) => (
          <circle key={i} className="draw-corner" cx={x(c.lng)} cy={y(c.lat)} r="0.8" fill="#c0392b" />
        ))}
      </svg>
      <Text className="muted" id="draw-grid-count">
        {corners.length ? `已点 ${corners.length} 个角` : '还没有点角'}
        {corners.length && corners.length < 3 ? '，至少需要 3 个角' : ''}
      </Text>
      <View className="row-actions">
        <Button size="small" onClick={() => setCorners((c) => c.slice(0, -1))} disabled={!corners.length}>
          撤销上一个角
        </Button>
        <Button size="small" onClick={() => setCorners([])} disabled={!corners.length}>
          清除
        </Button>
        <Button
          size="small"
          type="primary"
          id="draw-grid-save"
          onClick={save}
          disabled={corners.length < 3 || saving}
          loading={saving}
        >
          保存网格
        </Button>
      </View>
    </View>
  );
}
