import { useEffect, useState, type ReactNode } from 'react';
import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { ROLE_LABELS, type Me, type SessionUser } from '@yingji/shared';
import { api } from '../services/api';
import { deskNav, logout } from '../services/session';

/** The signed-in person's town name, kept across pages; another person signing in reads their own. */
let townOf: { user: string; name: string } | undefined;

/** The path of the page on screen, to mark it in the navigation. */
function currentPath(): string {
  const path = Taro.getCurrentInstance().router?.path ?? '';
  return path.split('?')[0] ?? '';
}

/**
 * The office console at a desk (H5, 1024 px wide or more): side navigation to every office page, and
 * a header with the town, the role and the duty officer's name. Narrower, the CSS hides both and
 * the page reads as on a phone.
 */
export function DeskShell(props: { user: SessionUser; children: ReactNode }) {
  const known = townOf?.user === props.user.id ? townOf.name : undefined;
  const [town, setTown] = useState(known);
  useEffect(() => {
    if (known) return;
    api()
      .get<Me>('/api/me')
      .then((me) => {
        townOf = { user: me.id, name: me.town.name };
        setTown(me.town.name);
      })
      .catch(() => undefined);
  }, [known]);
  const here = currentPath();
  const go = (url: string) => {
    if (url === here) return;
    // One page at a time at a desk: the browser's back button still works, the page stack stays short.
    void Taro.redirectTo({ url });
  };
  return (
    <View className="desk">
      <View className="desk-nav">
        {/* The county's account belongs to a town on paper, but it watches them all. */}
        <Text className="desk-brand">{props.user.role === 'county' ? '县应急局值班' : `${town ?? ''}应急值班`}</Text>
        {deskNav(props.user.role).map((m) => (
          <View
            key={m.url}
            className={`desk-nav-item${here && m.url.startsWith(here) ? ' desk-nav-on' : ''}`}
            onClick={() => go(m.url)}
          >
            <Text className="desk-nav-icon" style={{ background: m.color }}>
              {m.title.slice(0, 1)}
            </Text>
            <Text>{m.title}</Text>
          </View>
        ))}
      </View>
      <View className="desk-main">
        <View className="desk-header">
          <Text className="desk-town" id="desk-town">
            {town ?? ''}
          </Text>
          <Text className="desk-role">{ROLE_LABELS[props.user.role]}</Text>
          <Text className="desk-officer" id="desk-officer">
            值班员：{props.user.name}
          </Text>
          <Text
            className="desk-logout"
            onClick={() => {
              logout();
              void Taro.reLaunch({ url: '/pages/index/index' });
            }}
          >
            退出登录
          </Text>
        </View>
        {props.children}
      </View>
    </View>
  );
}
