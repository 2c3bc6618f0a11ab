import { useState } from 'react';
import Taro from '@tarojs/taro';
import { View, Text, Textarea } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { OFFICE_ROLES, calloutsApi } from '@yingji/shared';
import { Page } from '../../components/Page';
import { api, errorText } from '../../services/api';
import { downloadExport } from '../../services/media';

function month(): string {
  const d = new Date(Date.now() + 8 * 3600_000);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

const EXPORTS = [
  {
    title: '隐患清单',
    hint: '全部隐患，按应急办表格列',
    path: () => '/api/hazards/export.xlsx',
    file: '隐患清单.xlsx',
  },
  {
    title: '督查考核得分（本月）',
    hint: '各村和部门的考核分项',
    path: () => `/api/scores.xlsx?month=${month()}`,
    file: `督查考核-${month()}.xlsx`,
  },
];

/** Import a CAP 1.2 alert (e.g. from the county's warning system): it becomes a warning with its call-out. */
function CapImport() {
  const [xml, setXml] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  return (
    <View className="card" id="cap-import">
      <Text className="card-title">导入 CAP 预警</Text>
      <Text className="hint">把上级发来的 CAP 1.2 预警文件内容粘贴到下面，导入后立即按预警叫应。</Text>
      <Textarea
        id="cap-xml"
        className="textarea"
        value={xml}
        maxlength={-1}
        placeholder='<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">…'
        onInput={(e) => setXml(e.detail.value)}
      />
      <Button
        size="large"
        type="primary"
        loading={busy}
        disabled={!xml.trim()}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            const res = await calloutsApi(api()).importCap(xml.trim());
            void Taro.navigateTo({ url: `/office/callout/index?id=${res.id}` });
          } catch (e) {
            setError(errorText(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        导入并发布
      </Button>
      {error ? <Text className="error-text">{error}</Text> : null}
    </View>
  );
}

/** Exports: the .xlsx files the server makes, downloaded with the user's login. Drill reports are on each drill's board. */
export default function Exports() {
  const [busy, setBusy] = useState<string>();
  const [msg, setMsg] = useState<{ ok: boolean; text: string }>();
  return (
    <Page title="数据导入导出" roles={OFFICE_ROLES} wide>
      {EXPORTS.map((x) => (
        <View key={x.title} className="card list-row">
          <View>
            <Text className="card-title">{x.title}</Text>
            <Text className="hint">{x.hint}</Text>
          </View>
          <Button
            size="large"
            type="primary"
            loading={busy === x.title}
            onClick={async () => {
              setBusy(x.title);
              setMsg(undefined);
              try {
                await downloadExport(x.path(), x.file);
                setMsg({ ok: true, text: `${x.title}已下载` });
              } catch (e) {
                setMsg({ ok: false, text: `${x.title}：${errorText(e)}` });
              } finally {
                setBusy(undefined);
              }
            }}
          >
            下载 Excel
          </Button>
        </View>
      ))}
      <Text className="hint">演练签到报告在每次演练的看板页下载；每条预警的 CAP 文件在它的叫应看板上导出。</Text>
      {msg ? <Text className={msg.ok ? 'ok-text' : 'error-text'}>{msg.text}</Text> : null}
      <CapImport />
    </Page>
  );
}
