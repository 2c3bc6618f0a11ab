import { useState } from 'react';
import { View, Text, Input } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { useSubmit } from '../../hooks/useSubmit';
import { api, errorText } from '../../services/api';
import { LEVELS, type WarningLevel } from '../../text';
import { Chips, Feedback, ShownOnce, confirmAction, type Msg } from './common';

interface Endpoint {
  id: string;
  name: string;
  url: string;
  villageIds: string[];
  repeat: number;
}
const LEVEL_KEYS = Object.keys(LEVELS) as WarningLevel[];

/** 应急广播: the villages' loudspeaker systems, and which warning levels sound them without being asked. */
export function Broadcast() {
  const data = useData(async () => {
    const [endpoints, villages, settings] = await Promise.all([
      api().get<{ items: Endpoint[] }>('/api/broadcast-endpoints'),
      api().get<{ items: { id: string; name: string }[] }>('/api/villages'),
      api().get<{ levels: WarningLevel[] }>('/api/broadcast-settings'),
    ]);
    return { endpoints: endpoints.items, villages: villages.items, levels: settings.levels };
  });
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [repeat, setRepeat] = useState('3');
  const [chosen, setChosen] = useState<string[]>([]);
  const [levels, setLevels] = useState<WarningLevel[]>();
  const [created, setCreated] = useState<{ name: string; secret: string }>();
  const [msg, setMsg] = useState<Msg>();
  const submit = useSubmit();

  const create = () => {
    const times = Number(repeat);
    return submit.run(
      async () => {
        const body = { name: name.trim(), url: url.trim(), villageIds: chosen, repeat: times };
        const res = await api().post<{ id: string; secret: string }>('/api/broadcast-endpoints', body);
        setCreated({ name: body.name, secret: res.secret });
        setName('');
        setUrl('');
        setChosen([]);
        await data.reload();
      },
      () => {
        if (!name.trim()) return '请填写名称，如“双河村应急广播”';
        if (!/^https?:\/\/\S+$/.test(url.trim())) return '请填写广播系统的接口网址（https://…）';
        if (chosen.length === 0) return '请选择覆盖的村（社区）';
        if (!Number.isInteger(times) || times < 1 || times > 10) return '播放次数请填 1 到 10';
        return undefined;
      },
    );
  };

  const remove = async (e: Endpoint) => {
    setMsg(undefined);
    if (!(await confirmAction('删除这个广播终端？', `预警将不再通过“${e.name}”广播。`))) return;
    try {
      await api().request('DELETE', `/api/broadcast-endpoints/${e.id}`);
      setMsg({ ok: true, text: `已删除“${e.name}”` });
      await data.reload();
    } catch (err) {
      setMsg({ ok: false, text: errorText(err) });
    }
  };

  const saveLevels = async (next: WarningLevel[]) => {
    setMsg(undefined);
    try {
      const res = await api().request<{ levels: WarningLevel[] }>('PUT', '/api/broadcast-settings', { levels: next });
      setLevels(res.levels);
      setMsg({ ok: true, text: '已保存自动广播的预警级别' });
    } catch (e) {
      setMsg({ ok: false, text: errorText(e) });
    }
  };

  return (
    <View id="broadcast">
      <Text className="section-title">应急广播</Text>
      <Text className="hint">
        登记村里的应急广播（大喇叭）系统。发布预警时勾选“广播”，或预警级别在下面选中的，就会向覆盖预警范围的广播终端发送播报内容。
      </Text>
      {created ? (
        <ShownOnce
          id="broadcast-once"
          title={`“${created.name}”的签名密钥`}
          value={created.secret}
          onClose={() => setCreated(undefined)}
        />
      ) : null}
      <Feedback msg={msg} />
      <Loadable {...data} onRetry={data.reload}>
        {(d) => {
          const villageName = new Map(d.villages.map((v) => [v.id, v.name]));
          return (
            <View>
              <View className="card" id="broadcast-form">
                <Text className="card-title">登记广播终端</Text>
                <View className="field">
                  <Text className="field-label">名称</Text>
                  <Input
                    id="broadcast-name"
                    className="input"
                    value={name}
                    maxlength={60}
                    placeholder="如：双河村应急广播"
                    onInput={(e) => setName(e.detail.value)}
                  />
                </View>
                <View className="field">
                  <Text className="field-label">接口网址（必须是 HTTPS）</Text>
                  <Input
                    id="broadcast-url"
                    className="input"
                    value={url}
                    maxlength={500}
                    placeholder="https://broadcast.example.cn/api/play"
                    onInput={(e) => setUrl(e.detail.value)}
                  />
                </View>
                <View className="field">
                  <Text className="field-label">每次播放几遍（1–10）</Text>
                  <Input
                    id="broadcast-repeat"
                    className="input"
                    type="number"
                    value={repeat}
                    onInput={(e) => setRepeat(e.detail.value)}
                  />
                </View>
                <View className="field">
                  <Text className="field-label">覆盖的村（社区）</Text>
                  {d.villages.length ? (
                    <Chips
                      prefix="village"
                      options={d.villages.map((v) => v.id)}
                      labels={(id) => villageName.get(id) ?? id}
                      chosen={chosen}
                      onChange={setChosen}
                    />
                  ) : (
                    <Text className="muted">本镇还没有登记村（社区），请先在“村与网格”中添加。</Text>
                  )}
                </View>
                <View className="field">
                  <Text className="muted">签名密钥由系统生成，登记后显示一次。</Text>
                </View>
                <Feedback msg={submit.error ? { ok: false, text: submit.error } : undefined} />
                <Button id="broadcast-create" type="primary" loading={submit.busy} onClick={create}>
                  登记
                </Button>
              </View>
              <View className="card" id="broadcast-levels">
                <Text className="card-title">自动广播的预警级别（不勾选“广播”也播报）</Text>
                <Chips
                  prefix="level"
                  options={LEVEL_KEYS}
                  labels={(l) => LEVELS[l].label}
                  chosen={levels ?? d.levels}
                  onChange={(next) => void saveLevels(next)}
                />
              </View>
              {d.endpoints.length === 0 ? (
                <View className="state state-empty">
                  <Text className="state-text">还没有登记广播终端。</Text>
                </View>
              ) : (
                <View className="card" id="broadcast-list">
                  {d.endpoints.map((e) => (
                    <View key={e.id} className="list-row broadcast-row" id={`broadcast-${e.id}`}>
                      <View className="integration-main">
                        <Text className="card-title">{e.name}</Text>
                        <Text className="muted mono">{e.url}</Text>
                        <View className="tag-line">
                          {e.villageIds.map((v) => (
                            <Text key={v} className="tag">
                              {villageName.get(v) ?? '已删除的村'}
                            </Text>
                          ))}
                        </View>
                        <Text className="hint">每次播放 {e.repeat} 遍</Text>
                      </View>
                      <Button size="small" type="danger" className="broadcast-delete" onClick={() => remove(e)}>
                        删除
                      </Button>
                    </View>
                  ))}
                </View>
              )}
            </View>
          );
        }}
      </Loadable>
    </View>
  );
}
