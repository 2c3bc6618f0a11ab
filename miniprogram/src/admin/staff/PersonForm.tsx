import { useState } from 'react';
import { View, Text, Input } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { ROLE_LABELS, isStaff, type Role } from '@yingji/shared';
import { Chips } from '../../components/Chips';
import { type Draft, type Person, type Places } from './types';

type TextKey = 'username' | 'password' | 'name' | 'phone' | 'wecomUserId' | 'department';

/**
 * Every roster field of one person: who they are, their role, their village and grids, their
 * superior (the ladder's next step) and WeCom account. Adding also sets the login and first password.
 */
export function PersonForm(props: {
  mode: 'add' | 'edit';
  initial: Draft;
  /** The person edited (left out of the superiors offered). */
  selfId?: string;
  places: Places;
  staff: Person[];
  /** Roles the caller may give (only an admin gives 系统管理员). */
  roles: Role[];
  onSubmit: (d: Draft) => Promise<boolean>;
  onCancel?: () => void;
}) {
  const [d, setD] = useState<Draft>(props.initial);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  const prefix = `person-${props.mode}`;
  const field = (key: TextKey, label: string, placeholder: string, opts: { password?: boolean } = {}) => (
    <View className="person-field">
      <Text className="muted block-label">{label}</Text>
      <Input
        id={`${prefix}-${key}`}
        className="input"
        placeholder={placeholder}
        password={opts.password}
        value={d[key]}
        onInput={(e) => set({ [key]: e.detail.value })}
      />
    </View>
  );
  const grids = props.places.grids.filter((g) => !d.villageId || g.villageId === d.villageId);
  const superiors = props.staff.filter((p) => p.active && p.id !== props.selfId && isStaff(p.role));
  const roleOptions = (props.roles.includes(d.role) ? props.roles : [...props.roles, d.role]).map((r) => ({
    value: r,
    label: ROLE_LABELS[r],
  }));

  return (
    <View className="person-form" id={`${prefix}-form`}>
      {props.mode === 'add' ? (
        <View className="person-grid">
          {field('username', '登录用户名', '如 grid.qg-01（字母、数字）')}
          {field('password', '初始密码', '至少 8 位，登录后请本人修改', { password: true })}
        </View>
      ) : null}
      <View className="person-grid">
        {field('name', '姓名', '如 张三')}
        {field('phone', '手机号', '11 位手机号')}
        {field('wecomUserId', '企业微信账号', '企业微信通讯录中的账号（UserID）')}
        {field('department', '部门（选填）', '如 镇应急办')}
      </View>
      <Text className="muted block-label">角色</Text>
      <Chips options={roleOptions} value={d.role} onChange={(r) => r && set({ role: r })} idPrefix={`${prefix}-role`} />
      <Text className="muted block-label">所属村（社区）（再点一次取消）</Text>
      <View className="chips" id={`${prefix}-village`}>
        {props.places.villages.map((v) => (
          <View
            key={v.id}
            className={`chip person-village-option${v.id === d.villageId ? ' chip-on' : ''}`}
            onClick={() =>
              set(
                v.id === d.villageId
                  ? { villageId: undefined }
                  : {
                      villageId: v.id,
                      gridIds: d.gridIds.filter(
                        (id) => props.places.grids.find((g) => g.id === id)?.villageId === v.id,
                      ),
                    },
              )
            }
          >
            {v.name}
          </View>
        ))}
      </View>
      <Text className="muted block-label">负责的网格（可多选）</Text>
      {grids.length ? (
        <View className="chips" id={`${prefix}-grids`}>
          {grids.map((g) => {
            const on = d.gridIds.includes(g.id);
            return (
              <View
                key={g.id}
                className={`chip person-grid-option${on ? ' chip-on' : ''}`}
                onClick={() => set({ gridIds: on ? d.gridIds.filter((x) => x !== g.id) : [...d.gridIds, g.id] })}
              >
                {g.name}
              </View>
            );
          })}
        </View>
      ) : (
        <Text className="hint">该村（社区）还没有网格</Text>
      )}
      <Text className="muted block-label">上级（叫应无人确认时逐级提醒到上级；再点一次取消）</Text>
      <View className="chips" id={`${prefix}-superior`}>
        {superiors.map((p) => (
          <View
            key={p.id}
            className={`chip person-superior-option${p.id === d.superiorId ? ' chip-on' : ''}`}
            onClick={() => set({ superiorId: p.id === d.superiorId ? undefined : p.id })}
          >
            {p.name}
          </View>
        ))}
      </View>
      {props.mode === 'edit'
        ? field('password', '重置密码（不改请留空）', '新密码，至少 8 位', { password: true })
        : null}
      <View className="row person-actions">
        <Button
          type="primary"
          size="normal"
          id={`${prefix}-save`}
          loading={busy}
          onClick={async () => {
            setBusy(true);
            const ok = await props.onSubmit(d);
            setBusy(false);
            if (ok && props.mode === 'add') setD(props.initial);
          }}
        >
          {props.mode === 'add' ? '添加' : '保存修改'}
        </Button>
        {props.onCancel ? (
          <Button size="normal" onClick={props.onCancel}>
            取消
          </Button>
        ) : null}
      </View>
    </View>
  );
}
