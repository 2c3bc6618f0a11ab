import { useState } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { chatApi, isStaff, type Role } from '@yingji/shared';
import { api, errorText } from '../services/api';

/**
 * 微信绑定码 for staff on the 我的 page: a one-time code they send to the chat bot as `绑定 123456`
 * so their WeChat account acts as them in the groups (server/src/chat).
 */
export function BindCode(props: { role?: Role }) {
  const [code, setCode] = useState<string>();
  const [error, setError] = useState<string>();
  if (!props.role || !isStaff(props.role)) return null;
  return (
    <View className="card" id="bind-code">
      <Text className="card-title">绑定微信</Text>
      {code ? (
        <Text id="bind-code-text">向应急小助手（或在工作群里）发送：绑定 {code}，10 分钟内有效。</Text>
      ) : (
        <Text className="hint">在微信群里用“收到”“签到”等指令前，先把您的微信绑定到本账号。</Text>
      )}
      {error ? <Text className="error-text">{error}</Text> : null}
      <Button
        size="small"
        onClick={async () => {
          try {
            setCode((await chatApi(api()).bindCode()).code);
            setError(undefined);
          } catch (e) {
            setError(errorText(e));
          }
        }}
      >
        获取绑定码
      </Button>
    </View>
  );
}
