import { useState } from 'react';
import { View, Text, Input, Button } from '@tarojs/components';
import { townsApi } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { api, errorText } from '../../services/api';

const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)}%`);

/** 县级看板: every town of the county side by side, and one warning to several towns. */
export default function CountyBoard() {
  const board = useData(() => townsApi(api()).countyDashboard(), { pollMs: 30_000 });
  const [title, setTitle] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [message, setMessage] = useState('');
  return (
    <Page title="县级看板" roles={['county']} wide>
      <Loadable {...board} onRetry={board.reload}>
        {(d) => (
          <View>
            <View className="card" id="county-board">
              <Text className="card-title">{d.county}</Text>
              {d.towns.map((t) => (
                <View key={t.town.id} className="list-row county-town">
                  <Text>
                    <Text
                      className={chosen.includes(t.town.code) ? 'tag tag-orange' : 'tag'}
                      onClick={() =>
                        setChosen((c) =>
                          c.includes(t.town.code) ? c.filter((x) => x !== t.town.code) : [...c, t.town.code],
                        )
                      }
                    >
                      {chosen.includes(t.town.code) ? '✓ ' : ''}
                      {t.town.name}
                    </Text>
                  </Text>
                  <Text className="muted">
                    重大隐患 {t.openMajorHazards} · 逾期 {t.overdueHazards} · 未确认叫应 {t.unconfirmedNow} ·
                    一小时上报率 {pct(t.incidentsWithinHourRate)} · 最近演练{' '}
                    {t.latestDrill ? `${t.latestDrill.title}（到位率 ${pct(t.latestDrill.attendanceRate)}）` : '—'}
                  </Text>
                </View>
              ))}
            </View>
            <View className="card">
              <Text className="card-title">向选中的乡镇发布预警（各镇按本镇的叫应对象和流程）</Text>
              <Input placeholder="预警标题" value={title} onInput={(e) => setTitle(e.detail.value)} />
              <Button
                type="primary"
                disabled={!chosen.length || !title.trim()}
                onClick={async () => {
                  try {
                    const r = await townsApi(api()).countyWarning({
                      towns: chosen,
                      title: title.trim(),
                      level: 'orange',
                    });
                    setMessage(r.items.map((i) => `${i.town}：${i.error ?? `已发给 ${i.recipients} 人`}`).join('；'));
                    await board.reload();
                  } catch (e) {
                    setMessage(errorText(e));
                  }
                }}
              >
                发布橙色预警
              </Button>
              {message ? <Text className="hint">{message}</Text> : null}
            </View>
          </View>
        )}
      </Loadable>
    </Page>
  );
}
