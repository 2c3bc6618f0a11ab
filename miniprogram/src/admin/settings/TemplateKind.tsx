import { View, Text, Input } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { Chips } from '../../components/Chips';

/**
 * The kinds of subscription message and the values each offers to a template's keywords, in the
 * office's words. The same lists as the server's (server/src/subscriptions/settings.ts), which
 * checks every saved mapping against them.
 */
export const KINDS = [
  { kind: 'tip_status', label: '举报处理进度', hint: '群众的举报被受理、不予受理、整改完成时通知本人' },
  { kind: 'reward_status', label: '举报奖励进度', hint: '奖励待审核、批准、发放时通知举报人' },
  { kind: 'warning', label: '预警发布', hint: '发布预警时通知订阅了的群众' },
  { kind: 'drill', label: '演练通知', hint: '演练开始时通知参加的群众' },
] as const;
export type Kind = (typeof KINDS)[number]['kind'];

export const VALUE_WORDS: Record<Kind, Record<string, string>> = {
  tip_status: {
    code: '举报编号',
    category: '隐患类别',
    status: '处理状态（短语）',
    statusLabel: '处理状态',
    note: '说明',
    time: '时间',
  },
  reward_status: {
    code: '举报编号',
    status: '奖励状态（短语）',
    statusLabel: '奖励状态',
    amount: '奖励金额',
    note: '说明',
    time: '时间',
  },
  warning: {
    title: '预警标题',
    level: '预警级别',
    levelLabel: '预警级别名称',
    area: '预警范围',
    body: '预警内容',
    time: '发布时间',
    expires: '解除时间',
  },
  drill: { title: '演练名称', time: '开始时间', place: '集结地点', note: '说明' },
};

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
