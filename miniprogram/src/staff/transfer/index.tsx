import { useState } from 'react';
import { View, Text, Input } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { sheltersApi, type TransferResult } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { actionKeys, api, errorText } from '../../services/api';

/** 转移上报: how many people were moved, from which hazard point. */
export default function Transfer() {
  const points = useData(() => sheltersApi(api()).hazardPoints());
  const [pointId, setPointId] = useState<string>();
  const [count, setCount] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<TransferResult>();

  const submit = async () => {
    setError(undefined);
    const n = Number(count);
    if (!Number.isInteger(n) || n < 1) return setError('请填写转移人数（大于 0 的整数）');
    setBusy(true);
    try {
      const body = { count: n, channel: 'miniprogram' as const, ...(pointId ? { hazardPointId: pointId } : {}) };
      const keys = actionKeys('transfer');
      setResult(await sheltersApi(api()).reportTransfer(body, { idempotencyKey: keys.keyFor(body) }));
      keys.done();
      setCount('');
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title="转移上报" roles={['grid', 'cadre', 'office', 'admin']}>
      <Text className="field-label">从哪个隐患点转移</Text>
      <Loadable
        {...points}
        onRetry={points.reload}
        empty={(d) => d.items.length === 0}
        emptyText="您的网格没有登记隐患点，将按网格上报。"
      >
        {(d) => (
          <View className="chips">
            {d.items.map((p) => (
              <View key={p.id} className={`chip${pointId === p.id ? ' chip-on' : ''}`} onClick={() => setPointId(p.id)}>
                {p.name}（已转 {p.moved}/{p.residents}）
              </View>
            ))}
          </View>
        )}
      </Loadable>
      <View className="field" style={{ marginTop: '24px' }}>
        <Text className="field-label">本次转移人数</Text>
        <Input
          className="input"
          type="number"
          value={count}
          placeholder="如：12"
          onInput={(e) => setCount(e.detail.value)}
        />
      </View>
      {error ? <Text className="error-text">{error}</Text> : null}
      <Button type="primary" size="large" className="big-btn" loading={busy} onClick={submit}>
        上报
      </Button>
      {result ? (
        <View className="card">
          <Text className="ok-text">已上报</Text>
          <Text>
            {result.hazardPoint.name}：已转移 {result.moved} / 计划 {result.planned} 人
          </Text>
          {result.shelter ? (
            <Text className="hint">
              {result.shelter.name}：现有 {result.shelter.occupancy} / 容量 {result.shelter.capacity}
            </Text>
          ) : null}
        </View>
      ) : null}
    </Page>
  );
}
