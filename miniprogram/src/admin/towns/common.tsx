import { View, Text, Input } from '@tarojs/components';
import { ApiError } from '@yingji/shared';

/**
 * The server's refusal in the form's words: each field it names (`code`, `center.lat`) said as the
 * form labels it, with the server's own Chinese reason; other errors pass unchanged.
 */
export function reworded(e: unknown, labels: Record<string, string>): unknown {
  if (!(e instanceof ApiError) || !Array.isArray(e.details) || !e.details.length) return e;
  const parts = (e.details as { path?: string; message?: string }[]).map((d) => {
    const label = labels[d.path ?? ''] ?? d.path;
    return label ? `${label}：${d.message ?? ''}` : (d.message ?? '');
  });
  return new ApiError(e.status, e.code, parts.join('；'), e.details);
}

/** One labelled text field of a console form, with an optional rule shown under it. */
export function Field(props: {
  id: string;
  label: string;
  value: string;
  onInput: (v: string) => void;
  placeholder?: string;
  rule?: string;
  password?: boolean;
  /** A whole row of the form. */
  wide?: boolean;
}) {
  return (
    <View className={`towns-field${props.wide ? ' towns-field-wide' : ''}`}>
      <Text className="muted block-label">{props.label}</Text>
      <Input
        id={props.id}
        className="input"
        placeholder={props.placeholder}
        password={props.password}
        value={props.value}
        onInput={(e) => props.onInput(e.detail.value)}
      />
      {props.rule ? <Text className="hint towns-rule">{props.rule}</Text> : null}
    </View>
  );
}
