import { useState } from 'react';
import { View, Text, Input } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { API_KEY_SCOPES, type ApiKeyCreated, type ApiKeyOut, type ApiKeyScope } from '@yingji/shared';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { useSubmit } from '../../hooks/useSubmit';
import { api, errorText } from '../../services/api';
import { formatTime } from '../../text';
import { Chips, Feedback, SCOPE_LABELS, ShownOnce, confirmAction, type Msg } from './common';

/** 接口密钥: keys for outside systems (the county platform, a camera gateway); shown once, stored hashed. */
export function ApiKeys() {
  const list = useData(() => api().get<{ items: ApiKeyOut[] }>('/api/api-keys'));
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>([]);
  const [created, setCreated] = useState<{ name: string; key: string }>();
  const [msg, setMsg] = useState<Msg>();
  const submit = useSubmit();

  const create = () =>
    submit.run(
      async () => {
        const res = await api().post<ApiKeyCreated>('/api/api-keys', { name: name.trim(), scopes });
        setCreated({ name: name.trim(), key: res.key });
        setName('');
        setScopes([]);
        await list.reload();
      },
      () =>
        !name.trim() ? '请填写密钥名称，如“县数字应急平台”' : scopes.length === 0 ? '请至少选择一项权限' : undefined,
    );

  const revoke = async (k: ApiKeyOut) => {
    setMsg(undefined);
    if (!(await confirmAction('停用这个接口密钥？', `“${k.name}”将立即无法调用接口，停用后不能恢复。`))) return;
    try {
      await api().request('DELETE', `/api/api-keys/${k.id}`);
      setMsg({ ok: true, text: `已停用“${k.name}”` });
      await list.reload();
    } catch (e) {
      setMsg({ ok: false, text: errorText(e) });
    }
  };

  return (
    <View id="api-keys">
      <Text className="section-title">接口密钥</Text>
      <Text className="hint">
        给县数字应急平台、视频监控平台等外部系统调用本镇接口用。调用时在请求头 X-Api-Key 中带上密钥；每次调用都会记录。
      </Text>
      {created ? (
        <ShownOnce
          id="api-key-once"
          title={`新密钥“${created.name}”`}
          value={created.key}
          onClose={() => setCreated(undefined)}
        />
      ) : null}
      <View className="card" id="api-key-form">
        <Text className="card-title">创建接口密钥</Text>
        <View className="field">
          <Text className="field-label">名称（对接的系统）</Text>
          <Input
            id="api-key-name"
            className="input"
            value={name}
            maxlength={60}
            placeholder="如：县数字应急平台"
            onInput={(e) => setName(e.detail.value)}
          />
        </View>
        <View className="field">
          <Text className="field-label">权限</Text>
          <Chips
            prefix="scope"
            options={API_KEY_SCOPES}
            labels={(s) => SCOPE_LABELS[s]}
            chosen={scopes}
            onChange={setScopes}
          />
        </View>
        <Feedback msg={submit.error ? { ok: false, text: submit.error } : undefined} />
        <Button id="api-key-create" type="primary" loading={submit.busy} onClick={create}>
          创建密钥
        </Button>
      </View>
      <Feedback msg={msg} />
      <Loadable {...list} onRetry={list.reload} empty={(d) => d.items.length === 0} emptyText="还没有接口密钥。">
        {(d) => (
          <View className="card" id="api-key-list">
            {d.items.map((k) => (
              <View key={k.id} className="list-row api-key-row" id={`api-key-${k.id}`}>
                <View className="integration-main">
                  <Text className="card-title">
                    {k.name} <Text className="muted mono">{k.prefix}…</Text>
                  </Text>
                  <View className="tag-line">
                    {k.scopes.map((s) => (
                      <Text key={s} className="tag">
                        {SCOPE_LABELS[s]}
                      </Text>
                    ))}
                  </View>
                  <Text className="hint">
                    创建于 {formatTime(k.createdAt)} ·{' '}
                    {k.lastUsedAt ? `最近使用 ${formatTime(k.lastUsedAt)}` : '从未使用'}
                    {' · '}每分钟最多 {k.ratePerMinute} 次
                  </Text>
                </View>
                {k.revokedAt ? (
                  <Text className="tag tag-gray api-key-state">已停用（{formatTime(k.revokedAt)}）</Text>
                ) : (
                  <View className="integration-actions">
                    <Text className="tag tag-green api-key-state">使用中</Text>
                    <Button size="small" type="danger" className="revoke-btn" onClick={() => revoke(k)}>
                      停用
                    </Button>
                  </View>
                )}
              </View>
            ))}
          </View>
        )}
      </Loadable>
    </View>
  );
}
