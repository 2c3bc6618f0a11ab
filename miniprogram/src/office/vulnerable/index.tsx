import { useState } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { OFFICE_ROLES, calloutsApi } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { api } from '../../services/api';
import { RESIDENT_KIND_LABELS } from '../../services/callouts';
import { ResidentForm } from './ResidentForm';

/** 包保对象: the vulnerable residents and who is responsible for each (contacted one to one in a warning). */
export default function Vulnerable() {
  const list = useData(() => calloutsApi(api()).residents());
  const [adding, setAdding] = useState(false);
  const [saved, setSaved] = useState<string>();
  return (
    <Page title="包保对象" roles={OFFICE_ROLES} wide>
      <Text className="hint">预警时由包保责任人一对一联系、协助转移。</Text>
      {saved ? (
        <Text className="ok-text" id="resident-saved">
          {saved}
        </Text>
      ) : null}
      {adding ? (
        <ResidentForm
          onDone={(name) => {
            setAdding(false);
            setSaved(`已登记：${name}`);
            void list.reload();
          }}
          onCancel={() => setAdding(false)}
        />
      ) : (
        <Button id="resident-add" type="primary" size="normal" onClick={() => setAdding(true)}>
          登记包保对象
        </Button>
      )}
      <Loadable {...list} onRetry={list.reload} empty={(d) => d.items.length === 0} emptyText="还没有登记特殊群体">
        {(d) => (
          <View className="card" id="vulnerable-list">
            <Text className="card-title">共 {d.items.length} 人</Text>
            {d.items.map((r) => (
              <View key={r.id} className="list-row">
                <Text>
                  {r.name} <Text className="tag tag-orange">{RESIDENT_KIND_LABELS[r.kind] ?? r.kind}</Text>
                </Text>
                <Text className="muted">
                  {r.address ?? ''} {r.phone ?? ''} · 包保责任人 {r.responsibleName ?? ''}
                </Text>
              </View>
            ))}
          </View>
        )}
      </Loadable>
    </Page>
  );
}
