import { useState } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import {
  HAZARD_CATEGORIES,
  HAZARD_STATUSES,
  HAZARD_STATUS_LABELS,
  OFFICE_ROLES,
  hazardsApi,
  type HazardListQuery,
} from '@yingji/shared';
import { Page } from '../../components/Page';
import { Chips } from '../../components/Chips';
import { Loadable } from '../../components/State';
import { HazardRow } from '../../components/HazardRow';
import { useData } from '../../hooks/useData';
import { api, errorText } from '../../services/api';
import { downloadExport } from '../../services/media';

const STATUS_OPTS = [
  { value: 'open', label: '未销号' },
  ...HAZARD_STATUSES.map((s) => ({ value: s as string, label: HAZARD_STATUS_LABELS[s] })),
];
const LEVEL_OPTS = [
  { value: 'major', label: '重大' },
  { value: 'general', label: '一般' },
];
const CAT_OPTS = HAZARD_CATEGORIES.map((c) => ({ value: c.code as string, label: c.label }));

/** The hazard list 隐患清单 with filters; each row opens the detail, history and actions. */
export default function Hazards() {
  const [status, setStatus] = useState<string | undefined>('open');
  const [level, setLevel] = useState<string>();
  const [category, setCategory] = useState<string>();
  const [village, setVillage] = useState<string>();
  const [overdue, setOverdue] = useState<string>();
  const [showCats, setShowCats] = useState(false);
  const [exportError, setExportError] = useState<string>();
  const villages = useData(() => api().get<{ items: Array<{ id: string; name: string }> }>('/api/villages'));
  const query = { status, level, category, village, overdue, pageSize: 200 } as HazardListQuery;
  const list = useData(() => hazardsApi(api()).list(query), {
    deps: [status, level, category, village, overdue],
    pollMs: 60_000,
  });

  return (
    <Page title="隐患清单" roles={OFFICE_ROLES} wide>
      <View className="card">
        <Text className="field-label">状态</Text>
        <Chips options={STATUS_OPTS} value={status} onChange={setStatus} clearable idPrefix="hz-status" />
        <Text className="field-label" style={{ marginTop: '16px' }}>
          等级 / 逾期
        </Text>
        <View className="row">
          <Chips options={LEVEL_OPTS} value={level} onChange={setLevel} clearable />
          <Chips options={[{ value: 'true', label: '只看逾期' }]} value={overdue} onChange={setOverdue} clearable />
        </View>
        <Text className="field-label" style={{ marginTop: '16px' }}>
          村/社区
        </Text>
        {villages.data ? (
          <Chips
            options={villages.data.items.map((v) => ({ value: v.id, label: v.name }))}
            value={village}
            onChange={setVillage}
            clearable
          />
        ) : null}
        <Text className="field-label" style={{ marginTop: '16px' }} onClick={() => setShowCats(!showCats)}>
          类别 {category ? `：${CAT_OPTS.find((c) => c.value === category)?.label}` : ''}（点此
          {showCats ? '收起' : '展开'}）
        </Text>
        {showCats ? <Chips options={CAT_OPTS} value={category} onChange={setCategory} clearable /> : null}
      </View>
      <View className="row">
        <Button
          size="normal"
          onClick={async () => {
            setExportError(undefined);
            try {
              await downloadExport('/api/hazards/export.xlsx', '隐患清单.xlsx');
            } catch (e) {
              setExportError(errorText(e));
            }
          }}
        >
          导出 Excel
        </Button>
        {exportError ? <Text className="error-text">{exportError}</Text> : null}
      </View>
      <Loadable {...list} onRetry={list.reload} empty={(d) => d.items.length === 0} emptyText="没有符合条件的隐患。">
        {(d) => (
          <View id="hazard-list">
            <Text className="hint">共 {d.total} 条</Text>
            {d.items.map((h) => (
              <HazardRow key={h.id} h={h} url={`/office/hazard/index?id=${h.id}`} />
            ))}
          </View>
        )}
      </Loadable>
    </Page>
  );
}
