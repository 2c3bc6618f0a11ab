import type { MapFeature, MapLayers } from '@yingji/shared';

export interface LatLng {
  lat: number;
  lng: number;
}

export type PointKind = 'shelter' | 'hazardPoint' | 'rescueTeam' | 'equipment' | 'hazard' | 'village';

/** A place drawn as a dot: what it is, its name, and one line about it. */
export interface MapDot extends LatLng {
  id: string;
  kind: PointKind;
  name: string;
  detail: string;
  color: string;
  /** Its name stays on the map (shelters, villages); the rest show it when tapped. */
  labelled: boolean;
  feature: MapFeature;
}

/** An area drawn as its outline: a village around its grids, or one grid. */
export interface MapArea {
  id: string;
  kind: 'village' | 'grid';
  name: string;
  ring: LatLng[];
  feature: MapFeature;
}

/** Colours of each kind (legend, dots, and the weapp's markers alike). */
export const KIND_STYLE: Record<PointKind, { color: string; label: string }> = {
  shelter: { color: '#1e8e3e', label: '避难场所' },
  hazardPoint: { color: '#e67e22', label: '隐患点（转移点）' },
  rescueTeam: { color: '#2c5aa0', label: '救援队伍' },
  equipment: { color: '#7d3c98', label: '应急装备' },
  hazard: { color: '#c0392b', label: '未销号隐患' },
  village: { color: '#8a6d3b', label: '村（社区）' },
};
export const AREA_STYLE = {
  village: { color: '#8a6d3b', fill: 'rgba(138,109,59,0.06)', weight: 3, dash: '8 6' },
  grid: { color: '#1f6fd1', fill: 'rgba(31,111,209,0.08)', weight: 1.5, dash: undefined },
} as const;
export const ME_COLOR = '#1f4fbf';
export const PIN_COLOR = '#c0392b';

type Props = Record<string, unknown>;
const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

function detailOf(kind: PointKind, p: Props): string {
  switch (kind) {
    case 'shelter':
      return `可容纳 ${num(p.capacity)} 人，现有 ${num(p.occupancy)} 人${p.open === false ? '（未开放）' : ''}`;
    case 'hazardPoint':
      return `住户 ${num(p.residents)} 人，已转移 ${num(p.moved)} 人`;
    case 'rescueTeam': {
      const leader = p.leader as { name?: string; phone?: string } | undefined;
      return `队员 ${num(p.memberCount)} 人${leader?.name ? ` · 队长 ${leader.name} ${leader.phone ?? ''}` : ''}`;
    }
    case 'equipment':
      return `${num(p.count)} ${str(p.unit) || '件'}${p.keptAt ? ` · 存放：${str(p.keptAt)}` : ''}`;
    case 'hazard':
      return `${str(p.levelLabel)}隐患 · ${str(p.statusLabel)}${p.overdue ? ' · 已逾期' : ''}`;
    default:
      return '';
  }
}

const KIND_OF: Record<string, PointKind> = {
  shelter: 'shelter',
  hazardPoint: 'hazardPoint',
  rescueTeam: 'rescueTeam',
  equipment: 'equipment',
  hazard: 'hazard',
  village: 'village',
};

/** The layers from /api/map/layers as areas (drawn first) and dots. */
export function drawable(layers: MapLayers | undefined): { areas: MapArea[]; dots: MapDot[] } {
  const areas: MapArea[] = [];
  const dots: MapDot[] = [];
  for (const l of layers?.layers ?? []) {
    for (const f of l.features) {
      const kind = str(f.properties.kind);
      const name = str(f.properties.name);
      if (f.geometry.type === 'Polygon') {
        if (kind !== 'village' && kind !== 'grid') continue;
        const ring = (f.geometry.coordinates[0] ?? []).map(([lng, lat]) => ({ lat, lng }));
        areas.push({ id: f.id, kind, name, ring, feature: f });
      } else {
        const k = KIND_OF[kind];
        if (!k) continue;
        const [lng, lat] = f.geometry.coordinates;
        const color = k === 'hazard' && f.properties.level !== 'major' ? '#e74c3c' : KIND_STYLE[k].color;
        dots.push({
          id: f.id,
          kind: k,
          name,
          detail: detailOf(k, f.properties),
          color,
          labelled: k === 'shelter' || k === 'village',
          lat,
          lng,
          feature: f,
        });
      }
    }
  }
  return { areas, dots };
}

/** The middle of an area's corners (where its name goes). */
export function middleOf(ring: LatLng[]): LatLng {
  const n = Math.max(1, ring.length);
  return { lat: ring.reduce((s, p) => s + p.lat, 0) / n, lng: ring.reduce((s, p) => s + p.lng, 0) / n };
}

/** Which kinds of dots are on the map, for the legend. */
export function legendOf(dots: MapDot[]): { label: string; color: string }[] {
  const kinds = [...new Set(dots.map((d) => d.kind))].filter((k) => k !== 'village');
  return kinds.map((k) => KIND_STYLE[k]);
}
