import { useState } from 'react';
import { View, Text, Input, Button, Textarea } from '@tarojs/components';
import { TOWN_ADMIN_ROLES, townsApi } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { api, errorText } from '../../services/api';

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
  const [message, setMessage] = useState('');

  const save = async (patch: Record<string, unknown>) => {
    try {
      await townsApi(api()).patchConfig(patch);
      setMessage('已保存，修改已记入操作日志');
      setEdits({});
      await cfg.reload();
    } catch (e) {
      setMessage(errorText(e));
    }
  };

  return (
    <Page title="本镇设置" roles={TOWN_ADMIN_ROLES} wide>
      {message ? (
        <Text className="hint" id="settings-message">
          {message}
        </Text>
      ) : null}
      <Loadable {...cfg} onRetry={cfg.reload}>
        {(c) => (
          <View>
            <View className="card" id="settings-form">
              {FIELDS.map((f) => {
                const key = f.path.join('.');
                const value = (c[f.path[0]] as Record<string, number> | undefined)?.[f.path[1]];
                return (
                  <View key={key} className="list-row">
                    <Text>{f.label}</Text>
                    <Input
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
                id="settings-save"
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
            <View className="card">
              <Text className="card-title">全部设置（奖励规则、部门分派、订阅消息模板、企业微信应用等）</Text>
              <Textarea
                id="settings-json"
                maxlength={-1}
                style={{ width: '100%', minHeight: '320px', fontFamily: 'monospace' }}
                value={advanced || JSON.stringify(c, null, 2)}
                onInput={(e) => setAdvanced(e.detail.value)}
              />
              <Button
                onClick={() => {
                  try {
                    void save(JSON.parse(advanced || JSON.stringify(c)) as Record<string, unknown>);
                  } catch {
                    setMessage('内容不是有效的 JSON');
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
