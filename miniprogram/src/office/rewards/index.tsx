import { useState } from 'react';
import { View, Text, Input } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import {
  OFFICE_ROLES,
  REWARD_STATUSES,
  REWARD_STATUS_LABELS,
  rewardsApi,
  type Reporter,
  type RewardDecisionKind,
  type RewardOut,
  type RewardStatus,
} from '@yingji/shared';
import { Page } from '../../components/Page';
import { Chips } from '../../components/Chips';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { api, errorText } from '../../services/api';
import { DECISION_WORDS, ruleText } from '../../services/rewards';
import { formatTime } from '../../text';

const NEXT: Record<RewardStatus, RewardDecisionKind[]> = {
  proposed: ['approve', 'change', 'refuse'],
  approved: ['pay', 'change', 'refuse'],
  refused: [],
  paid: [],
};
const LABEL: Record<RewardDecisionKind, string> = {
  approve: '批准',
  change: '调整金额',
  refuse: '不予奖励',
  pay: '登记发放',
};

function RewardCard(props: { r: RewardOut; onDone: () => void }) {
  const { r } = props;
  const [mode, setMode] = useState<RewardDecisionKind>();
  const [amount, setAmount] = useState(String(r.amount));
  const [reason, setReason] = useState('');
  const [reference, setReference] = useState('');
  const [who, setWho] = useState<Reporter>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const decide = async (d: RewardDecisionKind) => {
    setBusy(true);
    setError(undefined);
    try {
      await rewardsApi(api()).decide(r.id, {
        decision: d,
        ...(d === 'change' ? { amount: Number(amount) } : {}),
        ...(reason.trim() ? { reason: reason.trim() } : {}),
        ...(d === 'pay' && reference.trim() ? { reference: reference.trim() } : {}),
      });
      setMode(undefined);
      props.onDone();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const reporter = who ?? r.reporter;
  return (
    <View className="card">
      <View className="card-head">
        <Text className="card-title">
          举报 {r.tip.code} → 隐患 {r.hazard.code}
        </Text>
        <Text
          className={r.status === 'refused' ? 'tag tag-red' : r.status === 'paid' ? 'tag tag-green' : 'tag tag-orange'}
        >
          {r.statusLabel}
        </Text>
      </View>
      <Text>
        金额：{r.amount} 元{r.amount !== r.proposedAmount ? `（建议 ${r.proposedAmount} 元）` : ''} · 依据：
        {ruleText(r.rule)}
      </Text>
      <View className="row">
        <Text className="hint">
          举报人：{reporter.anonymous && !who ? '匿名举报人' : `${reporter.name} ${reporter.phone ?? ''}`}
        </Text>
        {r.confidential && !who ? (
          <Button
            size="small"
            onClick={async () => {
              try {
                setWho(await rewardsApi(api()).reporter(r.id));
              } catch (e) {
                setError(errorText(e));
              }
            }}
          >
            查看身份（将记录）
          </Button>
        ) : null}
      </View>
      {r.decisions.map((d, i) => (
        <Text key={i} className="hint">
          {formatTime(d.at)} {d.by?.name ?? ''}{' '}
          {DECISION_WORDS[d.decision] ?? LABEL[d.decision as RewardDecisionKind] ?? d.decision}
          {d.amount !== undefined ? ` ${d.amount} 元` : ''}
          {d.reason ? `：${d.reason}` : ''}
        </Text>
      ))}
      <View className="row">
        {NEXT[r.status].map((d) => (
          <Button key={d} size="normal" type={mode === d ? 'primary' : 'default'} onClick={() => setMode(d)}>
            {LABEL[d]}
          </Button>
        ))}
      </View>
      {mode ? (
        <View style={{ marginTop: '12px' }}>
          {mode === 'change' ? (
            <Input
              className="input"
              type="number"
              value={amount}
              placeholder="金额（元）"
              onInput={(e) => setAmount(e.detail.value)}
            />
          ) : null}
          {mode === 'change' || mode === 'refuse' ? (
            <Input
              className="input"
              value={reason}
              placeholder="原因（必填）"
              onInput={(e) => setReason(e.detail.value)}
            />
          ) : null}
          {mode === 'pay' ? (
            <Input
              className="input"
              value={reference}
              placeholder="凭证号或转账单号"
              onInput={(e) => setReference(e.detail.value)}
            />
          ) : null}
          <Button type="primary" size="large" className="big-btn" loading={busy} onClick={() => decide(mode)}>
            确认{LABEL[mode]}
          </Button>
        </View>
      ) : null}
      {error ? <Text className="error-text">{error}</Text> : null}
    </View>
  );
}

/** Reward decisions: approve, change with a reason, refuse, record payment. */
export default function Rewards() {
  const [status, setStatus] = useState<RewardStatus | undefined>('proposed');
  const list = useData(() => rewardsApi(api()).list({ status }), { deps: [status] });
  return (
    <Page title="举报奖励" roles={OFFICE_ROLES} wide>
      <Chips
        options={REWARD_STATUSES.map((s) => ({ value: s, label: REWARD_STATUS_LABELS[s] }))}
        value={status}
        onChange={setStatus}
        clearable
      />
      <View style={{ marginTop: '24px' }}>
        <Loadable {...list} onRetry={list.reload} empty={(d) => d.items.length === 0} emptyText="没有这一类的奖励。">
          {(d) => (
            <View>
              {d.items.map((r) => (
                <RewardCard key={r.id} r={r} onDone={() => void list.reload()} />
              ))}
            </View>
          )}
        </Loadable>
      </View>
    </Page>
  );
}
