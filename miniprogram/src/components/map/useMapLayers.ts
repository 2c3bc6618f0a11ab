import { sheltersApi, type MapLayers } from '@yingji/shared';
import { useData, type DataState } from '../../hooks/useData';
import { api } from '../../services/api';

/** Our own map layers (comma-separated ids, e.g. 'villages,grids'); all the caller may see without. */
export function useMapLayers(layers?: string): DataState<MapLayers> {
  return useData(() => sheltersApi(api()).mapLayers(layers), { deps: [layers] });
}
