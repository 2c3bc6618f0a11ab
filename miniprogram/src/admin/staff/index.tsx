import { useState } from 'react';
import { View, Text, Input } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { ROLE_LABELS, TOWN_ADMIN_ROLES, isStaff, type Role } from '@yingji/shared';
import { Chips } from '../../components/Chips';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { api, errorText } from '../../services/api';
import { currentUser } from '../../services/session';
import { Deactivate } from './Deactivate';
import { ImportRoster } from './ImportRoster';
import { PersonForm } from './PersonForm';
import { Reactivate, ReactivateButton } from './Reactivate';
import { StaffBindCode } from './StaffBindCode';
import {
  STAFF_ROLE_OPTIONS,
  createBody,
  draftOf,
  emptyDraft,
  patchBody,
  type Draft,
  type Grid,
  type Person,
  type Village,
} from './types';
import '../places/admin.scss';
import './staff.scss';

const ROLE_FILTER = STAFF_ROLE_OPTIONS.map((r) => ({ value: r, label: ROLE_LABELS[r] }));

/**
 * 人员: the town's staff with their village, grids and superior; add one or import the Excel roster,
 * edit every field, get a person's WeChat binding code, deactivate with a handover and bring back.
 */
export default function Staff() {
  const data = useData(async () => {
    const [users, villages, grids] = await Promise.all([
      api().get<{ items: Person[] }>('/api/users'),
      api().get<{ items: Village[] }>('/api/villages'),
      api().get<{ items: Grid[] }>('/api/grids'),
    ]);
    return { staff: users.items.filter((u) => isStaff(u.role)), villages: villages.items, grids: grids.items };
  });
  const [villageFilter, setVillageFilter] = useState<string>();
  const [roleFilter, setRoleFilter] = useState<Role>();
  const [nameFilter, setNameFilter] = useState('');
  const [openId, setOpenId] = useState<string>();
  const [pane, setPane] = useState<'add' | 'import'>();
  const [message, setMessage] = useState<{ text: string; ok: boolean }>();
  const roles = STAFF_ROLE_OPTIONS.filter((r) => r !== 'admin' || currentUser()?.role === 'admin');

  const done = async (text: string) => {
    setMessage({ text, ok: true });
    await data.reload();
  };
  const run = async (f: () => Promise<unknown>, ok: string) => {
    try {
      await f();
      setMessage({ text: ok, ok: true });
      await data.reload();
      return true;
    } catch (e) {
      setMessage({ text: errorText(e), ok: false });
      return false;
    }
  };

  return (
    <Page title="人员" roles={TOWN_ADMIN_ROLES} wide>
      {message ? (
        <Text className={message.ok ? 'ok-text' : 'error-text'} id="staff-message">
          {message.text}
        </Text>
      ) : null}
      <Loadable {...data} onRetry={data.reload}>
        {(d) => {
          const places = { villages: d.villages, grids: d.grids };
          const villageName = (id?: string) => d.villages.find((v) => v.id === id)?.name;
          const gridNames = (ids: string[]) =>
            ids.map((id) => d.grids.find((g) => g.id === id)?.name ?? '（已撤销的网格）').join('、');
          const nameOf = (id?: string) => d.staff.find((p) => p.id === id)?.name;
          const q = nameFilter.trim();
          const matching = d.staff.filter(
            (p) =>
              (!villageFilter ||
                p.villageId === villageFilter ||
                p.gridIds.some((g) => d.grids.find((x) => x.id === g)?.villageId === villageFilter)) &&
              (!roleFilter || p.role === roleFilter) &&
              (!q || p.name.includes(q) || p.username.includes(q)),
          );
          const shown = matching.filter((p) => p.active);
          const inactive = matching.filter((p) => !p.active);
          const activeCount = d.staff.filter((p) => p.active).length;
          const open = d.staff.find((p) => p.id === openId);
          const personRow = (p: Person) => (
            <View
              key={p.id}
              className={`list-row staff-row${p.id === openId ? ' staff-row-on' : ''}${p.active ? '' : ' staff-row-off'}`}
              onClick={() => {
                setOpenId(p.id === openId ? undefined : p.id);
                setPane(undefined);
              }}
            >
              <View className="staff-row-text">
                <Text className="staff-name">{p.name}</Text>
                <Text className="tag tag-blue">{ROLE_LABELS[p.role]}</Text>
                {p.active ? null : <Text className="tag tag-gray staff-inactive">已停用</Text>}
                <Text className="muted staff-username">{p.username}</Text>
                <Text className="staff-places">
                  {[villageName(p.villageId), p.gridIds.length ? gridNames(p.gridIds) : undefined]
                    .filter(Boolean)
                    .join(' · ') || '未分配村和网格'}
                </Text>
                <Text className="muted staff-meta">
                  上级：{nameOf(p.superiorId) ?? '无'} · 手机：{p.phone || '未填'} · 企业微信：
                  {p.wecomUserId || '未填'}
                </Text>
              </View>
              {p.active ? null : <ReactivateButton person={p} onDone={done} />}
            </View>
          );
          return (
            <View className="side-by-side staff">
              <View className="side">
                <View className="card" id="staff-filters">
                  <View className="inline-form">
                    <Input
                      id="staff-search"
                      className="input"
                      placeholder="按姓名或用户名查找"
                      value={nameFilter}
                      onInput={(e) => setNameFilter(e.detail.value)}
                    />
                    <Button
                      type="primary"
                      size="normal"
                      id="staff-add-open"
                      onClick={() => {
                        setPane('add');
                        setOpenId(undefined);
                      }}
                    >
                      添加人员
                    </Button>
                    <Button
                      size="normal"
                      id="staff-import-open"
                      onClick={() => {
                        setPane('import');
                        setOpenId(undefined);
                        setMessage(undefined);
                      }}
                    >
                      导入花名册
                    </Button>
                  </View>
                  <Text className="muted block-label">角色</Text>
                  <Chips
                    options={ROLE_FILTER}
                    value={roleFilter}
                    onChange={setRoleFilter}
                    idPrefix="staff-role"
                    clearable
                  />
                  <Text className="muted block-label">村（社区）</Text>
                  <Chips
                    options={d.villages.map((v) => ({ value: v.id, label: v.name }))}
                    value={villageFilter}
                    onChange={setVillageFilter}
                    idPrefix="staff-village"
                    clearable
                  />
                </View>
                <View className="card" id="staff-list">
                  <Text className="card-title">
                    工作人员（{shown.length}/{activeCount}）
                  </Text>
                  {shown.length ? null : <Text className="muted block-label">没有符合条件的人员</Text>}
                  {shown.map(personRow)}
                </View>
                {inactive.length ? (
                  <View className="card" id="staff-inactive-list">
                    <Text className="card-title">已停用（{inactive.length}）</Text>
                    <Text className="hint">停用的人员不能登录，也不再收到叫应；点“恢复”即可重新启用。</Text>
                    {inactive.map(personRow)}
                  </View>
                ) : null}
              </View>
              <View className="side">
                {pane === 'import' ? (
                  <ImportRoster onDone={done} />
                ) : pane === 'add' ? (
                  <View className="card" id="staff-add">
                    <Text className="card-title">添加人员</Text>
                    <PersonForm
                      mode="add"
                      initial={emptyDraft()}
                      places={places}
                      staff={d.staff}
                      roles={roles}
                      onCancel={() => setPane(undefined)}
                      onSubmit={async (draft: Draft) => {
                        const ok = await run(
                          () => api().post('/api/users', createBody(draft, places, d.staff)),
                          `已添加 ${draft.name.trim()}`,
                        );
                        if (ok) setPane(undefined);
                        return ok;
                      }}
                    />
                  </View>
                ) : open ? (
                  <View>
                    <View className="card" id="staff-edit">
                      <Text className="card-title">
                        {open.name}（{open.username}）
                      </Text>
                      <PersonForm
                        key={`${open.id}-${JSON.stringify(open)}`}
                        mode="edit"
                        initial={draftOf(open)}
                        selfId={open.id}
                        places={places}
                        staff={d.staff}
                        roles={roles}
                        onSubmit={async (draft) => {
                          const patch = patchBody(open, draft);
                          if (!Object.keys(patch).length) {
                            setMessage({ text: '没有修改', ok: false });
                            return false;
                          }
                          return run(
                            () => api().request('PATCH', `/api/users/${open.id}`, patch),
                            `已保存 ${draft.name.trim() || open.name}，修改已记入操作日志`,
                          );
                        }}
                      />
                    </View>
                    {open.active ? (
                      <View>
                        <StaffBindCode key={`bind-${open.id}`} person={open} />
                        <Deactivate key={`off-${open.id}`} person={open} staff={d.staff} onDone={done} />
                      </View>
                    ) : (
                      <Reactivate key={open.id} person={open} onDone={done} />
                    )}
                  </View>
                ) : (
                  <View className="card">
                    <Text className="card-title">选择左侧的人员查看和修改</Text>
                    <Text className="hint">
                      可修改姓名、角色、手机号、所属村和网格、上级、企业微信账号和密码；人员离岗时在这里停用，并把其隐患和包保对象移交给接替人。
                    </Text>
                    <Text className="hint">
                      人员多时用“导入花名册”上传
                      Excel；打开一名工作人员即可为其获取微信绑定码（本人也可在“我的”页获取）。
                    </Text>
                  </View>
                )}
              </View>
            </View>
          );
        }}
      </Loadable>
    </Page>
  );
}
