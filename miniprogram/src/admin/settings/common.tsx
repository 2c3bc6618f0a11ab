import { useEffect, useState } from 'react';
import { View, Text, Input } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { ApiError, townsApi } from '@yingji/shared';
import { useSubmit } from '../../hooks/useSubmit';
import { api } from '../../services/api';

export type Config = Record<string, unknown>;
/** Names a setting's path (`rewards.rules.0.amount`) in the form's words, or undefined if not this form's. */
export type Describe = (path: string) => string | undefined;

/** The section of the settings under `key`, as an object (empty when missing). */
export function section<T = Record<string, unknown>>(c: Config, key: string): T {
  const v = c[key];
  return (typeof v === 'object' && v !== null ? v : {}) as T;
}

/**
 * The server's refusal in the form's words: each field it names (`rewards.rules.0.amount`) said as
 * the form labels it (第 1 条规则的奖励金额), with the server's own Chinese reason.
 */
export function reworded(e: unknown, describe: Describe): unknown {
  if (!(e instanceof ApiError) || !Array.isArray(e.details) || !e.details.length) return e;
  const parts = (e.details as { path?: string; message?: string }[]).map(
    (d) => `${describe(d.path ?? '') ?? d.path ?? ''}：${d.message ?? ''}`,
  );
  return new ApiError(e.status, e.code, `设置不正确：${parts.join('；')}`, e.details);
}

/**
 * One settings form's save: PATCH of only its own part, guarded (useSubmit), the server's Chinese
 * error shown in the form, and the page's settings reloaded once stored.
 */
export function useSectionSave(onSaved: () => Promise<void>, describe: Describe) {
  const submit = useSubmit();
  const [saved, setSaved] = useState(false);
  /** `patch` is the part to send, or a text saying what to fix first (nothing is sent). */
  const save = (patch: Config | string) => {
    setSaved(false);
    return submit.run(
      async () => {
        try {
          await townsApi(api()).patchConfig(patch as Config);
        } catch (e) {
          throw reworded(e, describe);
        }
        setSaved(true);
        await onSaved();
      },
      () => (typeof patch === 'string' ? patch : undefined),
    );
  };
  return { busy: submit.busy, error: submit.error, saved, save, clear: () => setSaved(false) };
}

/** A form's state, started from the stored settings and started again whenever they change. */
export function useFormState<T>(from: () => T, stored: unknown): [T, (next: T | ((prev: T) => T)) => void] {
  const [state, setState] = useState(from);
  const stamp = JSON.stringify(stored ?? null);
  useEffect(() => setState(from()), [stamp]);
  return [state, setState];
}

/** The save button of a form and its one line of feedback (error in red, 已保存 in green). */
export function SaveBar(props: {
  id: string;
  busy: boolean;
  error?: string;
  saved: boolean;
  onSave: () => void;
  label?: string;
}) {
  return (
    <View className="settings-savebar">
      {props.error ? (
        <Text className="error-text settings-error" id={`${props.id}-error`}>
          {props.error}
        </Text>
      ) : props.saved ? (
        <Text className="ok-text" id={`${props.id}-saved`}>
          已保存，修改已记入操作日志
        </Text>
      ) : null}
      <Button type="primary" size="normal" id={`${props.id}-save`} loading={props.busy} onClick={props.onSave}>
        {props.label ?? '保存'}
      </Button>
    </View>
  );
}

/** A labelled short text box in a settings row. */
export function SettingInput(props: {
  id: string;
  label: string;
  value: string;
  onInput: (v: string) => void;
  type?: 'text' | 'digit';
  placeholder?: string;
  unit?: string;
  /** Typed hidden (a secret). */
  password?: boolean;
}) {
  return (
    <View className="settings-input">
      <Text className="field-label">{props.label}</Text>
      <View className="settings-input-box">
        <Input
          id={props.id}
          className="input"
          type={props.type ?? 'text'}
          value={props.value}
          password={props.password}
          placeholder={props.placeholder}
          onInput={(e) => props.onInput(e.detail.value)}
        />
        {props.unit ? <Text className="muted">{props.unit}</Text> : null}
      </View>
    </View>
  );
}

/** A typed number: undefined when left empty, NaN when not a number (the form says so before sending). */
export function numberOf(text: string): number | undefined {
  const t = text.trim();
  return t === '' ? undefined : Number(t);
}

/** The first of the given number fields that is filled in but is not a number, as a text to show. */
export function notANumber(fields: { label: string; text: string }[]): string | undefined {
  const bad = fields.find((f) => f.text.trim() !== '' && !Number.isFinite(Number(f.text.trim())));
  return bad ? `${bad.label}请填写数字` : undefined;
}

/** A stored number shown in a text box ('' when not set). */
export const shown = (n: unknown) => (typeof n === 'number' ? String(n) : '');
