import { useMemo, useState } from 'react';
import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { MAP_LAYERS, OFFICE_ROLES, type MapFeature, type MapLayers } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { TownMap } from '../../components/TownMap';
import { useMapLayers } from '../../components/map/useMapLayers';
import { drawable } from '../../components/map/features';

type LayerId = (typeof MAP_LAYERS)[number];
const LAYER_LABELS: Record<LayerId, string> = {
  villages: '村界',
  grids: '网格',
  shelters: '避难场所',
  hazardPoints: '隐患点（转移点）',
  rescueTeams: '救援队伍',
  equipment: '应急装备',
  openHazards: '未销号隐患',
};

/** What the office does next with a place tapped on the map. */
function Selected(props: { f: MapFeature }) {
  const { f } = props;
  const d = drawable({ layers: [{ id: 'shelters', name: '', type: 'FeatureCollection', features: [f] }] });
  const dot = d.dots[0];
  const area = d.areas[0];
  const kind = String(f.properties.kind);
  const id = f.id.split(':')[1] ?? '';
  return (
    <View className="card" id="map-selected">
      <View className="card-head">
        <Text className="card-title">{dot?.name ?? area?.name}</Text>
      </View>
      {dot?.detail ? (
        <View>
          <Text>{dot.detail}</Text>
        </View>
      ) : null}
      {kind === 'grid' ? (
        <Text className="hint">
          网格 {String(f.properties.code ?? '')} · {String(f.properties.village ?? '')}
        </Text>
      ) : null}
      {kind === 'hazard' ? (
        <Button
          type="primary"
          id="map-open-hazard"
          onClick={() => Taro.navigateTo({ url: `/office/hazard/index?id=${id}` })}
        >
          打开隐患详情
        </Button>
      ) : null}
      {kind === 'shelter' || kind === 'rescueTeam' || kind === 'equipment' ? (
        <Button onClick={() => Taro.navigateTo({ url: '/office/resources/index' })}>到应急资源管理</Button>
      ) : null}
      {kind === 'hazardPoint' ? (
        <Button onClick={() => Taro.navigateTo({ url: '/office/evacuation/index' })}>看转移进展</Button>
      ) : null}
    </View>
  );
}

/**
 * 全镇一张图 for the office: village outlines, grids, shelters, hazard points, rescue teams, equipment
 * and the hazards not yet closed, from our own data (no internet needed). Layers can be hidden.
 */
export default function OfficeMap() {
  const layers = useMapLayers();
  const [hidden, setHidden] = useState<LayerId[]>([]);
  const [selected, setSelected] = useState<MapFeature>();
  const shown = useMemo<MapLayers | undefined>(
    () =>
      layers.data ? { ...layers.data, layers: layers.data.layers.filter((l) => !hidden.includes(l.id)) } : undefined,
    [layers.data, hidden],
  );
  return (
    <Page title="全镇地图" roles={OFFICE_ROLES} wide>
      <Loadable {...layers} onRetry={layers.reload}>
        {(d) => (
          <View>
            <View className="chips" id="map-layers">
              {d.layers.map((l) => (
                <View
                  key={l.id}
                  id={`map-layer-${l.id}`}
                  className={`chip${hidden.includes(l.id) ? '' : ' chip-on'}`}
                  onClick={() => setHidden((h) => (h.includes(l.id) ? h.filter((x) => x !== l.id) : [...h, l.id]))}
                >
                  {LAYER_LABELS[l.id]} {l.features.length}
                </View>
              ))}
            </View>
            <TownMap id="office-map" layers={shown} height="640px" onFeature={setSelected} />
            {selected ? (
              <Selected f={selected} />
            ) : (
              <Text className="hint">
                点地图上的一处，看它的情况。{d.base ? '' : '（未配置天地图密钥：只画本系统的数据，无需联网）'}
              </Text>
            )}
          </View>
        )}
      </Loadable>
    </Page>
  );
}
