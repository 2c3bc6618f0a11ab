import { useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { View, Text, Textarea } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { HAZARD_CATEGORIES, HazardCreate, hazardsApi, type HazardLevel } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Chips } from '../../components/Chips';
import { PhotoPicker } from '../../components/PhotoPicker';
import { actionKeys, api, errorText } from '../../services/api';
import { uploadPhoto } from '../../services/media';
import { locate, type Place } from '../../services/location';

const CATS = HAZARD_CATEGORIES.map((c) => ({ value: c.code as string, label: c.label }));
const LEVEL_OPTS = [
  { value: 'general' as const, label: '一般隐患' },
  { value: 'major' as const, label: '重大隐患' },
];

/** 隐患上报: a grid member or cadre reports a hazard found in the field, straight into the hazard list. */
export default function HazardNew() {
  const [category, setCategory] = useState<string>();
  const [level, setLevel] = useState<HazardLevel | undefined>('general');
  const [description, setDescription] = useState('');
  const [photos, setPhotos] = useState<string[]>([]);
  const [place, setPlace] = useState<Place>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const uploaded = useRef(new Map<string, string>());

  const submit = async () => {
    setError(undefined);
    const body = {
      category: category as HazardCreate['category'],
      level: level ?? 'general',
      description: description.trim(),
      source: 'field' as const,
      ...(place ? { location: place } : {}),
    };
    if (!category) return setError('请选择隐患类别');
    const check = HazardCreate.safeParse(body);
    if (!check.success) return setError(check.error.issues[0]?.message ?? '请检查填写内容');
    setBusy(true);
    try {
      // Photos already uploaded by a failed attempt are not sent again, so a retry is the same
      // request and its Idempotency-Key answers the first hazard instead of filing a second.
      const mediaIds: string[] = [];
      for (const p of photos) {
        const id = uploaded.current.get(p) ?? (await uploadPhoto(p));
        uploaded.current.set(p, id);
        mediaIds.push(id);
      }
      const input = { ...body, mediaIds };
      const keys = actionKeys('hazard');
      const h = await hazardsApi(api()).create(input, { idempotencyKey: keys.keyFor(input) });
      keys.done();
      setDone(h.code);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <Page roles={['grid', 'cadre', 'office', 'admin']}>
        <View className="card">
          <Text className="page-title ok-text">已上报</Text>
          <Text>隐患编号：{done}</Text>
          <Button
            type="primary"
            size="large"
            className="big-btn"
            onClick={() => Taro.redirectTo({ url: '/staff/hazards/index' })}
          >
            查看隐患列表
          </Button>
        </View>
      </Page>
    );
  }
  return (
    <Page title="隐患上报" roles={['grid', 'cadre', 'office', 'admin']}>
      <View className="field">
        <Text className="field-label">照片</Text>
        <PhotoPicker value={photos} onChange={setPhotos} max={6} />
      </View>
      <View className="field">
        <Text className="field-label">类别</Text>
        <Chips options={CATS} value={category} onChange={setCategory} idPrefix="cat" />
      </View>
      <View className="field">
        <Text className="field-label">等级</Text>
        <Chips options={LEVEL_OPTS} value={level} onChange={setLevel} />
      </View>
      <View className="field">
        <Text className="field-label">情况说明</Text>
        <Textarea
          className="textarea"
          value={description}
          maxlength={1000}
          placeholder="隐患的具体情况"
          onInput={(e) => setDescription(e.detail.value)}
        />
      </View>
      <View className="field">
        <Text className="field-label">位置</Text>
        {place ? (
          <Text>
            已定位（{place.lat}, {place.lng}）
          </Text>
        ) : (
          <Text className="hint">不定位时按您所在网格登记</Text>
        )}
        <Button
          size="normal"
          onClick={async () => {
            try {
              setPlace(await locate());
            } catch {
              setError('没有获得位置权限，将按您所在网格登记');
            }
          }}
        >
          使用当前位置
        </Button>
      </View>
      {error ? <Text className="error-text">{error}</Text> : null}
      <Button type="primary" size="large" className="big-btn" loading={busy} onClick={submit}>
        上报隐患
      </Button>
    </Page>
  );
}
