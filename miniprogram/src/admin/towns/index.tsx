import { useState } from 'react';
import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { townsApi, type TownOut } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { api } from '../../services/api';
import { currentUser, logout } from '../../services/session';
import { AccountForm, NextSteps, type Created } from './AccountForm';
import { TownForm } from './TownForm';
import '../places/admin.scss';
import './towns.scss';

/**
 * 乡镇管理 (platform administrator): every town on the platform, a new town, and per town its first
 * 系统管理员 or a 县应急局 account; after each step the page says what comes next.
 */
export default function TownsPage() {
  return (
    <Page title="乡镇管理" roles={['platform']} wide>
      <Towns />
    </Page>
  );
}

function Towns() {
  const data = useData(async () => (await townsApi(api()).towns()).items);
  const [openId, setOpenId] = useState<string>();
  const [message, setMessage] = useState<string>();
  const [created, setCreated] = useState<Created>();

  const townCreated = async (t: TownOut) => {
    await data.reload();
    setOpenId(t.id);
    setCreated(undefined);
    setMessage(`已新建${t.name}（编码 ${t.code}）。下一步：在右侧为它添加第一位系统管理员。`);
  };
  const accountCreated = async (c: Created) => {
    setCreated(c);
    setMessage(undefined);
  };

  return (
    <View>
      {/* The platform has no town, so no desk header: who is signed in, and the way out. */}
      <View className="towns-who">
        <Text className="muted">平台管理员：{currentUser()?.name}</Text>
        <Text
          className="towns-logout"
          id="towns-logout"
          onClick={() => {
            logout();
            void Taro.reLaunch({ url: '/pages/index/index' });
          }}
        >
          退出登录
        </Text>
      </View>
      <Loadable {...data} onRetry={data.reload}>
        {(towns) => {
          const open = towns.find((t) => t.id === openId);
          return (
            <View className="side-by-side towns">
              <View className="side">
                <View className="card" id="towns-list">
                  <Text className="card-title">平台上的乡镇（{towns.length}）</Text>
                  {towns.length ? null : <Text className="muted block-label">还没有乡镇，请在下方新建</Text>}
                  {towns.map((t) => (
                    <View
                      key={t.id}
                      className={`list-row towns-row${t.id === openId ? ' towns-row-on' : ''}`}
                      onClick={() => {
                        setOpenId(t.id);
                        setMessage(undefined);
                        setCreated(undefined);
                      }}
                    >
                      <Text className="towns-name">{t.name}</Text>
                      <Text className="tag tag-blue towns-code">{t.code}</Text>
                      <Text className="muted towns-county">{t.county || '未填所属县'}</Text>
                    </View>
                  ))}
                </View>
                <TownForm onCreated={townCreated} />
              </View>
              <View className="side">
                {message ? (
                  <Text className="ok-text" id="towns-message">
                    {message}
                  </Text>
                ) : null}
                {open ? (
                  <View>
                    <AccountForm key={open.id} town={open} onCreated={accountCreated} />
                    {created && created.townId === open.id ? <NextSteps town={open} created={created} /> : null}
                  </View>
                ) : (
                  <View className="card">
                    <Text className="card-title">选择左侧的乡镇，为它添加账号</Text>
                    <Text className="hint">
                      新乡镇上线的顺序：1. 在左侧新建乡镇；2. 为它添加第一位系统管理员；3.
                      由该管理员登录控制台，建村和网格、添加工作人员、完成本镇设置。
                    </Text>
                    <Text className="hint">同一县的乡镇可再添加一个县应急局账号，在县级看板上并排查看。</Text>
                  </View>
                )}
              </View>
            </View>
          );
        }}
      </Loadable>
    </View>
  );
}
