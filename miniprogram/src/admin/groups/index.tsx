import { useState } from 'react';
import { View, Text, Input } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { TOWN_ADMIN_ROLES, chatApi } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { api, errorText } from '../../services/api';
import '../places/admin.scss';

interface Group {
  id: string;
  channel: string;
  name: string;
  gridId?: string;
  villageId?: string;
}
const CHANNELS: Record<string, string> = { wechaty: '微信群', wecom_app: '企业微信群', wecom_robot: '群机器人' };

/** 群与绑定码: the town's chat groups, a WeCom group robot by its webhook key, and one's own binding code. */
export default function Groups() {
  const data = useData(async () => {
    const [groups, grids] = await Promise.all([
      api().get<{ items: Group[] }>('/api/chat-groups'),
      api().get<{ items: { id: string; name: string }[] }>('/api/grids'),
    ]);
    return { groups: groups.items, grids: grids.items };
  });
  const [robot, setRobot] = useState({ name: '', key: '' });
  const [myCode, setMyCode] = useState('');
  const [message, setMessage] = useState('');
  return (
    <Page title="群与绑定码" roles={TOWN_ADMIN_ROLES} wide>
      <Text className="hint">
        微信群或企业微信群：在“村（社区）与网格”中点网格的“群绑定码”，再由群里任意一人发送“绑定群 绑定码”。
      </Text>
      {message ? <Text className="hint">{message}</Text> : null}
      <View className="card">
        <View className="card-head">
          <Text className="card-title">我的微信绑定码</Text>
          <Button
            size="small"
            id="my-bind-code"
            onClick={async () => {
              try {
                setMyCode((await chatApi(api()).bindCode()).code);
              } catch (e) {
                setMessage(errorText(e));
              }
            }}
          >
            获取
          </Button>
        </View>
        {myCode ? (
          <Text className="group-code" id="my-bind-code-text">
            向应急小助手发送：绑定 {myCode}（10 分钟内有效）
          </Text>
        ) : (
          <Text className="muted">绑定后，叫应、提醒会通过微信发给您，在微信里回“收到”即确认。</Text>
        )}
      </View>
      <Loadable {...data} onRetry={data.reload}>
        {(d) => (
          <View>
            <View className="card admin-form">
              <Text className="card-title">登记企业微信群机器人</Text>
              <Text className="muted block-label">
                在企业微信群里添加“群机器人”，复制其 Webhook 地址中 key= 后面的部分。
              </Text>
              <Input
                className="input"
                placeholder="名称，如 双河村应急群"
                value={robot.name}
                onInput={(e) => setRobot({ ...robot, name: e.detail.value })}
              />
              <Input
                className="input"
                placeholder="Webhook 地址中 key= 后面的部分"
                value={robot.key}
                onInput={(e) => setRobot({ ...robot, key: e.detail.value })}
              />
              <Button
                size="normal"
                type="primary"
                onClick={async () => {
                  if (!robot.name.trim() || !robot.key.trim()) return setMessage('请填写群机器人的名称和 key');
                  try {
                    await api().post('/api/chat-groups/robots', {
                      name: robot.name.trim(),
                      webhookKey: robot.key.trim(),
                    });
                    setMessage('已登记');
                    setRobot({ name: '', key: '' });
                    await data.reload();
                  } catch (e) {
                    setMessage(errorText(e));
                  }
                }}
              >
                登记
              </Button>
            </View>
            <View className="card" id="group-list">
              <Text className="card-title">本镇的群（{d.groups.length}）</Text>
              {d.groups.length ? null : <Text className="muted block-label">还没有绑定任何群</Text>}
              {d.groups.map((g) => (
                <View key={g.id} className="list-row">
                  <Text>
                    {g.name} <Text className="tag">{CHANNELS[g.channel] ?? g.channel}</Text>
                  </Text>
                  <Text className="muted">
                    {d.grids.find((x) => x.id === g.gridId)?.name ?? (g.gridId ? '' : '全镇（未绑定到网格）')}
                  </Text>
                </View>
              ))}
            </View>
          </View>
        )}
      </Loadable>
    </Page>
  );
}
