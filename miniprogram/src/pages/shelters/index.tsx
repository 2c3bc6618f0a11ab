import { useState } from 'react';
import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { sheltersApi, type NearestShelters } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { TownMap } from '../../components/TownMap';
import { useMapLayers } from '../../components/map/useMapLayers';
import { useData } from '../../hooks/useData';
import { api } from '../../services/api';
import { locate, openRoute, type Place } from '../../services/location';
import { T, formatDistance } from '../../text';

export default function Shelters() {
  const [me, setMe] = useState<Place>();
  const [locError, setLocError] = useState<string>();
  // The position is asked for here, where it is needed to find the nearest shelters.
  const shelters = useData<NearestShelters>(async () => {
    setLocError(undefined); // a retry after granting the permission must not keep the old warning
    let p: Place;
    try {
      p = await locate();
    } catch {
      // Without a location, every open shelter is listed (no distances): the list never goes blank.
      setLocError(T.locationDenied);
      setMe(undefined);
      const all = await sheltersApi(api()).list();
      return {
        items: all.items.filter((s) => s.open).map((s) => ({ ...s, distanceM: -1, contact: s.contact })),
      } as NearestShelters;
    }
    setMe(p);
    return sheltersApi(api()).nearest(p.lat, p.lng, 5);
  });
  // The map shows every shelter of the town (and the villages), with or without the phone's position.
  const layers = useMapLayers('villages,shelters');
  return (
    <Page title="附近避难场所">
      {locError ? (
        <View className="card">
          <Text className="hint" id="shelters-no-location">
            没有获得手机定位，下面列出全镇开放的避难场所。打开定位后可以按远近排列。
          </Text>
          {process.env.TARO_ENV !== 'h5' ? (
            <Button size="normal" onClick={() => Taro.openSetting?.()}>
              去打开位置权限
            </Button>
          ) : null}
        </View>
      ) : null}
      <Loadable
        {...shelters}
        onRetry={shelters.reload}
        empty={(d) => d.items.length === 0}
        emptyText="附近没有找到开放的避难场所。如遇紧急情况请拨打 119 / 120。"
      >
        {(d) => (
          <View>
            <TownMap id="shelters-map" layers={layers.data} me={me} height="320px" />
            {d.items.map((s) => (
              <View key={s.id} className="card">
                <View className="card-head">
                  <Text className="card-title">{s.name}</Text>
                  {s.distanceM >= 0 ? <Text className="tag tag-green">{formatDistance(s.distanceM)}</Text> : null}
                </View>
                {s.address ? <Text>{s.address}</Text> : null}
                <Text className="hint">
                  可容纳 {s.capacity} 人，现有 {s.occupancy} 人
                </Text>
                <Button
                  type="primary"
                  size="large"
                  className="big-btn"
                  onClick={() => openRoute({ ...s.location, name: s.name, address: s.address })}
                >
                  到这里去（路线）
                </Button>
              </View>
            ))}
          </View>
        )}
      </Loadable>
    </Page>
  );
}
