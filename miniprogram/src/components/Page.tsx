import { useState, type ReactNode } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { isOffice, type Role } from '@yingji/shared';
import { DeskShell } from './DeskShell';
import { currentUser } from '../services/session';
import { T } from '../text';

const LARGE_KEY = 'yj.largeText';

export function isLargeText(): boolean {
  return Taro.getStorageSync(LARGE_KEY) === true;
}
export function setLargeText(on: boolean): void {
  Taro.setStorageSync(LARGE_KEY, on);
}

export function goHome(): void {
  void Taro.reLaunch({ url: '/pages/index/index' });
}

/**
 * Every page's frame: the large-text mode, and the role check (a page shows what the role may do
 * and nothing else; the server checks again on every request).
 */
export function Page(props: { title?: string; roles?: readonly Role[]; wide?: boolean; children: ReactNode }) {
  const [large, setLarge] = useState(isLargeText());
  const [user, setUser] = useState(currentUser());
  useDidShow(() => {
    setLarge(isLargeText());
    setUser(currentUser());
  });

  const cls = `page${large ? ' lg' : ''}${props.wide ? ' wide' : ''}`;
  let body = props.children;
  if (props.roles && (!user || !props.roles.includes(user.role))) {
    body = (
      <View className="state">
        <Text className="state-text">{user ? T.noPermissionPage : T.sessionExpired}</Text>
        <Button type="primary" size="large" className="big-btn" onClick={goHome}>
          {user ? T.backHome : T.login}
        </Button>
      </View>
    );
  }
  const page = (
    <View className={cls}>
      {props.title ? <View className="page-title">{props.title}</View> : null}
      {body}
    </View>
  );
  // The office console at a desk gets navigation and a header (H5 only; phones keep their layout).
  if (process.env.TARO_ENV === 'h5' && user && isOffice(user.role)) return <DeskShell user={user}>{page}</DeskShell>;
  return page;
}
