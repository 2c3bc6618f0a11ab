import { useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { calloutsApi, type CalloutContactList } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { api, errorText } from '../../services/api';
import { CONTACT_LABELS, RESIDENT_KIND_LABELS } from '../../services/callouts';
import { LEVELS } from '../../text';

interface CalloutContacts {
  id: string;
  title: string;
  level: keyof typeof LEVELS;
  contacts: CalloutContactList['items'];
}

/**
 * 一对一: for each open call-out, the vulnerable residents in this person's care, each to mark
 * 已联系 / 已转移. With no call-out open, the list of residents in their care.
 */
export default function Care() {
  const { params } = useRouter();
  const data = useData(
    async () => {
      const open = (await calloutsApi(api()).open()).items.filter((c) => !params.callout || c.id === params.callout);
      const withContacts: CalloutContacts[] = [];
      for (const c of open) {
        const contacts = (await calloutsApi(api()).contacts(c.id)).items;
        if (contacts.length) withContacts.push({ id: c.id, title: c.title, level: c.level, contacts });
      }
      const residents = withContacts.length ? [] : (await calloutsApi(api()).residents()).items;
      return { withContacts, residents };
    },
    { pollMs: 30_000 },
  );
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const mark = async (calloutId: string, residentId: string, state: 'contacted' | 'transferred') => {
    setBusy(residentId + state);
    setError(undefined);
    try {
      await calloutsApi(api()).confirmContact(calloutId, residentId, state);
      await data.reload();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <Page title="一对一叫应" roles={['grid', 'cadre', 'office', 'admin']}>
      <Text className="hint">预警发布后，请逐一联系您包保的群众，联系上或转移后点对应按钮。</Text>
      {error ? <Text className="error-text">{error}</Text> : null}
      <Loadable
        {...data}
        onRetry={data.reload}
        empty={(d) => d.withContacts.length === 0 && d.residents.length === 0}
        emptyText="您没有需要包保联系的群众。"
      >
        {(d) => (
          <View>
            {d.withContacts.map((c) => (
              <View key={c.id}>
                <Text className="section-title" style={{ color: LEVELS[c.level]?.color }}>
                  {c.title}
                </Text>
                {c.contacts.map((p) => (
                  <View key={p.residentId} className="card">
                    <View className="card-head">
                      <Text className="card-title">{p.name}</Text>
                      <Text className={p.state === 'pending' ? 'tag tag-orange' : 'tag tag-green'}>
                        {CONTACT_LABELS[p.state]}
                      </Text>
                    </View>
                    {p.kind ? <Text className="hint">{RESIDENT_KIND_LABELS[p.kind] ?? p.kind}</Text> : null}
                    {p.address ? <Text className="hint">{p.address}</Text> : null}
                    {p.phone ? <Text className="hint">电话：{p.phone}</Text> : null}
                    <View className="row">
                      <Button
                        size="large"
                        type="primary"
                        loading={busy === p.residentId + 'contacted'}
                        onClick={() => mark(c.id, p.residentId, 'contacted')}
                      >
                        已联系
                      </Button>
                      <Button
                        size="large"
                        type="success"
                        loading={busy === p.residentId + 'transferred'}
                        onClick={() => mark(c.id, p.residentId, 'transferred')}
                      >
                        已转移
                      </Button>
                    </View>
                  </View>
                ))}
              </View>
            ))}
            {d.residents.length ? <Text className="section-title">我包保的群众（当前没有需要联系的预警）</Text> : null}
            {d.residents.map((r) => (
              <View key={r.id} className="card">
                <Text className="card-title">{r.name}</Text>
                {r.address ? <Text className="hint">{r.address}</Text> : null}
                {r.phone ? <Text className="hint">电话：{r.phone}</Text> : null}
              </View>
            ))}
          </View>
        )}
      </Loadable>
    </Page>
  );
}
