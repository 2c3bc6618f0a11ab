import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { OFFICE_ROLES, type EvacuationStatus } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { api } from '../../services/api';

function pct(a: number, b: number): number {
  return b ? Math.min(100, Math.round((100 * a) / b)) : 0;
}

/** The evacuation board: moved against planned per hazard point, occupancy against capacity per shelter. */
export default function Evacuation() {
  const status = useData(() => api().get<EvacuationStatus>('/api/evacuation'), { pollMs: 5000 });
  return (
    <Page title="转移安置" roles={OFFICE_ROLES} wide>
      <Loadable {...status} onRetry={status.reload}>
        {(s) => (
          <View id="evacuation-board">
            <View className="counts">
              <View className="count">
                <Text className="count-num">{s.totals.planned}</Text>
                <Text className="count-label">应转移（人）</Text>
              </View>
              <View className="count count-green">
                <Text className="count-num" id="evac-moved">
                  {s.totals.moved}
                </Text>
                <Text className="count-label">已转移（人）</Text>
              </View>
              <View className="count">
                <Text className="count-num">{s.totals.capacity}</Text>
                <Text className="count-label">避难场所可容纳</Text>
              </View>
              <View className="count count-orange">
                <Text className="count-num" id="evac-occupancy">
                  {s.totals.occupancy}
                </Text>
                <Text className="count-label">已安置</Text>
              </View>
            </View>
            <View className="side-by-side">
              <View className="side card" id="evac-points">
                <Text className="card-title">各隐患点转移（{s.hazardPoints.length}）</Text>
                {s.hazardPoints.length === 0 ? <Text className="muted">还没有隐患点和转移方案</Text> : null}
                {s.hazardPoints.map((h) => (
                  <View key={h.id} className="evac-row">
                    <View className="list-row">
                      <Text>{h.name}</Text>
                      <Text className={h.moved >= h.planned && h.planned > 0 ? 'tag tag-green' : 'tag tag-orange'}>
                        已转移 {h.moved} / 应转移 {h.planned}
                      </Text>
                    </View>
                    <View className="progress thin">
                      <View className="progress-fill" style={{ width: `${pct(h.moved, h.planned)}%` }} />
                    </View>
                  </View>
                ))}
              </View>
              <View className="side card" id="evac-shelters">
                <Text className="card-title">各避难场所安置（{s.shelters.length}）</Text>
                {s.shelters.length === 0 ? <Text className="muted">还没有避难场所</Text> : null}
                {s.shelters.map((x) => {
                  const full = x.capacity > 0 && x.occupancy >= x.capacity;
                  return (
                    <View key={x.id} className="evac-row" id={`evac-shelter-${x.id}`}>
                      <View className="list-row">
                        <Text>{x.name}</Text>
                        <Text className={full ? 'tag tag-red' : 'tag tag-blue'}>
                          已安置 {x.occupancy} / 可容纳 {x.capacity}
                          {full ? '（已满）' : ''}
                        </Text>
                      </View>
                      <View className="progress thin">
                        <View
                          className="progress-fill"
                          style={{
                            width: `${pct(x.occupancy, x.capacity)}%`,
                            background: full ? '#b42318' : undefined,
                          }}
                        />
                      </View>
                    </View>
                  );
                })}
              </View>
            </View>
            <View className="row">
              <Button size="large" onClick={() => Taro.redirectTo({ url: '/office/resources/index' })}>
                管理避难场所
              </Button>
            </View>
            <Text className="hint">每 5 秒自动刷新；网格员在小程序或群里报“已转移 N 人”后这里会更新</Text>
          </View>
        )}
      </Loadable>
    </Page>
  );
}
