import { Suspense, lazy } from 'react';
import { View, Text } from '@tarojs/components';
import type { MapFeature, MapLayers } from '@yingji/shared';
import type { LatLng } from './map/features';

export type { LatLng } from './map/features';

export interface TownMapProps {
  /** Our own layers (GET /api/map/layers): village outlines, grids, shelters, resources, hazards. */
  layers?: MapLayers;
  /** The user's own position: drawn on top, its label never covered by another. */
  me?: LatLng;
  /** The chosen or shown place (a hazard, the place of a tip), with its label. */
  pin?: LatLng & { label: string };
  /** Where to look: the map moves there whenever this changes; without it, all the layers fit. */
  view?: LatLng & { zoom?: number };
  /** Tapping the map (not a place on it) picks that point: how a resident sets a place without GPS. */
  onTap?: (p: LatLng) => void;
  /** Tapping a place or area on the map; without it, places only show their name. */
  onFeature?: (f: MapFeature) => void;
  /** CSS height of the map, e.g. '320px' or '70vh'. */
  height?: string;
  id?: string;
}

// The map library is loaded only by the pages that show a map, in its own chunk.
const LeafletMap = lazy(() => import(/* webpackChunkName: "town-map" */ './map/LeafletMap'));

/**
 * The town map in the browser: our layers drawn as vectors by Leaflet with no tile server (works
 * with no internet), 天地图 underneath when the server has its key. The weapp build uses WeChat's
 * own map (TownMap.weapp.tsx).
 */
export function TownMap(props: TownMapProps) {
  return (
    <Suspense
      fallback={
        <View className="townmap townmap-loading" style={{ height: props.height ?? '320px' }}>
          <Text className="hint">正在加载地图…</Text>
        </View>
      }
    >
      <LeafletMap {...props} />
    </Suspense>
  );
}
