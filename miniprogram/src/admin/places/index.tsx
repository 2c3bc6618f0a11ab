import { useEffect, useState } from 'react';
import { View, Text, Input } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { TOWN_ADMIN_ROLES, townsApi, type GeoJsonPolygon, type GridDetail } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { api, errorText } from '../../services/api';
import { DrawGrid, mapFrame } from './DrawGrid';
import { confirmRetire } from './confirm';
import { ImportPlaces } from './ImportPlaces';
import { Villages, type Village } from './Villages';
import './admin.scss';

interface Group {
  id: string;
  name: string;
  gridId?: string;
}

/** 村（社区）与网格: add villages, draw grids on the town map, retire them, bind a chat group by code. */
export default function Places() {
  /** Binding codes shown, per grid, with how many groups the grid had when the code was made. */
  const [codes, setCodes] = useState<Record<string, { code: string; groups: number }>>({});
  const [watching, setWatching] = useState(false);
  const data = useData(
    async () => {
      const [villages, grids, groups] = await Promise.all([
        api().get<{ items: Village[] }>('/api/villages'),
        api().get<{ items: { id: string }[] }>('/api/grids'),
        api().get<{ items: Group[] }>('/api/chat-groups'),
      ]);
      const details = await Promise.all(grids.items.map((g) => api().get<GridDetail>(`/api/grids/${g.id}`)));
      return { villages: villages.items, grids: details, groups: groups.items };
    },
    // While a binding code waits to be posted, watch for the room being bound.
    { pollMs: watching ? 3000 : undefined },
  );
  useEffect(() => {
    const groups = data.data?.groups ?? [];
    setWatching(Object.entries(codes).some(([id, c]) => groups.filter((x) => x.gridId === id).length <= c.groups));
  }, [codes, data.data]);
  const [gridName, setGridName] = useState('');
  const [villageId, setVillageId] = useState<string>();
  const [message, setMessage] = useState<{ text: string; ok: boolean }>();

  const run = async (f: () => Promise<unknown>, ok: string) => {
    try {
      await f();
      setMessage({ text: ok, ok: true });
      await data.reload();
      return true;
    } catch (e) {
      setMessage({ text: errorText(e), ok: false });
      return false;
    }
  };
  const fail = (text: string) => setMessage({ text, ok: false });

  return (
    <Page title="村（社区）与网格" roles={TOWN_ADMIN_ROLES} wide>
      {message ? (
        <Text className={message.ok ? 'ok-text' : 'error-text'} id="places-message">
          {message.text}
        </Text>
      ) : null}
      <Loadable {...data} onRetry={data.reload}>
        {(d) => {
          const village = d.villages.find((v) => v.id === villageId);
          const villageOf = (id: string) => d.villages.find((v) => v.id === id)?.name ?? '';
          return (
            <View className="side-by-side places">
              <View className="side">
                <Villages villages={d.villages} run={run} fail={fail} />
                <View className="card" id="grid-list">
                  <Text className="card-title">网格（{d.grids.length}）</Text>
                  {d.grids.length ? null : <Text className="muted">还没有网格，请在右侧地图上画出第一个网格。</Text>}
                  {d.grids.map((g) => {
                    const groups = d.groups.filter((x) => x.gridId === g.id);
                    // Once a room is bound with it, the code is used up: stop showing it.
                    const code = codes[g.id] && groups.length <= codes[g.id]!.groups ? codes[g.id]!.code : undefined;
                    return (
                      <View key={g.id} className="list-row grid-row">
                        <View className="grid-row-text">
                          <Text className="grid-row-name">{g.name}</Text>
                          <Text className="muted"> {villageOf(g.villageId)}</Text>
                          <Text className={groups.length ? 'tag tag-green grid-group' : 'tag tag-gray grid-group'}>
                            {groups.length ? `已绑定群：${groups.map((x) => x.name).join('、')}` : '未绑定群'}
                          </Text>
                          {code ? (
                            <Text className="hint group-code">
                              在要绑定的微信群或企业微信群里发送：绑定群 {code}（30 分钟内有效）
                            </Text>
                          ) : null}
                        </View>
                        <View className="row-actions">
                          <Button
                            size="small"
                            type="primary"
                            fill="outline"
                            className="group-code-btn"
                            onClick={async () => {
                              try {
                                const c = await townsApi(api()).groupBindCode({ gridId: g.id });
                                setCodes((x) => ({ ...x, [g.id]: { code: c.code, groups: groups.length } }));
                              } catch (e) {
                                fail(errorText(e));
                              }
                            }}
                          >
                            群绑定码
                          </Button>
                          <Button
                            size="small"
                            className="grid-retire-btn"
                            onClick={async () =>
                              (await confirmRetire(g.name, '网格')) &&
                              run(() => api().post(`/api/grids/${g.id}/retire`), `已撤销 ${g.name}`)
                            }
                          >
                            撤销
                          </Button>
                        </View>
                      </View>
                    );
                  })}
                </View>
              </View>
              <View className="side">
                <View className="card">
                  <Text className="card-title">新建网格：选村（社区）、填名称，再在下方地图上画</Text>
                  <Text className="muted block-label">所属村（社区）</Text>
                  {d.villages.length ? (
                    <View className="chips" id="grid-village">
                      {d.villages.map((v) => (
                        <View
                          key={v.id}
                          className={`chip grid-village-option${v.id === villageId ? ' chip-on' : ''}`}
                          onClick={() => setVillageId(v.id)}
                        >
                          {v.name}
                        </View>
                      ))}
                    </View>
                  ) : (
                    <Text className="hint">请先新建村（社区）</Text>
                  )}
                  <Input
                    id="grid-name"
                    className="input"
                    placeholder="网格名称，如 新坪村第一网格"
                    value={gridName}
                    onInput={(e) => setGridName(e.detail.value)}
                  />
                </View>
                <DrawGrid
                  {...mapFrame(d.grids)}
                  grids={d.grids}
                  onSave={async (boundary: GeoJsonPolygon) => {
                    const name = gridName.trim();
                    if (!village) {
                      fail('请先选择网格所属的村（社区）');
                      return false;
                    }
                    if (!name) {
                      fail('请填写网格名称');
                      return false;
                    }
                    const ok = await run(
                      () => townsApi(api()).createGrid({ name, villageId: village.id, boundary }),
                      `已新建网格 ${name}`,
                    );
                    if (ok) setGridName('');
                    return ok;
                  }}
                />
                <ImportPlaces onDone={() => void data.reload()} />
              </View>
            </View>
          );
        }}
      </Loadable>
    </Page>
  );
}
