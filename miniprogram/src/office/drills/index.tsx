import { useState } from 'react';
import Taro from '@tarojs/taro';
import { View, Text, Input } from '@tarojs/components';
import { Button, Switch } from '@nutui/nutui-react-taro';
import { OFFICE_ROLES, drillsApi } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { actionKeys, api, errorText } from '../../services/api';
import { formatTime } from '../../text';

const STATUS = { planned: '未开始', running: '进行中', ended: '已结束' } as const;

/** Drills: plan one (who is called, announced or not), start it, and open its live check-in board. */
export default function Drills() {
  const list = useData(() => drillsApi(api()).list(), { pollMs: 15_000 });
  const villages = useData(() => api().get<{ items: Array<{ id: string; name: string }> }>('/api/villages'));
  const [title, setTitle] = useState('');
  const [unannounced, setUnannounced] = useState(false);
  const [chosen, setChosen] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const createAndStart = async () => {
    setError(undefined);
    if (!title.trim()) return setError('请填写演练名称');
    setBusy(true);
    try {
      const input = {
        title: title.trim(),
        ...(unannounced ? { unannounced: true } : {}),
        ...(chosen.length ? { area: { villages: chosen } } : {}),
      };
      // A retry (lost answer, or start failed) gets the same drill back instead of a second one.
      const keys = actionKeys('drill');
      const d = await drillsApi(api()).create(input, { idempotencyKey: keys.keyFor(input) });
      await drillsApi(api()).start(d.id);
      keys.done();
      void Taro.navigateTo({ url: `/office/drill/index?id=${d.id}` });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title="演练" roles={OFFICE_ROLES} wide>
      <View className="card" id="drill-form">
        <Text className="card-title">发起演练</Text>
        <View className="field" style={{ marginTop: '16px' }}>
          <Text className="field-label">演练名称</Text>
          <Input
            id="drill-title"
            className="input"
            value={title}
            placeholder="如：汛期应急拉动集结演练"
            onInput={(e) => setTitle(e.detail.value)}
          />
        </View>
        <View className="field">
          <Text className="field-label">参演范围（不选则全镇网格员和村干部）</Text>
          {villages.data ? (
            <View className="chips">
              {villages.data.items.map((v) => (
                <View
                  key={v.id}
                  className={`chip${chosen.includes(v.id) ? ' chip-on' : ''}`}
                  onClick={() =>
                    setChosen(chosen.includes(v.id) ? chosen.filter((x) => x !== v.id) : [...chosen, v.id])
                  }
                >
                  {v.name}
                </View>
              ))}
            </View>
          ) : null}
        </View>
        <View className="list-row">
          <View>
            <Text className="field-label">双盲（不预先通知）</Text>
            <Text className="hint">参演人员收到的通知与真实预警一样，记录中标为演练</Text>
          </View>
          <Switch checked={unannounced} onChange={setUnannounced} />
        </View>
        {error ? <Text className="error-text">{error}</Text> : null}
        <Button
          id="drill-start"
          type="primary"
          size="large"
          className="big-btn"
          loading={busy}
          onClick={createAndStart}
        >
          发起并开始
        </Button>
      </View>
      <Text className="section-title">演练记录</Text>
      <Loadable {...list} onRetry={list.reload} empty={(d) => d.items.length === 0} emptyText="还没有演练。">
        {(d) => (
          <View>
            {d.items.map((x) => (
              <View
                key={x.id}
                className="card"
                onClick={() => Taro.navigateTo({ url: `/office/drill/index?id=${x.id}` })}
              >
                <View className="card-head">
                  <Text className="card-title">{x.title}</Text>
                  <Text className={x.status === 'running' ? 'tag tag-orange' : 'tag tag-gray'}>{STATUS[x.status]}</Text>
                </View>
                <Text className="hint">
                  {x.participantCount} 人参演{x.unannounced ? ' · 双盲' : ''} · {formatTime(x.startedAt ?? x.createdAt)}
                </Text>
              </View>
            ))}
          </View>
        )}
      </Loadable>
    </Page>
  );
}
