import { useState } from 'react';
import { View, Text } from '@tarojs/components';
import { ApiError, rosterApi, type RosterImportReport } from '@yingji/shared';
import { useSubmit } from '../../hooks/useSubmit';
import { api } from '../../services/api';

/**
 * 导入花名册: the office's Excel roster (the columns of `npm run admin -- roster:import`), checked
 * row by row on the server. A file with any rejected row imports nobody (the report says what to
 * fix); people already there under the same username and name are left as they are, so the same
 * file can be uploaded again. Console (H5) only: it uses the browser's file picker.
 */
export function ImportRoster(props: { onDone: (text: string) => Promise<void> }) {
  const submit = useSubmit();
  const [step, setStep] = useState<{ share: number; text: string }>();
  const [report, setReport] = useState<RosterImportReport>();
  const [fileName, setFileName] = useState('');

  const onFile = (file: File | undefined) => {
    setReport(undefined);
    if (!file) return;
    void submit.run(
      async () => {
        setStep({ share: 0.5, text: '正在上传并逐行校验…' });
        try {
          const r = await rosterApi(api()).importRoster(file, file.name);
          setStep({ share: 1, text: '导入完成' });
          setReport(r);
          await props.onDone(`花名册已导入：新增 ${r.created} 人${r.existing ? `，已有 ${r.existing} 人未改动` : ''}`);
        } catch (e) {
          setStep(undefined);
          if (e instanceof ApiError && e.code === 'ROSTER_IMPORT_REJECTED' && e.details)
            setReport(e.details as RosterImportReport);
          throw e;
        }
      },
      () => (file.name.toLowerCase().endsWith('.xlsx') ? undefined : '只支持 Excel（.xlsx）文件'),
    );
  };

  return (
    <View className="card" id="roster-import">
      <Text className="card-title">导入花名册</Text>
      <Text className="hint">
        Excel
        第一行为列名：用户名、初始密码、角色、姓名、手机号、村/社区、网格（多个用逗号分隔）、上级（填上级的用户名）、企业微信账号、部门。角色填“网格员”“镇村干部”“镇应急办”等。有任何一行被拒绝时整个文件都不导入；已有的人员（用户名和姓名相同）不改动，同一文件可以重复导入。
      </Text>
      {/* The browser's own file button is labelled in the browser's language: ours says it in Chinese. */}
      <label htmlFor="roster-import-file" className="file-btn">
        选择 Excel 文件…
      </label>
      {fileName ? <Text className="muted"> {fileName}</Text> : null}
      <input
        type="file"
        id="roster-import-file"
        accept=".xlsx"
        style={{ display: 'none' }}
        onChange={(e) => {
          const input = e.target as HTMLInputElement;
          const file = input.files?.[0];
          setFileName(file?.name ?? '');
          onFile(file);
          // The same file can be chosen again after fixing it.
          input.value = '';
        }}
      />
      {step ? (
        <View className="import-progress">
          <View className="import-progress-bar" style={{ width: `${Math.round(step.share * 100)}%` }} />
          <Text className="muted">{step.text}</Text>
        </View>
      ) : null}
      {submit.error ? (
        <Text className="error-text" id="roster-import-error">
          {submit.error}
        </Text>
      ) : null}
      {report ? (
        <View id="roster-import-report">
          <Text className={report.rejected.length ? 'error-text' : 'ok-text'}>
            共 {report.total} 行：
            {report.rejected.length
              ? `被拒绝 ${report.rejected.length} 行，未导入`
              : `新增 ${report.created} 人${report.existing ? `，已有 ${report.existing} 人未改动` : ''}`}
          </Text>
          {report.rejected.map((r) => (
            <Text key={r.row} className="audit-change import-rejected">
              第 {r.row} 行{r.username ? `（${r.username}）` : ''}：{r.reason}
            </Text>
          ))}
        </View>
      ) : null}
    </View>
  );
}
