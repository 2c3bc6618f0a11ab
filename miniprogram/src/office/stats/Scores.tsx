import { useState } from 'react';
import { View, Text } from '@tarojs/components';
import { scoresApi, type UnitScore } from '@yingji/shared';
import { Chips } from '../../components/Chips';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { api } from '../../services/api';
import './scores.scss';

const FIGURE_NAMES: Record<string, string> = {
  calloutConfirmation: '叫应确认率',
  hazardsOnTime: '隐患按期整改销号率',
  drillAttendance: '演练到场率',
  incidentsWithinHour: '事件信息一小时内上报率',
};

/** This month and the one before, as YYYY-MM in China time. */
function months(now = new Date()): { value: string; label: string }[] {
  const china = new Date(now.getTime() + 8 * 3600_000);
  const y = china.getUTCFullYear();
  const m = china.getUTCMonth();
  const fmt = (yy: number, mm: number) => `${yy}-${String(mm + 1).padStart(2, '0')}`;
  const prev = m === 0 ? fmt(y - 1, 11) : fmt(y, m - 1);
  return [
    { value: fmt(y, m), label: '本月' },
    { value: prev, label: '上月' },
  ];
}

function UnitRows(props: { title: string; units: UnitScore[]; idPrefix: string }) {
  const [open, setOpen] = useState<string>();
  if (!props.units.length) return null;
  return (
    <View className="card">
      <Text className="card-title">{props.title}</Text>
      {props.units.map((u) => {
        const key = `${u.unit.kind}-${u.unit.id ?? u.unit.name}`;
        return (
          <View key={key} className="score-unit">
            <View
              className="list-row score-row"
              id={`${props.idPrefix}-${u.unit.name}`}
              onClick={() => setOpen(open === key ? undefined : key)}
            >
              <Text>{u.unit.name}</Text>
              <Text
                className={
                  u.score === null ? 'muted' : u.score >= 90 ? 'tag tag-green' : u.score >= 60 ? 'tag' : 'tag tag-red'
                }
              >
                {u.score === null ? '本月无数据' : `${u.score.toFixed(1)} 分`} {open === key ? '▲' : '▼ 计分说明'}
              </Text>
            </View>
            {open === key ? (
              <View className="score-lines">
                {u.lines.map((l) => (
                  <Text key={l} className="hint score-line">
                    {l}
                  </Text>
                ))}
              </View>
            ) : null}
          </View>
        );
      })}
    </View>
  );
}

/**
 * 督查考核 on the stats page: each village's and department's score for the month, each explained
 * line by line (tap a row), and how the score is computed from the town's weights.
 */
export function ScoresPanel() {
  const choices = months();
  const [month, setMonth] = useState(choices[0]!.value);
  const scores = useData(() => scoresApi(api()).get(month), { deps: [month] });
  return (
    <View id="scores">
      <Text className="section-title">督查考核得分</Text>
      <Chips options={choices} value={month} onChange={(v) => v && setMonth(v)} idPrefix="scores-month" />
      <Loadable {...scores} onRetry={scores.reload}>
        {(s) => (
          <View>
            <View className="card" id="scores-method">
              <View className="card-head">
                <Text className="card-title">{s.month} 怎样计分</Text>
              </View>
              <Text className="score-note">
                本镇权重：
                {Object.entries(s.weights)
                  .map(([k, w]) => `${FIGURE_NAMES[k] ?? k} ${w} 分`)
                  .join('，')}
              </Text>
              {s.notes.map((n) => (
                <Text key={n} className="hint score-note">
                  {n}
                </Text>
              ))}
            </View>
            <UnitRows title="各村（社区）" units={s.byVillage} idPrefix="score-village" />
            <UnitRows title="各责任部门" units={s.byDepartment} idPrefix="score-dept" />
          </View>
        )}
      </Loadable>
    </View>
  );
}
