import { View, Text } from '@tarojs/components';
import { SaveBar, SettingInput, notANumber, numberOf, section, shown, useFormState, useSectionSave } from './common';
import type { Config } from './common';

/** One number of the settings: top-level (`tipsPerHour`) or in a section (`ackMinutes.red`). */
export interface NumberField {
  path: [string] | [string, string];
  label: string;
  unit?: string;
}

const keyOf = (f: NumberField) => f.path.join('.');
const valueOf = (c: Config, f: NumberField) =>
  f.path.length === 1 ? c[f.path[0]] : section<Record<string, unknown>>(c, f.path[0])[f.path[1]];

/**
 * A card of plain numbers (deadlines, windows, weights): saved as a PATCH of only its own
 * settings, the server checking each (a window of 0 minutes is refused with its reason).
 */
export function NumbersForm(props: {
  id: string;
  title: string;
  hint?: string;
  fields: NumberField[];
  config: Config;
  reload: () => Promise<void>;
}) {
  const stored = props.fields.map((f) => valueOf(props.config, f));
  const [texts, setTexts] = useFormState(
    () => Object.fromEntries(props.fields.map((f) => [keyOf(f), shown(valueOf(props.config, f))])),
    stored,
  );
  const labels = new Map(props.fields.map((f) => [keyOf(f), f.label]));
  // The server names `deadlineDays` as `hazardDeadlineDays` too.
  const s = useSectionSave(props.reload, (path) => labels.get(path));

  const save = () => {
    const bad = notANumber(props.fields.map((f) => ({ label: f.label, text: texts[keyOf(f)] ?? '' })));
    if (bad) return s.save(bad);
    const patch: Config = {};
    for (const f of props.fields) {
      const n = numberOf(texts[keyOf(f)] ?? '');
      if (n === undefined) return s.save(`请填写${f.label}`);
      if (f.path.length === 1) patch[f.path[0]] = n;
      else ((patch[f.path[0]] ??= {}) as Config)[f.path[1]] = n;
    }
    return s.save(patch);
  };

  return (
    <View className="card settings-card" id={props.id}>
      <Text className="card-title">{props.title}</Text>
      {props.hint ? <Text className="hint">{props.hint}</Text> : null}
      <View className="settings-grid">
        {props.fields.map((f) => {
          const key = keyOf(f);
          return (
            <SettingInput
              key={key}
              id={`setting-${key.replace('.', '-')}`}
              label={f.label}
              unit={f.unit}
              type="digit"
              value={texts[key] ?? ''}
              onInput={(v) => setTexts((x) => ({ ...x, [key]: v }))}
            />
          );
        })}
      </View>
      <SaveBar id={props.id} busy={s.busy} error={s.error} saved={s.saved} onSave={() => void save()} />
    </View>
  );
}

export const COMMON_FIELDS: NumberField[] = [
  { path: ['hazardDeadlineDays', 'major'], label: '重大隐患整改期限', unit: '天' },
  { path: ['hazardDeadlineDays', 'general'], label: '一般隐患整改期限', unit: '天' },
  { path: ['hazards', 'escalateAfterHours'], label: '隐患逾期后提醒上级', unit: '小时后' },
  { path: ['hazards', 'outsideTownKm'], label: '位置离网格最远', unit: '公里' },
  { path: ['tipsPerHour'], label: '每人每小时最多举报', unit: '条' },
  { path: ['duplicateRadiusM'], label: '疑似重复举报：相距', unit: '米以内' },
  { path: ['duplicateWindowDays'], label: '疑似重复举报：相隔', unit: '天以内' },
  { path: ['drills', 'assemblyTargetMinutes'], label: '演练集结时限', unit: '分钟' },
  { path: ['incidents', 'reportUpMinutes'], label: '突发事件上报时限', unit: '分钟' },
];

const LEVELS = [
  ['red', '红色'],
  ['orange', '橙色'],
  ['yellow', '黄色'],
  ['blue', '蓝色'],
] as const;

export const ACK_FIELDS: NumberField[] = [
  ...LEVELS.map(([l, w]): NumberField => ({ path: ['ackMinutes', l], label: `${w}预警确认时限`, unit: '分钟' })),
  ...LEVELS.map(([l, w]): NumberField => ({
    path: ['escalationWaitMinutes', l],
    label: `${w}预警逐级提醒间隔`,
    unit: '分钟',
  })),
];

export const SCORE_FIELDS: NumberField[] = [
  { path: ['scoreWeights', 'calloutConfirmation'], label: '叫应确认', unit: '分' },
  { path: ['scoreWeights', 'hazardsOnTime'], label: '隐患按期整改', unit: '分' },
  { path: ['scoreWeights', 'drillAttendance'], label: '演练到位', unit: '分' },
  { path: ['scoreWeights', 'incidentsWithinHour'], label: '突发事件按时上报', unit: '分' },
];
