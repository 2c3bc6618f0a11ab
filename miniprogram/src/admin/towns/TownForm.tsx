import { useState } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { townsApi, type TownCreate, type TownOut } from '@yingji/shared';
import { useSubmit } from '../../hooks/useSubmit';
import { api } from '../../services/api';
import { Field, reworded } from './common';

/** The server's rule for a town's code (TownCreate), said before it is typed. */
export const CODE_RULE = '2 到 8 个字母，全镇隐患编号以它开头（如 SZ-2024-0001），建好后不能修改，各乡镇不能重复';
const LABELS: Record<string, string> = {
  code: '乡镇编码',
  name: '乡镇名称',
  county: '所属县',
  'center.lat': '中心点纬度',
  'center.lng': '中心点经度',
};

const EMPTY = { code: '', name: '', county: '', lat: '', lng: '' };
type Draft = typeof EMPTY;

/** The centre as the API wants it, or a text saying what to fix (both numbers, or neither). */
function centerOf(d: Draft): TownCreate['center'] | string | undefined {
  const lat = d.lat.trim();
  const lng = d.lng.trim();
  if (!lat && !lng) return undefined;
  if (!lat || !lng) return '中心点请同时填写纬度和经度，或都不填';
  const [la, ln] = [Number(lat), Number(lng)];
  if (!Number.isFinite(la) || !Number.isFinite(ln)) return '中心点的纬度和经度应为数字，如 29.86 和 107.73';
  return { lat: la, lng: ln };
}

/** 新建乡镇: code, name, county and (optionally) the map's centre; the new town starts with default settings. */
export function TownForm(props: { onCreated: (t: TownOut) => Promise<void> }) {
  const [d, setD] = useState<Draft>(EMPTY);
  const submit = useSubmit();
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  const save = async () => {
    const center = centerOf(d);
    const ok = await submit.run(
      async () => {
        try {
          const town = await townsApi(api()).createTown({
            code: d.code.trim(),
            name: d.name.trim(),
            county: d.county.trim() || undefined,
            center: typeof center === 'object' ? center : undefined,
          });
          await props.onCreated(town);
        } catch (e) {
          throw reworded(e, LABELS);
        }
      },
      () => (typeof center === 'string' ? center : undefined),
    );
    if (ok) setD(EMPTY);
  };
  return (
    <View className="card" id="town-create">
      <Text className="card-title">新建乡镇</Text>
      <View className="towns-grid">
        <Field
          id="town-code"
          label="乡镇编码"
          placeholder="如 XP"
          value={d.code}
          onInput={(code) => set({ code })}
          rule={CODE_RULE}
        />
        <Field
          id="town-name"
          label="乡镇名称"
          placeholder="如 新坪镇"
          value={d.name}
          onInput={(name) => set({ name })}
        />
        <Field
          id="town-county"
          wide
          label="所属县（选填）"
          placeholder="如 重庆市丰都县"
          value={d.county}
          onInput={(county) => set({ county })}
          rule="同一县的乡镇出现在该县应急局的县级看板上；不填则不能添加县应急局账号"
        />
        <Field
          id="town-lat"
          label="地图中心纬度（选填）"
          placeholder="如 29.86"
          value={d.lat}
          onInput={(lat) => set({ lat })}
        />
        <Field
          id="town-lng"
          label="地图中心经度（选填）"
          placeholder="如 107.73"
          value={d.lng}
          onInput={(lng) => set({ lng })}
        />
      </View>
      {submit.error ? (
        <Text className="error-text" id="town-create-error">
          {submit.error}
        </Text>
      ) : null}
      <View className="row towns-actions">
        <Button type="primary" size="normal" id="town-create-submit" loading={submit.busy} onClick={save}>
          新建乡镇
        </Button>
      </View>
    </View>
  );
}
