import { View, Text } from '@tarojs/components';
import { OFFICE_ROLES, hazardsApi, incidentsApi } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { BarChart } from '../../components/BarChart';
import { useData } from '../../hooks/useData';
import { api } from '../../services/api';
import { ScoresPanel } from './Scores';

/** Charts of the stats: open hazards (动态清零 of major ones), by category and village, closures on time. */
export default function Stats() {
  const stats = useData(() => hazardsApi(api()).stats(), { pollMs: 60_000 });
  const incidents = useData(() => incidentsApi(api()).stats());
  return (
    <Page title="统计图表" roles={OFFICE_ROLES} wide>
      <Loadable {...stats} onRetry={stats.reload}>
        {(s) => (
          <View id="stats">
            <View className="counts">
              <View className={`count ${s.openMajor ? 'count-red' : 'count-green'}`}>
                <Text className="count-num">{s.openMajor}</Text>
                <Text className="count-label">未销号重大隐患（动态清零）</Text>
              </View>
              <View className="count">
                <Text className="count-num">{s.open.total}</Text>
                <Text className="count-label">未销号隐患</Text>
              </View>
              <View className="count count-orange">
                <Text className="count-num">{s.open.overdue}</Text>
                <Text className="count-label">已逾期</Text>
              </View>
              {incidents.data ? (
                <View className="count">
                  <Text className="count-num">
                    {incidents.data.rate === null ? '—' : `${Math.round(incidents.data.rate * 100)}%`}
                  </Text>
                  <Text className="count-label">事故信息一小时内报送率</Text>
                </View>
              ) : null}
            </View>
            <View className="side-by-side">
              <View className="side">
                <BarChart
                  title="未销号隐患：按等级"
                  bars={[
                    { label: '重大', value: s.open.major, color: '#b42318' },
                    { label: '一般', value: s.open.general, color: '#f5760f' },
                  ]}
                />
                <BarChart
                  title={`${s.month} 销号：按时与超期`}
                  bars={[
                    { label: '按时销号', value: s.closedThisMonth.onTime, color: '#1e7d45' },
                    { label: '超期销号', value: s.closedThisMonth.late, color: '#b42318' },
                  ]}
                />
              </View>
              <View className="side">
                <BarChart
                  title="未销号隐患：按村/社区"
                  bars={s.byVillage.map((v) => ({ label: v.name, value: v.count, color: '#1f6fd1' }))}
                />
              </View>
            </View>
            <BarChart title="未销号隐患：按类别" bars={s.byCategory.map((c) => ({ label: c.label, value: c.count }))} />
          </View>
        )}
      </Loadable>
      <ScoresPanel />
    </Page>
  );
}
