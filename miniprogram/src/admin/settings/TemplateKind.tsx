import { View, Text, Input } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { Chips } from '../../components/Chips';
import { KINDS, VALUE_WORDS, type Kind } from './template-words';

export { KINDS, VALUE_WORDS, type Kind };

/** One keyword of the template as edited: its key (thing1) and a value name, or a fixed text. */
export interface FieldDraft {
  key: string;
  source: string;
  text: string;
}
export interface TemplateDraft {
  templateId: string;
  fields: FieldDraft[];
}
export const FIXED = 'fixed';

/** One kind of message: the template id from the WeChat console and what fills each keyword. */
export function TemplateKind(props: { kind: Kind; draft: TemplateDraft; onChange: (d: TemplateDraft) => void }) {
  const info = KINDS.find((k) => k.kind === props.kind)!;
  const d = props.draft;
  const options = [
    ...Object.entries(VALUE_WORDS[props.kind]).map(([value, label]) => ({ value, label })),
    { value: FIXED, label: '固定文字' },
  ];
  const setField = (i: number, f: FieldDraft) =>
    props.onChange({ ...d, fields: d.fields.map((x, j) => (j === i ? f : x)) });
  const id = `template-${props.kind}`;
  return (
    <View className="settings-rule" id={id}>
      <Text className="settings-rule-title">{info.label}</Text>
      <Text className="hint">
        {info.hint}。{d.templateId.trim() ? '' : '没有填写模板 ID：不发送这类消息。'}
      </Text>
      <View className="settings-input settings-template-id">
        <Text className="field-label">模板 ID（微信公众平台 → 订阅消息 → 我的模板）</Text>
        <Input
          id={`${id}-id`}
          className="input"
          value={d.templateId}
          placeholder="不发送这类消息时留空"
          onInput={(e) => props.onChange({ ...d, templateId: e.detail.value })}
        />
      </View>
      <Text className="field-label">模板关键词（如 thing1、time2，见模板详情）填什么</Text>
      {d.fields.map((f, i) => (
        <View key={i} className="settings-keyword" id={`${id}-field-${i}`}>
          <Input
            id={`${id}-field-${i}-key`}
            className="input settings-keyword-key"
            value={f.key}
            placeholder="如 thing1"
            onInput={(e) => setField(i, { ...f, key: e.detail.value })}
          />
          <View className="settings-keyword-source">
            <Chips
              options={options}
              value={f.source}
              onChange={(v) => setField(i, { ...f, source: v ?? f.source })}
              idPrefix={`${id}-field-${i}-src`}
            />
            {f.source === FIXED ? (
              <Input
                id={`${id}-field-${i}-text`}
                className="input"
                value={f.text}
                placeholder="每条消息都显示这段文字"
                onInput={(e) => setField(i, { ...f, text: e.detail.value })}
              />
            ) : null}
          </View>
          <Button
            size="small"
            className="settings-remove"
            onClick={() => props.onChange({ ...d, fields: d.fields.filter((_, j) => j !== i) })}
          >
            删除
          </Button>
        </View>
      ))}
      <Button
        size="small"
        id={`${id}-field-add`}
        onClick={() => props.onChange({ ...d, fields: [...d.fields, { key: '', source: '', text: '' }] })}
      >
        添加关键词
      </Button>
    </View>
  );
}
