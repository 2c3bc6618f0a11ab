import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { ROLE_LABELS, type Role } from '@yingji/shared';
import { Chips } from '../../components/Chips';
import { RewardRule, type RuleDraft } from './RewardRule';
import { SaveBar, notANumber, numberOf, section, shown, useFormState, useSectionSave } from './common';
import type { Config } from './common';

interface StoredRule {
  level?: 'general' | 'major';
  category?: string;
  amount: number;
  fineShare?: number;
  maxAmount?: number;
}
interface StoredRewards {
  trigger?: 'accepted' | 'closed';
  roles?: string[];
  rules?: StoredRule[];
}
interface Draft {
  trigger: 'accepted' | 'closed';
  roles: string[];
  rules: RuleDraft[];
}

const TRIGGERS = [
  { value: 'accepted' as const, label: '举报受理后' },
  { value: 'closed' as const, label: '隐患整改销号后' },
];
/** Who may report a tip, and so be rewarded for it. */
const REWARDED: Role[] = ['resident', 'grid', 'cadre'];
const RULE_FIELDS: Record<string, string> = {
  level: '隐患等级',
  category: '隐患类别',
  amount: '奖励金额',
  fineShare: '罚款比例',
  maxAmount: '最多金额',
};

/** `rewards.rules.0.amount` → 第 1 条规则的奖励金额. */
function describe(path: string): string | undefined {
  const m = /^rewards\.rules\.(\d+)\.?(\w*)/.exec(path);
  if (m) return `第 ${Number(m[1]) + 1} 条规则${m[2] ? `的${RULE_FIELDS[m[2]] ?? m[2]}` : ''}`;
  if (path.startsWith('rewards.roles')) return '奖励哪些人的举报';
  if (path.startsWith('rewards.trigger')) return '何时奖励';
  if (path.startsWith('rewards.rules')) return '奖励规则';
  return undefined;
}

const pct = (share: number | undefined) => (share === undefined ? '' : String(Math.round(share * 10000) / 100));

function draftOf(r: StoredRewards): Draft {
  return {
    trigger: r.trigger ?? 'accepted',
    roles: r.roles ?? ['resident'],
    rules: (r.rules ?? []).map((x) => ({
      level: x.level ?? 'any',
      category: x.category ?? 'any',
      amount: shown(x.amount),
      sharePct: pct(x.fineShare),
      max: shown(x.maxAmount),
    })),
  };
}

/** The rule table as the server stores it; a text when a box holds something that is not a number. */
function patchOf(d: Draft): Config | string {
  const rules = [];
  for (const [i, r] of d.rules.entries()) {
    const bad = notANumber([
      { label: `第 ${i + 1} 条规则的奖励金额`, text: r.amount },
      { label: `第 ${i + 1} 条规则的罚款比例`, text: r.sharePct },
      { label: `第 ${i + 1} 条规则的最多金额`, text: r.max },
    ]);
    if (bad) return bad;
    const share = numberOf(r.sharePct);
    const max = numberOf(r.max);
    rules.push({
      ...(r.level !== 'any' ? { level: r.level } : {}),
      ...(r.category !== 'any' ? { category: r.category } : {}),
      // Left empty, the server says the amount is missing.
      amount: numberOf(r.amount),
      ...(share !== undefined ? { fineShare: Math.round(share * 100) / 10000 } : {}),
      ...(max !== undefined ? { maxAmount: max } : {}),
    });
  }
  return { rewards: { trigger: d.trigger, roles: d.roles, rules } };
}

/**
 * 奖励规则: when a verified tip is rewarded, whose tips, and how much by hazard level and category
 * (the most specific rule wins), in the words of the rewards page, never as rule codes.
 */
export function RewardsForm(props: { config: Config; reload: () => Promise<void> }) {
  const stored = section<StoredRewards>(props.config, 'rewards');
  const [d, setD] = useFormState(() => draftOf(stored), stored);
  const s = useSectionSave(props.reload, describe);
  const setRule = (i: number, r: RuleDraft) => setD({ ...d, rules: d.rules.map((x, j) => (j === i ? r : x)) });

  return (
    <View className="card settings-card" id="rewards-form">
      <Text className="card-title">奖励规则</Text>
      <Text className="hint">
        举报核实后，系统按下面的规则建议奖励金额，再由镇应急办审核发放。一条举报同时符合几条规则时，按最具体的一条（指定类别的优先于只指定等级的）。填了罚款比例的，有罚款时按罚款的这个比例计，与奖励金额取高者，再以“最多”为上限。
      </Text>
      <View className="settings-rule-line">
        <Text className="settings-rule-label">何时奖励</Text>
        <Chips
          options={TRIGGERS}
          value={d.trigger}
          onChange={(v) => setD({ ...d, trigger: v ?? d.trigger })}
          idPrefix="reward-trigger"
        />
      </View>
      <View className="settings-rule-line">
        <Text className="settings-rule-label">奖励谁的举报</Text>
        <View className="chips">
          {REWARDED.map((r) => {
            const on = d.roles.includes(r);
            return (
              <View
                key={r}
                id={`reward-role-${r}`}
                className={`chip${on ? ' chip-on' : ''}`}
                onClick={() => setD({ ...d, roles: on ? d.roles.filter((x) => x !== r) : [...d.roles, r] })}
              >
                {on ? '✓ ' : ''}
                {ROLE_LABELS[r]}
              </View>
            );
          })}
        </View>
      </View>
      {d.rules.length === 0 ? <Text className="hint">还没有规则：核实的举报不会自动建议奖励。</Text> : null}
      {d.rules.map((r, i) => (
        <RewardRule
          key={i}
          index={i}
          rule={r}
          onChange={(next) => setRule(i, next)}
          onRemove={() => setD({ ...d, rules: d.rules.filter((_, j) => j !== i) })}
        />
      ))}
      <View className="row settings-actions">
        <Button
          size="normal"
          id="reward-rule-add"
          onClick={() =>
            setD({ ...d, rules: [...d.rules, { level: 'any', category: 'any', amount: '', sharePct: '', max: '' }] })
          }
        >
          添加一条规则
        </Button>
      </View>
      <SaveBar id="rewards" busy={s.busy} error={s.error} saved={s.saved} onSave={() => void s.save(patchOf(d))} />
    </View>
  );
}
