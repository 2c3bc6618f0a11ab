import { useState } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { View, Text, Input } from '@tarojs/components';
import { Button, Switch } from '@nutui/nutui-react-taro';
import { ROLE_LABELS, isOffice, type SessionUser } from '@yingji/shared';
import { Page, isLargeText, setLargeText } from '../../components/Page';
import { errorText } from '../../services/api';
import { currentUser, deskHome, loginWithPassword, loginWithWechat, logout, menuFor } from '../../services/session';
import { loadQueue, startQueueWorker } from '../../services/tip-outbox';
import { T } from '../../text';

function LoginForm(props: { onDone: (u: SessionUser) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [showPassword, setShowPassword] = useState(process.env.TARO_ENV === 'h5');

  const run = async (fn: () => Promise<SessionUser>) => {
    setBusy(true);
    setError(undefined);
    try {
      props.onDone(await fn());
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="card login">
      <Text className="page-title">十直镇应急管理</Text>
      <Text className="hint">随手拍隐患、接收预警、演练签到</Text>
      {process.env.TARO_ENV !== 'h5' ? (
        <Button type="primary" size="large" className="big-btn" loading={busy} onClick={() => run(loginWithWechat)}>
          {T.wechatLogin}
        </Button>
      ) : null}
      {showPassword ? (
        <View>
          <View className="field">
            <Text className="field-label">{T.username}</Text>
            <Input
              id="login-username"
              className="input"
              value={username}
              placeholder="请输入用户名"
              onInput={(e) => setUsername(e.detail.value)}
            />
          </View>
          <View className="field">
            <Text className="field-label">{T.password}</Text>
            <Input
              id="login-password"
              className="input"
              password
              value={password}
              placeholder="请输入密码"
              onInput={(e) => setPassword(e.detail.value)}
              onConfirm={() => run(() => loginWithPassword(username, password))}
            />
          </View>
          <Button
            id="login-submit"
            type={process.env.TARO_ENV === 'h5' ? 'primary' : 'default'}
            size="large"
            className="big-btn"
            loading={busy}
            disabled={!username || !password}
            onClick={() => run(() => loginWithPassword(username, password))}
          >
            {T.login}
          </Button>
        </View>
      ) : (
        <Button size="large" className="big-btn" onClick={() => setShowPassword(true)}>
          工作人员账号登录
        </Button>
      )}
      {error ? <Text className="error-text">{error}</Text> : null}
    </View>
  );
}

export default function Index() {
  const [user, setUser] = useState(currentUser());
  const [large, setLarge] = useState(isLargeText());
  const [waiting, setWaiting] = useState(0);

  // The office's console (H5) opens on 值班台, what needs attention now.
  const toDesk = (u: SessionUser | undefined) => {
    if (process.env.TARO_ENV === 'h5' && u && isOffice(u.role)) void Taro.redirectTo({ url: deskHome(u.role) });
  };
  useDidShow(() => {
    setUser(currentUser());
    setWaiting(loadQueue().length);
    toDesk(currentUser());
  });

  const onLogin = (u: SessionUser) => {
    setUser(u);
    startQueueWorker();
    toDesk(u);
  };

  return (
    <Page wide={user?.role === 'office' || user?.role === 'admin'}>
      {!user ? (
        <View>
          <LoginForm onDone={onLogin} />
          <View className="card list-row" id="login-large-text">
            <Text>{T.largeText}（字更大，更好认）</Text>
            <Switch
              checked={large}
              onChange={(v) => {
                setLargeText(v);
                setLarge(v);
                Taro.reLaunch({ url: '/pages/index/index' });
              }}
            />
          </View>
        </View>
      ) : (
        <View>
          <View className="card-head">
            <View>
              <Text className="page-title" id="home-greeting">
                您好，{user.name}
              </Text>
              <Text className="hint">{ROLE_LABELS[user.role]}</Text>
            </View>
          </View>
          {waiting > 0 ? (
            <View className="card queue-box" onClick={() => Taro.navigateTo({ url: '/pages/mine/index' })}>
              <Text>有 {waiting} 条举报还没送出，网络恢复后会自动重新发送。点此查看</Text>
            </View>
          ) : null}
          <View className="tiles">
            {menuFor(user.role).map((m) => (
              <View key={m.url} className="tile" onClick={() => Taro.navigateTo({ url: m.url })}>
                <View className="tile-icon" style={{ background: m.color }}>
                  {m.title.slice(0, 1)}
                </View>
                <Text className="tile-title">{m.title}</Text>
                <Text className="tile-hint">{m.hint}</Text>
              </View>
            ))}
          </View>
          <View className="card" style={{ marginTop: '24px' }}>
            <View className="list-row">
              <Text>{T.largeText}</Text>
              <Switch
                checked={large}
                onChange={(v) => {
                  setLargeText(v);
                  setLarge(v);
                  Taro.reLaunch({ url: '/pages/index/index' });
                }}
              />
            </View>
            <View className="list-row">
              <Text>
                {user.name}（{ROLE_LABELS[user.role]}）
              </Text>
              <Button
                size="normal"
                onClick={() => {
                  logout();
                  setUser(undefined);
                }}
              >
                {T.logout}
              </Button>
            </View>
          </View>
        </View>
      )}
    </Page>
  );
}
