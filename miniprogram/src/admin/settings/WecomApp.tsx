import { useState } from 'react';
import { View, Text, Input } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { useData } from '../../hooks/useData';
import { api } from '../../services/api';

interface App {
  corpId?: string;
  agentId?: number;
  secret?: string;
  token?: string;
  encodingAESKey?: string;
}

/** What the server shows instead of a stored secret; sent back, it keeps what is stored. */
const MASK = '******';

/** Where WeCom is told to deliver this town's app messages (接收消息服务器配置 → URL). */
function callbackUrl(code: string | undefined): string {
  const origin = typeof window !== 'undefined' && window.location ? window.location.origin : '';
  return `${origin}/wecom/callback/${code ?? '<镇代码>'}`;
}

/**
 * 本镇企业微信应用: when a town runs its own WeCom corp or app, its warnings and reminders go out
 * through it, and with the callback's Token and EncodingAESKey set, its members' replies and 收到
 * clicks come back at the URL shown. Left empty, the deployment's app is used. Secrets are never
 * shown back.
 */
export function WecomApp(props: { app: App | undefined; save: (patch: Record<string, unknown>) => Promise<void> }) {
  const me = useData(() => api().me());
  const [corpId, setCorpId] = useState(props.app?.corpId ?? '');
  const [agentId, setAgentId] = useState(props.app?.agentId ? String(props.app.agentId) : '');
  const [secret, setSecret] = useState('');
  const [token, setToken] = useState('');
  const [aesKey, setAesKey] = useState('');
  const has = (k: 'secret' | 'token' | 'encodingAESKey') => Boolean(props.app?.[k]);
  const receives = Boolean(props.app?.corpId && has('token') && has('encodingAESKey'));
  const kept = (typed: string, k: 'secret' | 'token' | 'encodingAESKey') => typed.trim() || (has(k) ? MASK : '');
  return (
    <View className="card admin-form" id="settings-wecom">
      <Text className="card-title">本镇企业微信应用</Text>
      <Text className="hint">
        {props.app?.corpId && has('secret')
          ? `本镇的预警和提醒通过自己的企业微信应用（${props.app.corpId}，AgentId ${props.app.agentId ?? '—'}）发送。`
          : '未设置：使用全县（部署）统一的企业微信应用发送。县里为每个镇单独建应用时在此填写。'}
      </Text>
      <Input
        className="input"
        id="wecom-corp-id"
        placeholder="企业 ID（corpid，如 ww…）"
        value={corpId}
        onInput={(e) => setCorpId(e.detail.value)}
      />
      <Input
        className="input"
        id="wecom-agent-id"
        type="number"
        placeholder="应用 AgentId"
        value={agentId}
        onInput={(e) => setAgentId(e.detail.value)}
      />
      <Input
        className="input"
        id="wecom-secret"
        password
        placeholder={has('secret') ? 'Secret 已设置（不显示）；要更换请填写新的' : '应用 Secret'}
        value={secret}
        onInput={(e) => setSecret(e.detail.value)}
      />
      <Text className="hint">
        接收消息（网格员回复和点“收到”）：在企业微信管理后台该应用的“接收消息 → 设置API接收”中填写 URL{' '}
        <Text id="wecom-callback-url">{callbackUrl(me.data?.town.code)}</Text>，并把同一组 Token 和 EncodingAESKey
        填在下面。
        {receives ? '（已设置）' : '（未设置：本镇成员的回复和“收到”无法送达）'}
      </Text>
      <Input
        className="input"
        id="wecom-token"
        password
        placeholder={has('token') ? 'Token 已设置（不显示）；要更换请填写新的' : '回调 Token（英文字母和数字）'}
        value={token}
        onInput={(e) => setToken(e.detail.value)}
      />
      <Input
        className="input"
        id="wecom-aes-key"
        password
        placeholder={has('encodingAESKey') ? 'EncodingAESKey 已设置（不显示）' : '回调 EncodingAESKey（43 位）'}
        value={aesKey}
        onInput={(e) => setAesKey(e.detail.value)}
      />
      <Button
        size="normal"
        type="primary"
        id="wecom-save"
        onClick={() =>
          props.save({
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
      >
        保存企业微信应用
      </Button>
    </View>
  );
}
