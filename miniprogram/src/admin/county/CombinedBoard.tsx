import { View, Text } from '@tarojs/components';
import { ApiClient, calloutsApi, townTransport, type CountyDashboard } from '@yingji/shared';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { API_BASE, api, transport } from '../../services/api';
import { formatTime } from '../../text';

type Town = CountyDashboard['towns'][number]['town'];

/** The combined board: every live warning of every town of the county, with its confirmations. */
export function CombinedBoard(props: { towns: Town[]; version: number }) {
  const codes = props.towns.map((t) => t.code).join(',');
  const data = useData(
    () =>
      Promise.all(
        props.towns.map(async (t) => {
          const inTown = new ApiClient({
            baseUrl: API_BASE,
            token: api().token,
            transport: townTransport(t.code, transport),
          });
          return { town: t, callouts: (await calloutsApi(inTown).list({ status: 'active' })).items };
        }),
      ),
    { pollMs: 15_000, deps: [codes, props.version] },
  );
  return (
    <View className="card" id="county-warnings">
      <Text className="card-title">各镇正在生效的预警（实时确认情况）</Text>
      <Loadable {...data} onRetry={data.reload}>
        {(rows) =>
          rows.every((r) => r.callouts.length === 0) ? (
            <Text className="hint">目前各镇都没有正在生效的预警</Text>
          ) : (
            <View>
              {rows.flatMap((r) =>
                r.callouts.map((c) => (
                  <View key={c.id} className="list-row county-warning">
                    <Text>
                      <Text className="tag">{r.town.name}</Text> {c.title}
                      <Text className="muted"> · {formatTime(c.issuedAt)}</Text>
                    </Text>
                    <Text className={c.summary.acked < c.summary.total ? 'tag tag-orange' : 'tag tag-green'}>
                      已确认 {c.summary.acked}/{c.summary.total}
                    </Text>
                  </View>
                )),
              )}
            </View>
          )
        }
      </Loadable>
    </View>
  );
}
