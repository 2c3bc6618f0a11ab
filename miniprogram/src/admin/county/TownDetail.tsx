import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { ApiClient, calloutsApi, hazardsApi, townTransport, type CountyDashboard } from '@yingji/shared';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { API_BASE, api, transport } from '../../services/api';
import { formatTime } from '../../text';
import { pct } from './figures';

type Row = CountyDashboard['towns'][number];

/** One town of the county, looked into read-only (`X-Town`): its figures, open hazards and live warnings. */
export function TownDetail(props: { code: string }) {
  const data = useData(
    async () => {
      const inTown = new ApiClient({
        baseUrl: API_BASE,
        token: api().token,
        transport: townTransport(props.code, transport),
      });
      const [board, hazards, callouts] = await Promise.all([
        api().get<CountyDashboard>('/api/county/dashboard'),
        hazardsApi(inTown).list({ status: 'open', pageSize: 50 }),
        calloutsApi(inTown).list({ status: 'active' }),
      ]);
      const row = board.towns.find((t) => t.town.code === props.code);
      return { county: board.county, row, hazards, callouts };
    },
    { pollMs: 30_000, deps: [props.code] },
  );
  return (
    <Loadable {...data} onRetry={data.reload}>
      {(d) =>
        !d.row ? (
          <Text className="error-text">该乡镇不属于您所在的县</Text>
        ) : (
          <View id="county-town-detail">
            <View className="card-head">
              <Text className="card-title county-town-name">
                {d.row.town.name} <Text className="muted">{d.county} · 只读查看</Text>
              </Text>
              <Button size="small" id="county-back" onClick={() => Taro.redirectTo({ url: '/admin/county/index' })}>
                ‹ 返回县级看板
              </Button>
            </View>
            <Figures row={d.row} />
            <View className="side-by-side">
              <View className="side card">
                <Text className="card-title">未销号隐患（{d.hazards.total}）</Text>
                {d.hazards.items.length ? null : <Text className="hint">没有未销号的隐患</Text>}
                {d.hazards.items.map((h) => (
                  <View key={h.id} className="list-row county-hazard">
                    <View>
                      <Text className="card-title">
                        {h.code} {h.categoryLabel}{' '}
                      </Text>
                      <Text className={h.overdue ? 'tag tag-red' : h.level === 'major' ? 'tag tag-orange' : 'tag'}>
                        {h.overdue ? '逾期 · ' : ''}
                        {h.levelLabel}隐患 · {h.statusLabel}
                      </Text>
                      <Text className="hint">
                        {h.description}
                        {' · '}
                        {h.village?.name ?? ''} · 责任人 {h.responsibleUser?.name ?? '未交办'}
                        {h.deadline ? ` · 期限 ${formatTime(h.deadline)}` : ''}
                      </Text>
                    </View>
                  </View>
                ))}
              </View>
              <View className="side card">
                <Text className="card-title">正在生效的预警（{d.callouts.items.length}）</Text>
                {d.callouts.items.length ? null : <Text className="hint">目前没有正在生效的预警</Text>}
                {d.callouts.items.map((c) => (
                  <View key={c.id} className="list-row">
                    <Text>{c.title}</Text>
                    <Text className="muted">
                      {formatTime(c.issuedAt)} · 已确认 {c.summary.acked}/{c.summary.total}
                    </Text>
                  </View>
                ))}
              </View>
            </View>
          </View>
        )
      }
    </Loadable>
  );
}

/** A town's figures as labelled numbers. */
export function Figures(props: { row: Row }) {
  const t = props.row;
  const cell = (label: string, value: string | number, cls: string, alarm = false) => (
    <View className="county-figure">
      <Text className={`county-figure-value ${cls}${alarm ? ' county-alarm' : ''}`}>{value}</Text>
      <Text className="muted">{label}</Text>
    </View>
  );
  return (
    <View className="county-figures">
      {cell('未销号重大隐患', t.openMajorHazards, 'county-major', t.openMajorHazards > 0)}
      {cell('逾期隐患', t.overdueHazards, 'county-overdue', t.overdueHazards > 0)}
      {cell('未确认叫应', t.unconfirmedNow, 'county-unconfirmed', t.unconfirmedNow > 0)}
      {cell('一小时上报率', pct(t.incidentsWithinHourRate), 'county-rate')}
      {cell('最近演练到位率', t.latestDrill ? pct(t.latestDrill.attendanceRate) : '—', 'county-drill')}
    </View>
  );
}
