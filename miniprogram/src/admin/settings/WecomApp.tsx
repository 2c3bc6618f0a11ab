import { useState } from 'react';
import { View, Text } from '@tarojs/components';
import { useData } from '../../hooks/useData';
import { api } from '../../services/api';
import { SaveBar, SettingInput, useSectionSave } from './common';

interface App {
  corpId?: string;
  agentId?: number;
  secret?: string;
  token?: string;
  encodingAESKey?: string;
}

/** What the server shows instead of a stored secret; sent back, it keeps what is stored. */
const MASK = '******';

const WORDS: Record<string, string> = {
  corpId: '企业 ID',
  agentId: '应用 AgentId',
  secret: '应用 Secret',
  token: '回调 Token',
  encodingAESKey: '回调 EncodingAESKey',
};
const describe = (path: string) => {
  const m = /^wecomApp\.(\w+)$/.exec(path);
  return m ? WORDS[m[1]!] : undefined;
};

/** Where WeCom is told to deliver this town's app messages (接收消息服务器配置 → URL). */
function callbackUrl(code: string | undefined): string {
  const origin = typeof window !== 'undefined' && window.location ? window.location.origin : '';
  return `${origin}/wecom/callback/${code ?? '<镇代码>'}`;
}

/**
 * 本镇企业微信应用: when a town runs its own WeCom corp or app, its warnings and reminders go out
 * through it, and with the callback's Token and EncodingAESKey set, its members' replies and 收到
 * clicks come back at the URL shown. Left empty, the deployment's app is used. Secrets are never
 * shown back. Saved on its own, with its own feedback beside its button.
 */
export function WecomApp(props: { app: App | undefined; reload: () => Promise<void> }) {
  const me = useData(() => api().me());
  const form = useSectionSave(props.reload, describe);
  const [corpId, setCorpId] = useState(props.app?.corpId ?? '');
  const [agentId, setAgentId] = useState(props.app?.agentId ? String(props.app.agentId) : '');
  const [secret, setSecret] = useState('');
  const [token, setToken] = useState('');
  const [aesKey, setAesKey] = useState('');
  const has = (k: 'secret' | 'token' | 'encodingAESKey') => Boolean(props.app?.[k]);
  const receives = Boolean(props.app?.corpId && has('token') && has('encodingAESKey'));
  const kept = (typed: string, k: 'secret' | 'token' | 'encodingAESKey') => typed.trim() || (has(k) ? MASK : '');
  const secretHint = (k: 'secret' | 'token' | 'encodingAESKey', unset: string) =>
    has(k) ? '已设置（不显示）；要更换请填写新的' : unset;
  return (
    <View className="card admin-form" id="settings-wecom">
      <Text className="card-title">本镇企业微信应用</Text>
      <Text className="hint">
        {props.app?.corpId && has('secret')
          ? `本镇的预警和提醒通过自己的企业微信应用（${props.app.corpId}，AgentId ${props.app.agentId ?? '—'}）发送。`
          : '未设置：使用全县（部署）统一的企业微信应用发送。县里为每个镇单独建应用时在此填写。'}
      </Text>
      <SettingInput
        id="wecom-corp-id"
        label="企业 ID"
        placeholder="corpid，如 ww…"
        value={corpId}
        onInput={setCorpId}
      />
      <SettingInput id="wecom-agent-id" label="应用 AgentId" type="digit" value={agentId} onInput={setAgentId} />
      <SettingInput
        id="wecom-secret"
        password
        label="应用 Secret"
        placeholder={secretHint('secret', '应用的 Secret')}
        value={secret}
        onInput={setSecret}
      />
      <Text className="hint">
        接收消息（网格员回复和点“收到”）：在企业微信管理后台该应用的“接收消息 → 设置API接收”中填写 URL{' '}
        <Text id="wecom-callback-url">{callbackUrl(me.data?.town.code)}</Text>，并把同一组 Token 和 EncodingAESKey
        填在下面。
        {receives ? '（已设置）' : '（未设置：本镇成员的回复和“收到”无法送达）'}
      </Text>
      <SettingInput
        id="wecom-token"
        password
        label="回调 Token"
        placeholder={secretHint('token', '英文字母和数字，32 位以内')}
        value={token}
        onInput={setToken}
      />
      <SettingInput
        id="wecom-aes-key"
        password
        label="回调 EncodingAESKey"
        placeholder={secretHint('encodingAESKey', '43 位英文字母和数字')}
        value={aesKey}
        onInput={setAesKey}
      />
      <SaveBar
        id="wecom"
        label="保存企业微信应用"
        busy={form.busy}
        error={form.error}
        saved={form.saved}
        onSave={() =>
          void form.save({
            wecomApp: {
              corpId: corpId.trim(),
              agentId: Number(agentId) || 0,
              // The mask keeps what is stored (towns/service.ts).
              secret: kept(secret, 'secret'),
              token: kept(token, 'token'),
              encodingAESKey: kept(aesKey, 'encodingAESKey'),
            },
          })
        }
      />
    </View>
  );
}
