import { useState } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { ROLE_LABELS, townsApi, type TownOut } from '@yingji/shared';
import { Chips } from '../../components/Chips';
import { useSubmit } from '../../hooks/useSubmit';
import { api } from '../../services/api';
import { Field, reworded } from './common';

/** The two accounts the platform gives a town (TownAdminCreate's roles). */
export type AccountRole = 'admin' | 'county';
export interface Created {
  townId: string;
  username: string;
  name: string;
  role: AccountRole;
}

const ROLE_OPTIONS = (['admin', 'county'] as const).map((r) => ({ value: r, label: ROLE_LABELS[r] }));
const LABELS: Record<string, string> = {
  username: '登录用户名',
  password: '初始密码',
  name: '姓名',
  phone: '手机号',
  role: '身份',
};
const EMPTY = { username: '', name: '', password: '', phone: '', role: 'admin' as AccountRole };
type Draft = typeof EMPTY;

/**
 * A town's first 系统管理员 (who then sets the town up), or a 县应急局 account based in it (who
 * watches the county's towns): login, name, first password.
 */
export function AccountForm(props: { town: TownOut; onCreated: (c: Created) => Promise<void> }) {
  const [d, setD] = useState<Draft>(EMPTY);
  const submit = useSubmit();
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  const save = async () => {
    const ok = await submit.run(
      async () => {
        try {
          const u = await townsApi(api()).createTownAdmin(props.town.id, {
            username: d.username.trim(),
            name: d.name.trim(),
            password: d.password,
            phone: d.phone.trim() || undefined,
            role: d.role,
          });
          await props.onCreated({ townId: props.town.id, username: u.username, name: d.name.trim(), role: d.role });
        } catch (e) {
          throw reworded(e, LABELS);
        }
      },
      () =>
        d.role === 'county' && !props.town.county
          ? `${props.town.name}没有填写所属县，不能添加县应急局账号`
          : undefined,
    );
    if (ok) setD(EMPTY);
  };
  return (
    <View className="card" id="town-account">
      <Text className="card-title">为{props.town.name}添加账号</Text>
      <Text className="hint">
        先添加本镇第一位系统管理员：由他登录后建村和网格、添加工作人员、设置本镇。县应急局账号挂在本镇名下，可查看
        {props.town.county || '所属县'}的所有乡镇。
      </Text>
      <Text className="muted block-label">身份</Text>
      <Chips options={ROLE_OPTIONS} value={d.role} onChange={(role) => role && set({ role })} idPrefix="account-role" />
      <View className="towns-grid">
        <Field
          id="account-username"
          label="登录用户名"
          placeholder="如 xp.admin"
          value={d.username}
          onInput={(username) => set({ username })}
          rule="字母、数字和 _ . @ -，全平台不能重复"
        />
        <Field id="account-name" label="姓名" placeholder="如 张三" value={d.name} onInput={(name) => set({ name })} />
        <Field
          id="account-password"
          label="初始密码"
          placeholder="至少 8 位"
          password
          value={d.password}
          onInput={(password) => set({ password })}
          rule="至少 8 位；交给本人后请其登录修改"
        />
        <Field
          id="account-phone"
          label="手机号（选填）"
          placeholder="11 位手机号"
          value={d.phone}
          onInput={(phone) => set({ phone })}
        />
      </View>
      {submit.error ? (
        <Text className="error-text" id="account-error">
          {submit.error}
        </Text>
      ) : null}
      <View className="row towns-actions">
        <Button type="primary" size="normal" id="account-submit" loading={submit.busy} onClick={save}>
          添加{ROLE_LABELS[d.role]}
        </Button>
      </View>
    </View>
  );
}

/** What the platform administrator does next with the account just made. */
export function NextSteps(props: { town: TownOut; created: Created }) {
  const { town, created } = props;
  const who = `${created.name}（登录用户名 ${created.username}）`;
  return (
    <View className="card towns-next" id="town-next">
      <Text className="card-title">
        已为{town.name}添加{ROLE_LABELS[created.role]}：{who}
      </Text>
      <Text className="towns-next-lead">下一步：</Text>
      {created.role === 'admin' ? (
        <View>
          <Text className="towns-step">
            1. 把用户名和初始密码交给{created.name}
            本人。请他在电脑浏览器打开本控制台，退出当前账号后用这个账号登录，页面上方会显示“
            {town.name}”。
          </Text>
          <Text className="towns-step">2. 在“村与网格”中建村（社区），在地图上画出网格。</Text>
          <Text className="towns-step">3. 在“人员”中添加或导入网格员、镇村干部，设置所属网格和上级。</Text>
          <Text className="towns-step">
            4. 在“本镇设置”中设置隐患整改期限、叫应时限和奖励规则；在“群与绑定码”中绑定各网格的微信群。
          </Text>
        </View>
      ) : (
        <View>
          <Text className="towns-step">
            1. 把用户名和初始密码交给县应急局。用这个账号登录后打开“县级看板”，可并排查看{town.county ?? '本县'}
            各乡镇的情况。
          </Text>
          <Text className="towns-step">2. 县应急局可向多个乡镇同时发布预警；各镇的设置仍由各镇系统管理员负责。</Text>
        </View>
      )}
    </View>
  );
}
