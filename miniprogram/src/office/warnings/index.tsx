import { useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { View, Text, Input, Textarea } from '@tarojs/components';
import { Button, Switch } from '@nutui/nutui-react-taro';
import { OFFICE_ROLES, calloutsApi } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { actionKeys, api, errorText } from '../../services/api';
import { LEVELS, formatTime, type WarningLevel } from '../../text';

function IssueForm() {
  const villages = useData(() => api().get<{ items: Array<{ id: string; name: string }> }>('/api/villages'));
  const [title, setTitle] = useState('');
  const [level, setLevel] = useState<WarningLevel>('orange');
  const [body, setBody] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [ackMinutes, setAckMinutes] = useState('');
  const [exercise, setExercise] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  // A ref, not state: a second tap in the same render must already see the first one.
  const busyRef = useRef(false);

  const issue = async () => {
    if (busyRef.current) return;
    setError(undefined);
    if (!title.trim()) return setError('请填写预警标题');
    if (!body.trim()) return setError('请填写预警内容和要求');
    busyRef.current = true;
    setBusy(true);
    try {
      const { confirm } = await Taro.showModal({
        title: '确认发布预警？',
        content: `${LEVELS[level].label}：${title}。发布后会立即通知${chosen.length ? '所选村/社区' : '全镇'}的责任人。`,
      });
      if (!confirm) return;
      const input = {
        title: title.trim(),
        level,
        body: body.trim(),
        ...(chosen.length ? { area: { villages: chosen } } : {}),
        ...(ackMinutes ? { ackMinutes: Number(ackMinutes) } : {}),
        ...(exercise ? { exercise: true } : {}),
      };
      // Issuing again after a lost answer reuses the key: one warning, not two.
      const keys = actionKeys('callout');
      const res = await calloutsApi(api()).create(input, { idempotencyKey: keys.keyFor(input) });
      keys.done();
      void Taro.navigateTo({ url: `/office/callout/index?id=${res.id}` });
    } catch (e) {
      setError(errorText(e));
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  };

  return (
    <View className="card" id="issue-form">
      <Text className="card-title">发布预警</Text>
      <View className="field" style={{ marginTop: '16px' }}>
        <Text className="field-label">等级</Text>
        <View className="row">
          {(Object.keys(LEVELS) as WarningLevel[]).map((l) => (
            <View
              key={l}
              id={`level-${l}`}
              className={`level-pick${level === l ? ' level-pick-on' : ''}`}
              style={{ background: LEVELS[l].color }}
              onClick={() => setLevel(l)}
            >
              {LEVELS[l].label}
            </View>
          ))}
        </View>
      </View>
      <View className="field">
        <Text className="field-label">标题</Text>
        <Input
          id="warn-title"
          className="input"
          value={title}
          placeholder="如：暴雨橙色预警"
          onInput={(e) => setTitle(e.detail.value)}
        />
      </View>
      <View className="field">
        <Text className="field-label">内容和要求</Text>
        <Textarea
          id="warn-body"
          className="textarea"
          value={body}
          maxlength={1000}
          placeholder="如：预计今晚有大暴雨，请各网格员立即巡查河道、危岩点，做好转移准备"
          onInput={(e) => setBody(e.detail.value)}
        />
      </View>
      <View className="field">
        <Text className="field-label">范围（不选则全镇）</Text>
        {villages.data ? (
          <View className="chips">
            {villages.data.items.map((v) => (
              <View
                key={v.id}
                className={`chip${chosen.includes(v.id) ? ' chip-on' : ''}`}
                onClick={() => setChosen(chosen.includes(v.id) ? chosen.filter((x) => x !== v.id) : [...chosen, v.id])}
              >
                {v.name}
              </View>
            ))}
          </View>
        ) : (
          <Text className="muted">{villages.error ?? '正在加载村/社区…'}</Text>
        )}
      </View>
      <View className="row field">
        <View style={{ flex: 1 }}>
          <Text className="field-label">确认时限（分钟，留空按等级默认）</Text>
          <Input className="input" type="number" value={ackMinutes} onInput={(e) => setAckMinutes(e.detail.value)} />
        </View>
        <View>
          <Text className="field-label">演练</Text>
          <Switch checked={exercise} onChange={setExercise} />
        </View>
      </View>
      {error ? <Text className="error-text">{error}</Text> : null}
      <Button id="warn-issue" type="danger" size="large" className="big-btn" loading={busy} onClick={issue}>
        发布预警
      </Button>
    </View>
  );
}

/** Warnings and call-outs: issue one, and open any to watch its acknowledgements. */
export default function Warnings() {
  const list = useData(
    async () => {
      const [real, drill] = await Promise.all([
        calloutsApi(api()).list(),
        calloutsApi(api()).list({ exercise: 'true' }),
      ]);
      return { items: [...real.items, ...drill.items.map((c) => ({ ...c, title: `【演练】${c.title}` }))] };
    },
    { pollMs: 15_000 },
  );
  return (
    <Page title="预警叫应" roles={OFFICE_ROLES} wide>
      <IssueForm />
      <Text className="section-title">已发布的预警</Text>
      <Loadable {...list} onRetry={list.reload} empty={(d) => d.items.length === 0} emptyText="还没有发布过预警。">
        {(d) => (
          <View>
            {d.items.map((c) => {
              const lv = LEVELS[c.level] ?? LEVELS.blue;
              return (
                <View
                  key={c.id}
                  className="card"
                  style={{ borderLeft: `12px solid ${lv.color}` }}
                  onClick={() => Taro.navigateTo({ url: `/office/callout/index?id=${c.id}` })}
                >
                  <View className="card-head">
                    <Text className="card-title">{c.title}</Text>
                    <Text className="level-badge" style={{ background: lv.color }}>
                      {lv.label}
                    </Text>
                  </View>
                  <Text className="hint">
                    {formatTime(c.issuedAt)}
                    {c.status === 'closed' ? ' · 已结束' : ''} · 已确认 {c.summary.acked}/{c.summary.total}
                  </Text>
                </View>
              );
            })}
          </View>
        )}
      </Loadable>
    </Page>
  );
}
