import { useState } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { rosterApi, type ChatBindCode } from '@yingji/shared';
import { useSubmit } from '../../hooks/useSubmit';
import { api } from '../../services/api';
import { formatTime } from '../../text';
import type { Person } from './types';

/**
 * 微信绑定码 for a staff member, fetched by the office: shown large, with its expiry and what to
 * send, so the person binds their WeChat (`绑定 123456` to the bot) without opening 我的 themselves.
 */
export function StaffBindCode(props: { person: Person }) {
  const p = props.person;
  const submit = useSubmit();
  const [code, setCode] = useState<ChatBindCode>();
  return (
    <View className="card" id="person-bind-code">
      <Text className="card-title">微信绑定码</Text>
      {code ? (
        <View className="bind-code-box">
          <Text className="bind-code-value" id="person-bind-code-value">
            {code.code}
          </Text>
          <Text className="muted" id="person-bind-code-expiry">
            有效至 {formatTime(code.expiresAt)}（10 分钟内有效，只能用一次）
          </Text>
          <Text className="bind-code-how" id="person-bind-code-how">
            请{p.name}用本人微信向应急小助手发送：绑定 {code.code}
          </Text>
        </View>
      ) : (
        <Text className="hint">
          为{p.name}获取一次性绑定码，告诉本人；本人用微信向应急小助手发送“绑定
          绑定码”后，叫应和提醒会通过微信发给本人，在微信里回“收到”即确认。
        </Text>
      )}
      {submit.error ? (
        <Text className="error-text" id="person-bind-code-error">
          {submit.error}
        </Text>
      ) : null}
      <Button
        size="normal"
        id="person-bind-code-get"
        loading={submit.busy}
        onClick={() => submit.run(async () => setCode(await rosterApi(api()).bindCode(p.id)))}
      >
        {code ? '重新获取' : '获取绑定码'}
      </Button>
    </View>
  );
}
