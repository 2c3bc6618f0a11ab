import type { ReactNode } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { T } from '../text';

/**
 * Loading, error and empty states in plain Chinese, then the content. Every list and detail on
 * every page goes through this, so no screen is ever blank without a word.
 */
export function Loadable<D>(props: {
  loading: boolean;
  error?: string;
  data: D | undefined;
  empty?: (d: D) => boolean;
  emptyText?: string;
  onRetry?: () => void;
  children: (d: D) => ReactNode;
}) {
  if (props.error) {
    return (
      <View className="state state-error">
        <Text className="state-text">{props.error}</Text>
        {props.onRetry ? (
          <Button type="primary" size="large" className="big-btn" onClick={props.onRetry}>
            {T.retry}
          </Button>
        ) : null}
      </View>
    );
  }
  if (props.loading && props.data === undefined) {
    return (
      <View className="state state-loading">
        <Text className="state-text">{T.loading}</Text>
      </View>
    );
  }
  if (props.data === undefined) return null;
  if (props.empty?.(props.data)) {
    return (
      <View className="state state-empty">
        <Text className="state-text">{props.emptyText ?? T.empty}</Text>
      </View>
    );
  }
  return <>{props.children(props.data)}</>;
}
