import { useState } from 'react';
import { View, Text, Input } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';

interface App {
  corpId?: string;
  agentId?: number;
  secret?: string;
}

/**
 * 本镇企业微信应用: when a town runs its own WeCom corp or app, its warnings and reminders go out
 * through it; left empty, the deployment's app is used. The secret is never shown back.
 */
export function WecomApp(props: { app: App | undefined; save: (patch: Record<string, unknown>) => Promise<void> }) {
  const [corpId, setCorpId] = useState(props.app?.corpId ?? '');
  const [agentId, setAgentId] = useState(props.app?.agentId ? String(props.app.agentId) : '');
  const [secret, setSecret] = useState('');
  const hasSecret = Boolean(props.app?.secret);
  return (
    <View className="card admin-form" id="settings-wecom">
      <Text className="card-title">本镇企业微信应用</Text>
      <Text className="hint">
        {props.app?.corpId && hasSecret
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
        placeholder={hasSecret ? 'Secret 已设置（不显示）；要更换请填写新的' : '应用 Secret'}
        value={secret}
        onInput={(e) => setSecret(e.detail.value)}
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
              // The mask keeps the stored secret (towns/service.ts).
              secret: secret.trim() || (hasSecret ? '******' : ''),
            },
          })
        }
      >
        保存企业微信应用
      </Button>
    </View>
  );
}
