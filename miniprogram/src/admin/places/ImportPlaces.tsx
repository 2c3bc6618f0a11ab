import { useState } from 'react';
import { View, Text } from '@tarojs/components';
import { ApiError, townsApi, type PlacesImportReport } from '@yingji/shared';
import { api, errorText } from '../../services/api';

type Format = 'geojson' | 'kml' | 'xlsx';
const FORMATS: Record<string, Format> = { geojson: 'geojson', json: 'geojson', kml: 'kml', xlsx: 'xlsx' };

function readFile(file: File, format: Format, onProgress: (share: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    reader.onerror = () => reject(new Error('文件读取失败，请重新选择'));
    reader.onload = () => {
      const r = reader.result as string;
      // Excel goes as base64 (the part after "data:…;base64,").
      resolve(format === 'xlsx' ? r.slice(r.indexOf(',') + 1) : r);
    };
    if (format === 'xlsx') reader.readAsDataURL(file);
    else reader.readAsText(file, 'utf-8');
  });
}

/**
 * 从文件导入网格: a GeoJSON, KML or Excel file of vertices, with a progress bar and the server's
 * report per row. A file with any rejected row imports nothing (the report says what to fix).
 * Console (H5) only: it uses the browser's file picker.
 */
export function ImportPlaces(props: { onDone: () => void }) {
  const [progress, setProgress] = useState<{ share: number; step: string }>();
  const [report, setReport] = useState<PlacesImportReport>();
  const [error, setError] = useState('');
  const [fileName, setFileName] = useState('');

  const onFile = async (file: File | undefined) => {
    setReport(undefined);
    setError('');
    if (!file) return;
    const format = FORMATS[file.name.split('.').pop()?.toLowerCase() ?? ''];
    if (!format) return setError('只支持 .geojson、.json、.kml 或 .xlsx 文件');
    try {
      setProgress({ share: 0, step: '正在读取文件…' });
      const content = await readFile(file, format, (s) => setProgress({ share: s * 0.4, step: '正在读取文件…' }));
      setProgress({ share: 0.5, step: '正在上传并逐行校验…' });
      const r = await townsApi(api()).importPlaces({ format, content });
      setProgress({ share: 1, step: '导入完成' });
      setReport(r);
      props.onDone();
    } catch (e) {
      setProgress(undefined);
      if (e instanceof ApiError && e.code === 'PLACES_IMPORT_REJECTED' && e.details) {
        setReport(e.details as PlacesImportReport);
        setError(e.message);
      } else setError(errorText(e));
    }
  };

  return (
    <View className="card" id="places-import">
      <Text className="card-title">从文件导入网格</Text>
      <Text className="hint">
        支持 GeoJSON / KML（每个网格一个多边形，属性 name 为网格名、village 为所属村）或 Excel
        角点表（列：村、网格、经度、纬度；同一网格的角按顺序连续成行）。有任何一行被拒绝时整个文件都不导入。
      </Text>
      {/* The browser's own file button is labelled in the browser's language: ours says it in Chinese. */}
      <label htmlFor="places-import-file" className="file-btn">
        选择文件…
      </label>
      {fileName ? <Text className="muted"> {fileName}</Text> : null}
      <input
        type="file"
        id="places-import-file"
        accept=".geojson,.json,.kml,.xlsx"
        style={{ display: 'none' }}
        onChange={(e) => {
          const input = e.target as HTMLInputElement;
          const file = input.files?.[0];
          setFileName(file?.name ?? '');
          void onFile(file);
          // The same file can be chosen again after fixing it.
          input.value = '';
        }}
      />
      {progress ? (
        <View className="import-progress">
          <View className="import-progress-bar" style={{ width: `${Math.round(progress.share * 100)}%` }} />
          <Text className="muted">{progress.step}</Text>
        </View>
      ) : null}
      {error ? <Text className="error-text">{error}</Text> : null}
      {report ? (
        <View id="places-import-report">
          <Text className={report.rejected.length ? 'error-text' : 'ok-text'}>
            共 {report.total} 行：
            {report.rejected.length
              ? `被拒绝 ${report.rejected.length} 行，未导入`
              : `已导入 ${report.created} 个网格，新建 ${report.villagesCreated} 个村（社区）`}
          </Text>
          {report.rejected.map((r) => (
            <Text key={r.row} className="audit-change import-rejected">
              第 {r.row} 行{r.name ? `（${r.name}）` : ''}：{r.reason}
            </Text>
          ))}
        </View>
      ) : null}
    </View>
  );
}
