import { useState } from 'react';
import { View, Text, Input, Textarea } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { TOWN_ADMIN_ROLES, townsApi } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { api, errorText } from '../../services/api';
import '../places/admin.scss';
import { WecomApp } from './WecomApp';

/** The settings edited as numbers here; everything else in the full form below. */
const FIELDS: { path: [string, string]; label: string }[] = [
  { path: ['hazardDeadlineDays', 'major'], label: '重大隐患整改期限（天）' },
  { path: ['hazardDeadlineDays', 'general'], label: '一般隐患整改期限（天）' },
  { path: ['ackMinutes', 'red'], label: '红色预警确认时限（分钟）' },
  { path: ['ackMinutes', 'orange'], label: '橙色预警确认时限（分钟）' },
  { path: ['ackMinutes', 'yellow'], label: '黄色预警确认时限（分钟）' },
  { path: ['ackMinutes', 'blue'], label: '蓝色预警确认时限（分钟）' },
  { path: ['escalationWaitMinutes', 'red'], label: '红色预警逐级提醒间隔（分钟）' },
  { path: ['escalationWaitMinutes', 'orange'], label: '橙色预警逐级提醒间隔（分钟）' },
  { path: ['scoreWeights', 'calloutConfirmation'], label: '考核：叫应确认权重' },
  { path: ['scoreWeights', 'hazardsOnTime'], label: '考核：隐患按期整改权重' },
];

/** 本镇设置: deadlines, acknowledgement windows, ladder times, weights, rewards, departments, WeChat/WeCom. */
export default function Settings() {
  const cfg = useData(() => townsApi(api()).config());
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [advanced, setAdvanced] = useState('');
  const [message, setMessage] = useState<{ text: string; ok: boolean }>();

  const save = async (patch: Record<string, unknown>) => {
    try {
      await townsApi(api()).patchConfig(patch);
      setMessage({ text: '已保存，修改已记入操作日志', ok: true });
      setAdvanced('');
      setEdits({});
      await cfg.reload();
    } catch (e) {
      setMessage({ text: errorText(e), ok: false });
    }
  };

  return (
    <Page title="本镇设置" roles={TOWN_ADMIN_ROLES} wide>
      {message ? (
        <Text className={message.ok ? 'ok-text' : 'error-text'} id="settings-message">
          {message.text}
        </Text>
      ) : null}
      <Loadable {...cfg} onRetry={cfg.reload}>
        {(c) => (
          <View>
            <View className="card" id="settings-form">
              <Text className="card-title">常用设置</Text>
              <Text className="hint">修改后点“保存”；每次修改都记入操作日志（谁、何时、改前、改后）。</Text>
              {FIELDS.map((f) => {
                const key = f.path.join('.');
                const value = (c[f.path[0]] as Record<string, number> | undefined)?.[f.path[1]];
                return (
                  <View key={key} className="list-row setting-row">
                    <Text>{f.label}</Text>
                    <Input
                      className="input"
                      id={`setting-${key.replace('.', '-')}`}
                      type="digit"
                      value={edits[key] ?? String(value ?? '')}
                      onInput={(e) => setEdits((x) => ({ ...x, [key]: e.detail.value }))}
                    />
                  </View>
                );
              })}
              <Button
                type="primary"
                size="normal"
                id="settings-save"
                disabled={!Object.keys(edits).length}
                onClick={() => {
                  const patch: Record<string, Record<string, number>> = {};
                  for (const [key, v] of Object.entries(edits)) {
                    const [a, b] = key.split('.') as [string, string];
                    (patch[a] ??= {})[b] = Number(v);
                  }
                  void save(patch);
                }}
              >
                保存
              </Button>
            </View>
            <WecomApp app={c.wecomApp as Parameters<typeof WecomApp>[0]['app']} save={save} />
            <View className="card">
              <Text className="card-title">全部设置（奖励规则、部门分派、订阅消息模板、企业微信应用等）</Text>
              <Text className="hint">
                高级：直接修改下面的设置内容（JSON）。保存前会整体校验，填错的项会指出位置，不会部分保存。
              </Text>
              <Textarea
                id="settings-json"
                className="settings-json"
                // The inner textarea takes the host's height (not its min-height), and no padding of the host.
                style={{
                  height: '480px',
                  width: '100%',
                  border: '1px solid #d1d5db',
                  borderRadius: '8px',
                  overflow: 'hidden',
                  margin: '8px 0',
                  fontFamily: 'monospace',
                  fontSize: '13px',
                }}
                maxlength={-1}
                value={advanced || JSON.stringify(c, null, 2)}
                onInput={(e) => setAdvanced(e.detail.value)}
              />
              <Button
                size="normal"
                onClick={() => {
                  try {
                    void save(JSON.parse(advanced || JSON.stringify(c)) as Record<string, unknown>);
                  } catch {
                    setMessage({ text: '内容不是有效的 JSON，请检查括号、引号和逗号', ok: false });
                  }
                }}
              >
                保存全部设置
              </Button>
            </View>
          </View>
        )}
      </Loadable>
    </Page>
  );
}
