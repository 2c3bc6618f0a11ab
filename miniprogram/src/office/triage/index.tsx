import { useState } from 'react';
import Taro from '@tarojs/taro';
import { View, Text, Textarea } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { OFFICE_ROLES, tipsApi, type TipQueueItem } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { PhotoRow } from '../../components/Photo';
import { useData } from '../../hooks/useData';
import { api, errorText } from '../../services/api';
import { formatDistance, formatTime } from '../../text';

type Mode = 'accept' | 'reject' | 'duplicate' | undefined;

function TriageCard(props: { tip: TipQueueItem; onDone: () => void }) {
  const t = props.tip;
  const [mode, setMode] = useState<Mode>();
  const [level, setLevel] = useState<'general' | 'major'>('general');
  const [reason, setReason] = useState('');
  const [hazardId, setHazardId] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const hazardDups = t.duplicates.filter((d) => d.kind === 'hazard');

  const decide = async () => {
    setError(undefined);
    if (mode === 'reject' && !reason.trim()) return setError('驳回需要填写原因，举报人会看到');
    if (mode === 'duplicate' && !hazardId) return setError('请选择重复的隐患');
    setBusy(true);
    try {
      await tipsApi(api()).triage(
        t.id,
        mode === 'accept'
          ? { decision: 'accept', level }
          : mode === 'reject'
            ? { decision: 'reject', reason: reason.trim() }
            : { decision: 'duplicate', hazardId },
      );
      void Taro.showToast({ title: '已处理', icon: 'success' });
      props.onDone();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="card triage-card" id={`triage-${t.code}`}>
      <View className="side-by-side">
        <View className="side">
          <View className="card-head">
            <Text className="card-title">
              {t.code} {t.categoryLabel}
            </Text>
            {t.source && t.source !== 'app' ? <Text className="tag tag-blue">来自{t.sourceLabel}</Text> : null}
            {t.confidential ? <Text className="tag tag-gray">保密举报</Text> : null}
          </View>
          <Text>{t.description}</Text>
          <PhotoRow ids={t.mediaIds} />
          <Text className="hint">
            {formatTime(t.submittedAt)} · {t.village?.name ?? ''} {t.grid?.name ?? ''}
            {t.location.address ? ` · ${t.location.address}` : ''}
          </Text>
          <Text className="hint">
            举报人：{t.reporter ? (t.reporter.anonymous ? '匿名举报人' : t.reporter.name) : '—'}
            {t.reporter?.phone ? ` ${t.reporter.phone}` : ''}
          </Text>
        </View>
        <View className="side">
          <Text className="field-label">疑似重复（{t.duplicates.length}）</Text>
          {t.duplicates.length === 0 ? <Text className="muted">附近近期没有同类举报或隐患</Text> : null}
          {t.duplicates.map((d) => (
            <View
              key={d.id}
              className={`dup${hazardId === d.id ? ' chip-on' : ''}`}
              onClick={() => d.kind === 'hazard' && (setHazardId(d.id), setMode('duplicate'))}
            >
              <Text className="card-title">
                {d.kind === 'hazard' ? '隐患' : '举报'} {d.code}
              </Text>
              <Text className="tag" style={{ marginLeft: '8px' }}>
                相距 {formatDistance(d.distanceM)}
              </Text>
              <Text style={{ display: 'block' }}>{d.description}</Text>
              <Text className="hint">{formatTime(d.at)}</Text>
            </View>
          ))}
        </View>
      </View>
      <View className="row" style={{ marginTop: '16px' }}>
        <Button
          className="triage-accept"
          size="large"
          type={mode === 'accept' ? 'primary' : 'default'}
          onClick={() => setMode('accept')}
        >
          受理
        </Button>
        <Button
          className="triage-reject"
          size="large"
          type={mode === 'reject' ? 'primary' : 'default'}
          onClick={() => setMode('reject')}
        >
          驳回
        </Button>
        {hazardDups.length ? (
          <Button size="large" type={mode === 'duplicate' ? 'primary' : 'default'} onClick={() => setMode('duplicate')}>
            重复举报
          </Button>
        ) : null}
      </View>
      {mode === 'accept' ? (
        <View className="row" style={{ marginTop: '16px' }}>
          <Text>等级：</Text>
          {(['general', 'major'] as const).map((l) => (
            <View key={l} className={`chip${level === l ? ' chip-on' : ''}`} onClick={() => setLevel(l)}>
              {l === 'general' ? '一般' : '重大'}
            </View>
          ))}
        </View>
      ) : null}
      {mode === 'reject' ? (
        <Textarea
          className="textarea triage-reason"
          value={reason}
          placeholder="驳回原因（举报人会看到）"
          onInput={(e) => setReason(e.detail.value)}
        />
      ) : null}
      {mode === 'duplicate' ? <Text className="hint">点右侧的一条隐患，把这条举报合并进去</Text> : null}
      {mode ? (
        <Button className="triage-confirm big-btn" type="primary" size="large" loading={busy} onClick={decide}>
          确认{mode === 'accept' ? '受理' : mode === 'reject' ? '驳回' : '合并'}
        </Button>
      ) : null}
      {error ? <Text className="error-text">{error}</Text> : null}
    </View>
  );
}

/** The triage queue 蓄水池: each tip beside its suggested duplicates, refreshed as tips come in. */
export default function Triage() {
  const queue = useData(() => tipsApi(api()).queue({ status: 'submitted' }), { pollMs: 20_000 });
  return (
    <Page title="举报审核" roles={OFFICE_ROLES} wide>
      <Loadable {...queue} onRetry={queue.reload} empty={(d) => d.items.length === 0} emptyText="没有待审核的举报。">
        {(d) => (
          <View id="triage-queue">
            <Text className="hint">待审核 {d.total} 条</Text>
            {d.items.map((t) => (
              <TriageCard key={t.id} tip={t} onDone={() => void queue.reload()} />
            ))}
          </View>
        )}
      </Loadable>
    </Page>
  );
}
