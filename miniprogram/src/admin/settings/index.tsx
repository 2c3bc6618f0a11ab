import { useState } from 'react';
import { View, Text } from '@tarojs/components';
import { TOWN_ADMIN_ROLES, townsApi } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { useSubmit } from '../../hooks/useSubmit';
import { api } from '../../services/api';
import '../places/admin.scss';
import './settings.scss';
import { DepartmentsForm } from './DepartmentsForm';
import { ACK_FIELDS, COMMON_FIELDS, NumbersForm, SCORE_FIELDS } from './NumbersForm';
import { RawEditor } from './RawEditor';
import { RewardsForm } from './RewardsForm';
import { TemplatesForm } from './TemplatesForm';
import { WecomApp } from './WecomApp';
import type { Config } from './common';

/**
 * 本镇设置: each part of the town's settings as its own form (常用设置, 叫应与升级, 考核权重, 奖励规则,
 * 部门分派, 订阅消息模板, 企业微信应用), each saving only its part; the whole JSON, collapsed, for the rest.
 */
export default function Settings() {
  const cfg = useData(() => townsApi(api()).config());
  const submit = useSubmit();
  const [saved, setSaved] = useState(false);

  // The raw editor reports here, at the top of the page.
  const save = async (patch: Config) => {
    setSaved(false);
    const ok = await submit.run(async () => {
      await townsApi(api()).patchConfig(patch);
      await cfg.reload();
    });
    setSaved(ok);
    return ok;
  };
  const message = submit.error
    ? { text: submit.error, ok: false }
    : saved
      ? { text: '已保存，修改已记入操作日志', ok: true }
      : undefined;

  return (
    <Page title="本镇设置" roles={TOWN_ADMIN_ROLES} wide>
      {message ? (
        <Text className={message.ok ? 'ok-text' : 'error-text'} id="settings-message">
          {message.text}
        </Text>
      ) : null}
      <Loadable {...cfg} onRetry={cfg.reload}>
        {(c) => (
          <View>
            <Text className="hint settings-intro">
              每个表单单独保存，只改它自己的设置；每次修改都记入操作日志（谁、何时、改前、改后）。
            </Text>
            <NumbersForm
              id="settings-form"
              title="常用设置"
              hint="整改期限、举报次数、演练和突发事件的时限。"
              fields={COMMON_FIELDS}
              config={c}
              reload={cfg.reload}
            />
            <NumbersForm
              id="ack-form"
              title="叫应与升级"
              hint="发布预警后，责任人须在确认时限内点“收到”；超时未确认的，每隔一个提醒间隔向上一级提醒一次。"
              fields={ACK_FIELDS}
              config={c}
              reload={cfg.reload}
            />
            <NumbersForm
              id="score-form"
              title="督查考核权重"
              hint="各项在考核总分中占的分数；没有数据的项不计入。"
              fields={SCORE_FIELDS}
              config={c}
              reload={cfg.reload}
            />
            <RewardsForm config={c} reload={cfg.reload} />
            <DepartmentsForm config={c} reload={cfg.reload} />
            <TemplatesForm config={c} reload={cfg.reload} />
            <WecomApp app={c.wecomApp as Parameters<typeof WecomApp>[0]['app']} reload={cfg.reload} />
            <RawEditor config={c} save={save} onInvalid={(t) => submit.setError(t)} />
          </View>
        )}
      </Loadable>
    </Page>
  );
}
