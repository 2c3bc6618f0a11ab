import { useRouter } from '@tarojs/taro';
import { Page } from '../../components/Page';
import { HazardDetailView } from '../../components/HazardDetailView';
import { TownMap } from '../../components/TownMap';
import { useMapLayers } from '../../components/map/useMapLayers';

export default function StaffHazard() {
  const { params } = useRouter();
  const layers = useMapLayers('villages,grids,shelters');
  return (
    <Page title="隐患详情" roles={['grid', 'cadre', 'office', 'admin']}>
      <HazardDetailView
        id={params.id ?? ''}
        renderMap={(place) => (
          <TownMap id="hazard-map" layers={layers.data} pin={place} view={{ ...place, zoom: 15 }} height="260px" />
        )}
      />
    </Page>
  );
}
