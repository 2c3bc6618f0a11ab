import { useState } from 'react';
import { View, Text, Input } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { TOWN_ADMIN_ROLES, hazardsApi } from '@yingji/shared';
import { Chips } from '../../components/Chips';
import { useData } from '../../hooks/useData';
import { api, errorText } from '../../services/api';
import { currentUser } from '../../services/session';

/**
 * 改派网格: the office moves one open hazard to another grid, with a reason (a grid boundary
 * change moves no hazard by itself). Recorded in the hazard's history and the town's audit log.
 */
export function Reroute(props: { id: string; onDone: () => void }) {
  const data = useData(async () => {
    const [h, grids] = await Promise.all([
      hazardsApi(api()).get(props.id),
      api().get<{ items: { id: string; name: string }[] }>('/api/grids'),
    ]);
    return { h, grids: grids.items };
  });
  const [open, setOpen] = useState(false);
  const [gridId, setGridId] = useState<string>();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const role = currentUser()?.role;
  const d = data.data;
  if (!d || !role || !TOWN_ADMIN_ROLES.includes(role) || d.h.status === 'closed') return null;
  const others = d.grids.filter((g) => g.id !== d.h.grid?.id);
  return (
    <View className="card" id="hazard-reroute">
      <View className="card-head">
        <Text className="card-title">所属网格：{d.h.grid?.name ?? '未分配网格'}</Text>
        {open ? null : (
          <Button size="small" id="hazard-reroute-open" onClick={() => setOpen(true)}>
            改派网格
          </Button>
        )}
      </View>
      {open ? (
        <View>
          <Text className="hint">改到：</Text>
          <Chips
            options={others.map((g) => ({ value: g.id, label: g.name }))}
            value={gridId}
            onChange={setGridId}
            idPrefix="reroute-grid"
          />
          <Input
            className="input"
            id="hazard-reroute-reason"
            placeholder="改派原因（必填），如 网格边界调整后属该网格"
            value={reason}
            onInput={(e) => setReason(e.detail.value)}
          />
          {error ? <Text className="error-text">{error}</Text> : null}
          <View className="row">
            <Button
              size="normal"
              type="primary"
              id="hazard-reroute-save"
              loading={busy}
              onClick={async () => {
                if (!gridId) return setError('请选择要改到的网格');
                if (!reason.trim()) return setError('请填写改派原因');
                setBusy(true);
                try {
                  await hazardsApi(api()).reroute(props.id, { gridId, reason: reason.trim() });
                  setOpen(false);
                  setError('');
                  setReason('');
                  await data.reload();
                  props.onDone();
                } catch (e) {
                  setError(errorText(e));
                } finally {
                  setBusy(false);
                }
              }}
            >
              确认改派
            </Button>
            <Button size="normal" onClick={() => setOpen(false)}>
              取消
            </Button>
          </View>
        </View>
      ) : null}
    </View>
  );
}
