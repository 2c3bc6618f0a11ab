import { useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { OFFICE_ROLES, boardApi, drillsApi, outboxApi } from '@yingji/shared';
import { DeliveryCounts, PersonRow } from '../../components/BoardRows';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { api, errorText } from '../../services/api';
import { downloadExport } from '../../services/media';
import { formatTime } from '../../text';

function secs(s: number | null | undefined): string {
  if (s === null || s === undefined) return '—';
  const m = Math.floor(s / 60);
  return m ? `${m}分${Math.round(s % 60)}秒` : `${Math.round(s)}秒`;
}

/** The live check-in board of a drill (polled every 3 seconds), with its end and export. */
export default function DrillBoard() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const report = useData(
    async () => {
      const [r, d] = await Promise.all([drillsApi(api()).report(id), boardApi(api()).drill(id)]);
      return { ...r, delivery: d };
    },
    { pollMs: 3000 },
  );
  const [error, setError] = useState<string>();
  const retry = async (deliveryId: string) => {
    setError(undefined);
    try {
      await outboxApi(api()).retry(deliveryId);
      await report.reload();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <Page title="签到看板" roles={OFFICE_ROLES} wide>
      <Loadable {...report} onRetry={report.reload}>
        {(r) => {
          const present = r.participants.filter((p) => p.checkedInAt);
          // The absent with what really happened to their call: those nobody reached first.
          const absent = r.delivery.items.filter((p) => p.state !== 'confirmed');
          const pct = r.summary.total ? Math.round((100 * r.summary.present) / r.summary.total) : 0;
          return (
            <View id="drill-board">
              <View className="card-head">
                <Text className="card-title">{r.drill.title}</Text>
                <Text className="tag tag-gray">
                  演练 · {r.drill.status === 'running' ? '进行中' : r.drill.status === 'ended' ? '已结束' : '未开始'}
                </Text>
              </View>
              <View className="counts">
                <View className="count">
                  <Text className="count-num">{r.summary.total}</Text>
                  <Text className="count-label">应到</Text>
                </View>
                <View className="count count-green">
                  <Text className="count-num" id="drill-present">
                    {r.summary.present}
                  </Text>
                  <Text className="count-label">已签到</Text>
                </View>
                <View className="count count-orange">
                  <Text className="count-num">{r.summary.absent}</Text>
                  <Text className="count-label">未到</Text>
                </View>
                <View className="count">
                  <Text className="count-num">{secs(r.summary.medianSeconds)}</Text>
                  <Text className="count-label">集结用时中位数</Text>
                </View>
              </View>
              <View className="progress">
                <View className="progress-fill" style={{ width: `${pct}%` }} />
              </View>
              <DeliveryCounts counts={r.delivery.counts} />
              <View className="side-by-side">
                <View className="side card" id="drill-present-list">
                  <Text className="card-title">已签到（{present.length}）</Text>
                  {present.map((p) => (
                    <View key={p.userId} className="list-row checkin-row">
                      <Text>
                        {p.name} <Text className="muted">{p.villageName ?? ''}</Text>
                      </Text>
                      <Text className={p.outsideArea || p.late ? 'tag tag-orange' : 'tag tag-green'}>
                        {secs(p.seconds)} {formatTime(p.checkedInAt)}
                        {p.outsideArea ? ' 范围外' : ''}
                      </Text>
                    </View>
                  ))}
                </View>
                <View className="side card" id="drill-absent-list">
                  <Text className="card-title">未签到（{absent.length}）</Text>
                  {absent.map((p) => (
                    <PersonRow key={p.userId} d={p} className="absent-row" onRetry={retry} />
                  ))}
                </View>
              </View>
              <View className="row">
                {r.drill.status === 'running' ? (
                  <Button
                    size="large"
                    type="danger"
                    onClick={async () => {
                      try {
                        await drillsApi(api()).end(id);
                        await report.reload();
                      } catch (e) {
                        setError(errorText(e));
                      }
                    }}
                  >
                    结束演练
                  </Button>
                ) : null}
                <Button
                  size="large"
                  onClick={() =>
                    downloadExport(`/api/drills/${id}/report.xlsx`, '演练签到.xlsx').catch((e) =>
                      setError(errorText(e)),
                    )
                  }
                >
                  导出 Excel
                </Button>
              </View>
              {error ? <Text className="error-text">{error}</Text> : null}
              <Text className="hint">每 3 秒自动刷新</Text>
            </View>
          );
        }}
      </Loadable>
    </Page>
  );
}
