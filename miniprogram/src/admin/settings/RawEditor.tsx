import { useState } from 'react';
import { View, Text, Textarea } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import type { Config } from './common';

/**
 * 全部设置 (高级): the whole settings as JSON, for what no form above covers (content check word
 * lists, incident leaders, extras). Collapsed by default; checked as a whole on save.
 */
export function RawEditor(props: {
  config: Config;
  save: (patch: Config) => Promise<boolean>;
  onInvalid: (text: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  return (
    <View className="card" id="settings-raw">
      <View className="card-head">
        <Text className="card-title">全部设置（高级）</Text>
        <Button size="small" id="settings-raw-toggle" onClick={() => setOpen(!open)}>
          {open ? '收起' : '展开'}
        </Button>
      </View>
      <Text className="hint">
        上面的表单已包含日常要改的设置。内容审核词表、突发事件报告对象等其余设置在这里直接修改（JSON）；保存前会整体校验，填错的项会指出位置，不会部分保存。
      </Text>
      {open ? (
        <View>
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
            value={text || JSON.stringify(props.config, null, 2)}
            onInput={(e) => setText(e.detail.value)}
          />
          <Button
            size="normal"
            id="settings-json-save"
            onClick={() => {
              let patch: Config;
              try {
                patch = JSON.parse(text || JSON.stringify(props.config)) as Config;
              } catch {
                return props.onInvalid('内容不是有效的 JSON，请检查括号、引号和逗号');
              }
              void props.save(patch).then((ok) => ok && setText(''));
            }}
          >
            保存全部设置
          </Button>
        </View>
      ) : null}
    </View>
  );
}
