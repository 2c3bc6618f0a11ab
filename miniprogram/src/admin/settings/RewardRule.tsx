import { useState } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { HAZARD_CATEGORIES, categoryLabel } from '@yingji/shared';
import { Chips } from '../../components/Chips';
import { ruleText } from '../../services/rewards';
import { SettingInput } from './common';

/** One rule of the reward table as the form edits it: texts as typed, 'any' for 不限. */
export interface RuleDraft {
  level: 'any' | 'general' | 'major';
  category: string;
  amount: string;
  sharePct: string;
  max: string;
}

/** The level in the reward page's words (一般隐患, 重大隐患), from the same wording. */
export const levelWords = (l: 'general' | 'major') => ruleText(`等级=${l}`);

const LEVEL_OPTS = [
  { value: 'any' as const, label: '不限等级' },
  { value: 'general' as const, label: levelWords('general') },
  { value: 'major' as const, label: levelWords('major') },
];
const CATEGORY_OPTS = [
  { value: 'any', label: '不限类别' },
  ...HAZARD_CATEGORIES.map((c) => ({ value: c.code as string, label: c.label })),
];

/** The rule in the words of the rewards page: 重大隐患，消防：500 元，或罚款的 15%（取高者），最多 2000 元. */
export function ruleSummary(r: RuleDraft): string {
  const parts = [r.level !== 'any' ? `等级=${r.level}` : '', r.category !== 'any' ? `类别=${r.category}` : ''];
  let text = ruleText(`${parts.filter(Boolean).join('，') || '默认'}：${r.amount.trim() || '?'} 元`);
  if (r.sharePct.trim()) text += `，或罚款的 ${r.sharePct.trim()}%（取高者）`;
  if (r.max.trim()) text += `，最多 ${r.max.trim()} 元`;
  return text;
}

/** One rule: its level, its category, the amount, and with a fine its share and the cap. */
export function RewardRule(props: {
  index: number;
  rule: RuleDraft;
  onChange: (r: RuleDraft) => void;
  onRemove: () => void;
}) {
  const { rule: r, index: i } = props;
  const [picking, setPicking] = useState(false);
  const set = (patch: Partial<RuleDraft>) => props.onChange({ ...r, ...patch });
  const id = `reward-rule-${i}`;
  return (
    <View className="settings-rule" id={id}>
      <View className="card-head">
        <Text className="settings-rule-title">
          第 {i + 1} 条：{ruleSummary(r)}
        </Text>
        <Button size="small" className="settings-remove" onClick={props.onRemove}>
          删除这条
        </Button>
      </View>
      <View className="settings-rule-line">
        <Text className="settings-rule-label">隐患等级</Text>
        <Chips
          options={LEVEL_OPTS}
          value={r.level}
          onChange={(v) => set({ level: v ?? 'any' })}
          idPrefix={`${id}-level`}
        />
      </View>
      <View className="settings-rule-line">
        <Text className="settings-rule-label">隐患类别</Text>
        <Text id={`${id}-category`}>{r.category === 'any' ? '不限类别' : categoryLabel(r.category)}</Text>
        <Button size="small" id={`${id}-pick`} onClick={() => setPicking(!picking)}>
          {picking ? '收起' : '选择类别'}
        </Button>
      </View>
      {picking ? (
        <Chips
          options={CATEGORY_OPTS}
          value={r.category}
          onChange={(v) => {
            set({ category: v ?? 'any' });
            setPicking(false);
          }}
          idPrefix={`${id}-cat`}
        />
      ) : null}
      <View className="settings-grid">
        <SettingInput
          id={`${id}-amount`}
          label="奖励金额"
          unit="元"
          type="digit"
          value={r.amount}
          onInput={(v) => set({ amount: v })}
        />
        <SettingInput
          id={`${id}-share`}
          label="或按罚款比例（选填）"
          unit="%"
          type="digit"
          value={r.sharePct}
          onInput={(v) => set({ sharePct: v })}
        />
        <SettingInput
          id={`${id}-max`}
          label="最多（选填）"
          unit="元"
          type="digit"
          value={r.max}
          onInput={(v) => set({ max: v })}
        />
      </View>
    </View>
  );
}
