import { View, Text } from '@tarojs/components';
import { OFFICE_ROLES, rewardsApi } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { api } from '../../services/api';
import { formatTime } from '../../text';

/** Who looked at a confidential reporter's identity, when and why (every reveal is recorded). */
export default function RevealAudit() {
  const list = useData(() => rewardsApi(api()).audit());
  return (
    <Page title="举报人身份查看记录" roles={OFFICE_ROLES} wide>
      <Text className="hint">保密举报人的身份每被查看一次，这里记一笔。</Text>
      <Loadable
        {...list}
        onRetry={list.reload}
        empty={(d) => d.items.length === 0}
        emptyText="还没有人查看过举报人身份"
      >
        {(d) => (
          <View className="card" id="audit-list">
            {d.items.map((a, i) => (
              <View key={`${a.at}-${i}`} className="list-row">
                <Text>
                  {formatTime(a.at)} {a.viewer.name}
                </Text>
                <Text className="muted">
                  举报 {a.tip.code} · {a.purpose}
                </Text>
              </View>
            ))}
          </View>
        )}
      </Loadable>
    </Page>
  );
}
