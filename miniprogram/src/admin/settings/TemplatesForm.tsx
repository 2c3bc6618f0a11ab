import { View, Text } from '@tarojs/components';
import { Chips } from '../../components/Chips';
import { SaveBar, section, useFormState, useSectionSave } from './common';
import type { Config } from './common';
import { FIXED, KINDS, TemplateKind, VALUE_WORDS, type Kind, type TemplateDraft } from './TemplateKind';

type Source = string | { text: string };
interface StoredTemplate {
  templateId: string;
  fields: Record<string, Source>;
}
interface StoredSubscribe {
  miniprogramState?: 'developer' | 'trial' | 'formal';
  templates?: Partial<Record<Kind, StoredTemplate>>;
}
interface Draft {
  state: 'developer' | 'trial' | 'formal';
  templates: Record<Kind, TemplateDraft>;
}

/** WeChat's keyword names (the same rule as server/src/subscriptions/fields.ts FIELD_KEY). */
const FIELD_KEY =
  /^(thing|number|letter|symbol|character_string|time|date|amount|phone_number|car_number|name|phrase)\d+$/;
const STATES = [
  { value: 'formal' as const, label: '正式版' },
  { value: 'trial' as const, label: '体验版' },
  { value: 'developer' as const, label: '开发版' },
];
const kindWords = (k: string) => KINDS.find((x) => x.kind === k)?.label ?? k;

/** `subscribe.templates.warning.fields.thing1` → “预警发布”的关键词 thing1. */
function describe(path: string): string | undefined {
  const m = /^subscribe\.templates\.(\w+)\.?(templateId|fields)?\.?(.*)$/.exec(path);
  if (m) {
    const kind = `“${kindWords(m[1]!)}”`;
    if (m[2] === 'templateId') return `${kind}的模板 ID`;
    if (m[2] === 'fields') return m[3] ? `${kind}的关键词 ${m[3]}` : `${kind}的模板关键词`;
    return kind;
  }
  if (path.startsWith('subscribe.miniprogramState')) return '打开的小程序版本';
  return path.startsWith('subscribe') ? '订阅消息' : undefined;
}

function draftOf(s: StoredSubscribe): Draft {
  const templates = {} as Record<Kind, TemplateDraft>;
  for (const { kind } of KINDS) {
    const t = s.templates?.[kind];
    templates[kind] = {
      templateId: t?.templateId ?? '',
      fields: Object.entries(t?.fields ?? {}).map(([key, src]) =>
        typeof src === 'string' ? { key, source: src, text: '' } : { key, source: FIXED, text: src.text },
      ),
    };
  }
  return { state: s.miniprogramState ?? 'formal', templates };
}

/**
 * What to send: each kind's template (null: no template, nothing sent for that kind), and a keyword
 * taken out as null (the settings merge key by key); a text when something must be fixed first.
 */
function patchOf(d: Draft, stored: StoredSubscribe): Config | string {
  const templates: Record<string, unknown> = {};
  for (const { kind, label } of KINDS) {
    const t = d.templates[kind];
    const rows = t.fields.filter((f) => f.key.trim() || f.source);
    if (!t.templateId.trim() && !rows.length) {
      templates[kind] = null;
      continue;
    }
    if (!t.templateId.trim()) return `请填写“${label}”的模板 ID，或删除它的关键词`;
    if (!rows.length) return `请为“${label}”添加至少一个模板关键词`;
    const fields: Record<string, unknown> = {};
    for (const k of Object.keys(stored.templates?.[kind]?.fields ?? {})) fields[k] = null;
    for (const f of rows) {
      const key = f.key.trim();
      if (!FIELD_KEY.test(key))
        return `“${label}”的关键词 ${key || '（空）'}：模板关键词应形如 thing1、time2、character_string3`;
      if (!f.source) return `“${label}”的关键词 ${key}：请选择填什么`;
      if (f.source === FIXED && !f.text.trim()) return `“${label}”的关键词 ${key}：请填写固定文字`;
      if (f.source !== FIXED && !VALUE_WORDS[kind][f.source]) return `“${label}”的关键词 ${key}：请选择填什么`;
      fields[key] = f.source === FIXED ? { text: f.text.trim() } : f.source;
    }
    templates[kind] = { templateId: t.templateId.trim(), fields };
  }
  return { subscribe: { miniprogramState: d.state, templates } };
}

/**
 * 订阅消息模板: for each kind of message to residents (举报进度, 奖励进度, 预警, 演练) the WeChat
 * template and what fills each of its keywords; checked by the server as it will send them.
 */
export function TemplatesForm(props: { config: Config; reload: () => Promise<void> }) {
  const stored = section<StoredSubscribe>(props.config, 'subscribe');
  const [d, setD] = useFormState(() => draftOf(stored), stored);
  const s = useSectionSave(props.reload, describe);
  return (
    <View className="card settings-card" id="templates-form">
      <Text className="card-title">订阅消息模板</Text>
      <Text className="hint">
        在微信公众平台“订阅消息”里选用模板后，把模板 ID
        填在这里，并按模板详情里的关键词（thing1、time2……）选择每项填什么。群众在小程序里同意接收后才会收到。
      </Text>
      <View className="settings-rule-line">
        <Text className="settings-rule-label">消息打开</Text>
        <Chips
          options={STATES}
          value={d.state}
          onChange={(v) => setD({ ...d, state: v ?? d.state })}
          idPrefix="subscribe-state"
        />
      </View>
      {KINDS.map(({ kind }) => (
        <TemplateKind
          key={kind}
          kind={kind}
          draft={d.templates[kind]}
          onChange={(t) => setD({ ...d, templates: { ...d.templates, [kind]: t } })}
        />
      ))}
      <SaveBar
        id="templates"
        busy={s.busy}
        error={s.error}
        saved={s.saved}
        onSave={() => void s.save(patchOf(d, stored))}
      />
    </View>
  );
}
