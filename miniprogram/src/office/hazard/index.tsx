import { useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { OFFICE_ROLES } from '@yingji/shared';
import { Page } from '../../components/Page';
import { HazardDetailView } from '../../components/HazardDetailView';
import { TownMap } from '../../components/TownMap';
import { useMapLayers } from '../../components/map/useMapLayers';
import { Reroute } from './Reroute';

export default function OfficeHazard() {
  const { params } = useRouter();
  const layers = useMapLayers('villages,grids,shelters,hazardPoints');
  const [version, setVersion] = useState(0);
  return (
    <Page title="隐患详情" roles={OFFICE_ROLES} wide>
      <HazardDetailView
        key={version}
        id={params.id ?? ''}
        renderMap={(place) => (
          <TownMap id="hazard-map" layers={layers.data} pin={place} view={{ ...place, zoom: 15 }} height="300px" />
        )}
      />
      <Reroute id={params.id ?? ''} onDone={() => setVersion((v) => v + 1)} />
    </Page>
  );
}
