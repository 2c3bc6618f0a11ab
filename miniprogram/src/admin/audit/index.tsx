import { View, Text } from '@tarojs/components';
import { OFFICE_ROLES, townsApi } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { api } from '../../services/api';
import { formatTime } from '../../text';
import { changesOf } from './diff';
import { isPlaceholder } from './values';
import '../places/admin.scss';

const ACTIONS: Record<string, string> = {
  'town.config': '修改设置',
  'town.create': '新建乡镇',
  'village.create': '新建村（社区）',
  'village.update': '修改村（社区）',
  'village.retire': '撤销村（社区）',
  'grid.create': '新建网格',
  'grid.update': '修改网格',
  'grid.boundary': '修改网格边界',
  'grid.retire': '撤销网格',
  'places.import': '导入网格',
  'chat-group.bind': '绑定群',
  'chat-group.robot': '登记群机器人',
  'chat-group.unbind': '解除群绑定',
  'user.create': '添加人员',
  'user.update': '修改人员',
  'user.deactivate': '停用人员',
  'user.reactivate': '恢复人员',
  'user.import': '导入花名册',
  'user.bind-code': '生成微信绑定码',
  'village-group.create': '新建村民小组',
  'village-group.update': '修改村民小组',
  'village-group.retire': '撤销村民小组',
  'hazard.reroute': '改派网格',
};

/** 操作日志: every change to the town's places, people and settings — who, when, before and after. */
export default function AuditLog() {
  const list = useData(() => townsApi(api()).audit());
  return (
    <Page title="操作日志" roles={OFFICE_ROLES} wide>
      <Loadable {...list} onRetry={list.reload} empty={(d) => d.items.length === 0} emptyText="还没有操作记录">
        {(d) => (
          <View className="card" id="town-audit">
            {d.items.map((a) => (
              <View key={a.id} className="list-row audit-row">
                <Text>
                  <Text className="muted">{formatTime(a.at)}</Text> {a.actor.name}{' '}
                  <Text className="tag">{ACTIONS[a.action] ?? a.action}</Text> {a.target ?? ''}
                </Text>
                {changesOf(a.action, a.before, a.after).map((c, i) => (
                  <Text key={i} className="audit-change">
                    {c.key}：
                    {c.before !== undefined ? (
                      <Text className={isPlaceholder(c.before) ? 'muted' : 'audit-old'}>{c.before}</Text>
                    ) : null}
                    {c.before !== undefined ? ' → ' : ''}
                    {c.after ?? '（已删除）'}
                  </Text>
                ))}
              </View>
            ))}
          </View>
        )}
      </Loadable>
    </Page>
  );
}
