import { useState } from 'react';
import { View, Text, Input, Button, Picker } from '@tarojs/components';
import { TOWN_ADMIN_ROLES, townsApi, type GeoJsonPolygon, type GridDetail } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { api, errorText } from '../../services/api';
import { DrawGrid } from './DrawGrid';

interface Village {
  id: string;
  code: string;
  name: string;
}
interface Me {
  town: { id: string; name: string };
}

/** 村（社区）与网格: add villages, draw grids on the town map, retire them, get a group binding code. */
export default function Places() {
  const data = useData(async () => {
    const [villages, grids, me] = await Promise.all([
      api().get<{ items: Village[] }>('/api/villages'),
      api().get<{ items: { id: string }[] }>('/api/grids'),
      api().get<Me>('/api/me'),
    ]);
    const details = await Promise.all(grids.items.map((g) => api().get<GridDetail>(`/api/grids/${g.id}`)));
    return { villages: villages.items, grids: details, me };
  });
  const [villageName, setVillageName] = useState('');
  const [gridName, setGridName] = useState('');
  const [villageIdx, setVillageIdx] = useState(0);
  const [message, setMessage] = useState('');
  const [codes, setCodes] = useState<Record<string, string>>({});

  const run = async (f: () => Promise<unknown>, ok: string) => {
    try {
      await f();
      setMessage(ok);
      await data.reload();
    } catch (e) {
      setMessage(errorText(e));
    }
  };

  return (
    <Page title="村（社区）与网格" roles={TOWN_ADMIN_ROLES} wide>
      {message ? (
        <Text className="hint" id="places-message">
          {message}
        </Text>
      ) : null}
      <Loadable {...data} onRetry={data.reload}>
        {(d) => {
          const all = d.grids.flatMap((g) => g.boundary.coordinates[0] ?? []);
          const center = all.length
            ? {
                lng: all.reduce((s, p) => s + p[0]!, 0) / all.length,
                lat: all.reduce((s, p) => s + p[1]!, 0) / all.length,
              }
            : { lng: 107.86, lat: 29.79 };
          const span =
            Math.max(0.02, ...all.map((p) => Math.max(Math.abs(p[1]! - center.lat), Math.abs(p[0]! - center.lng)))) *
            1.3;
          const village = d.villages[villageIdx];
          return (
            <View>
              <View className="card">
                <Text className="card-title">新建村（社区）</Text>
                <Input
                  id="village-name"
                  placeholder="名称，如 新坪村"
                  value={villageName}
                  onInput={(e) => setVillageName(e.detail.value)}
                />
                <Button
                  size="mini"
                  type="primary"
                  id="village-add"
                  onClick={() =>
                    run(() => townsApi(api()).createVillage({ name: villageName.trim() }), `已新建 ${villageName}`)
                  }
                >
                  新建
                </Button>
              </View>
              <View className="card">
                <Text className="card-title">新建网格</Text>
                <Picker
                  mode="selector"
                  range={d.villages.map((v) => v.name)}
                  value={villageIdx}
                  onChange={(e) => setVillageIdx(Number(e.detail.value))}
                >
                  <Text>所属村（社区）：{village?.name ?? '请先新建村（社区）'}</Text>
                </Picker>
                <Input
                  id="grid-name"
                  placeholder="网格名称"
                  value={gridName}
                  onInput={(e) => setGridName(e.detail.value)}
                />
              </View>
              <DrawGrid
                center={center}
                span={span}
                grids={d.grids}
                onSave={(boundary: GeoJsonPolygon) =>
                  run(
                    () => townsApi(api()).createGrid({ name: gridName.trim(), villageId: village!.id, boundary }),
                    `已新建网格 ${gridName}`,
                  )
                }
              />
              <View className="card" id="grid-list">
                <Text className="card-title">网格（{d.grids.length}）</Text>
                {d.grids.map((g) => (
                  <View key={g.id} className="list-row">
                    <Text>
                      {g.name} <Text className="muted">{d.villages.find((v) => v.id === g.villageId)?.name}</Text>
                    </Text>
                    <View className="row">
                      <Button
                        size="mini"
                        className="group-code-btn"
                        onClick={async () => {
                          try {
                            const c = await townsApi(api()).groupBindCode({ gridId: g.id });
                            setCodes((x) => ({ ...x, [g.id]: c.code }));
                          } catch (e) {
                            setMessage(errorText(e));
                          }
                        }}
                      >
                        群绑定码
                      </Button>
                      {codes[g.id] ? (
                        <Text className="group-code">在群里发送：绑定群 {codes[g.id]}（30 分钟内有效）</Text>
                      ) : null}
                      <Button
                        size="mini"
                        onClick={() => run(() => api().post(`/api/grids/${g.id}/retire`), `已撤销 ${g.name}`)}
                      >
                        撤销
                      </Button>
                    </View>
                  </View>
                ))}
              </View>
            </View>
          );
        }}
      </Loadable>
    </Page>
  );
}
