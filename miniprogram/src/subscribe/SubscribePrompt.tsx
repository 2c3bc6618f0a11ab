import { useEffect, useState } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import type { SubscribeKind } from '@yingji/shared';
import { askToSubscribe, templatesFor, type AskOutcome } from './ask';

/**
 * The moment to ask for subscription messages: a button (WeChat only allows the request from a
 * tap), shown only when the town has a template for these kinds. One tap, one request; the answer
 * replaces the button, so the resident is never asked again and again on the same screen.
 */
export function SubscribePrompt(props: {
  kinds: readonly SubscribeKind[];
  label: string;
  what: string;
  hint?: string;
}) {
  const [ids, setIds] = useState<string[]>();
  const [outcome, setOutcome] = useState<AskOutcome>();
  useEffect(() => {
    templatesFor(props.kinds)
      .then((t) => setIds(t.map((x) => x.templateId)))
      .catch(() => setIds([]));
  }, []); // once per screen: the kinds are fixed for it
  if (!ids?.length) return null;
  return (
    <View className="card" id="subscribe-prompt">
      {outcome === 'accepted' ? (
        <Text id="subscribe-result">已订阅：{props.what}时会通过微信通知您（每次订阅通知一次）。</Text>
      ) : outcome === 'rejected' ? (
        <Text className="hint" id="subscribe-result">
          您没有允许接收通知。需要时可以再来这里订阅。
        </Text>
      ) : outcome === 'unavailable' ? (
        <Text className="hint" id="subscribe-result">
          微信通知暂时无法订阅，请在“我的”里查看进展。
        </Text>
      ) : (
        <View>
          {props.hint ? <Text className="hint">{props.hint}</Text> : null}
          <Button
            size="large"
            className="big-btn"
            id="subscribe-button"
            onClick={async () => setOutcome(await askToSubscribe(ids, props.what))}
          >
            {props.label}
          </Button>
        </View>
      )}
    </View>
  );
}
