import { useState } from 'react';
import Taro, { useLoad } from '@tarojs/taro';
import { View, Text, Input, Textarea } from '@tarojs/components';
import { Button, Switch } from '@nutui/nutui-react-taro';
import { RESIDENT_CATEGORIES, TipCreate, officeCategoryOf } from '@yingji/shared';
import { Page } from '../../components/Page';
import { TownMap, type LatLng } from '../../components/TownMap';
import { useMapLayers } from '../../components/map/useMapLayers';
import { PhotoPicker } from '../../components/PhotoPicker';
import { api, errorText } from '../../services/api';
import { locate, parseCoord, pickOnMap } from '../../services/location';
import { loadQueue, submitTip } from '../../services/tip-outbox';
import { T } from '../../text';
import { SubscribePrompt } from '../../subscribe/SubscribePrompt';

const MAX_PHOTOS = 3;

type Result = { kind: 'sent'; code: string } | { kind: 'queued' | 'refused'; message: string };

interface Place {
  id: string;
  name: string;
  point?: { lat: number; lng: number };
  groups: Array<{ id: string; name: string; point: { lat: number; lng: number } }>;
}

/** 村 → 组 from a list: how a resident without GPS (or who does not want to share it) says where. */
function PlacePicker(props: { onPick: (p: LatLng, label: string) => void }) {
  const [places, setPlaces] = useState<Place[]>();
  const [failed, setFailed] = useState(false);
  const [village, setVillage] = useState<Place>();
  const [group, setGroup] = useState<string>();
  useLoad(() => {
    api()
      .get<{ villages: Place[] }>('/api/tips/places')
      .then((r) => setPlaces(r.villages))
      .catch(() => setFailed(true));
  });
  if (failed) return <Text className="hint">地点列表暂时读不到，可以在下面写清地点</Text>;
  if (!places) return <Text className="hint">{T.loading}</Text>;
  return (
    <View id="place-picker">
      <Text className="hint">选择所在的村（社区）：</Text>
      <View className="chips">
        {places.map((v) => (
          <View
            key={v.id}
            id={`place-v-${v.id}`}
            className={`chip place-village${village?.id === v.id ? ' chip-on' : ''}`}
            onClick={() => {
              setVillage(v);
              setGroup(undefined);
              if (v.point && v.groups.length === 0) props.onPick(v.point, v.name);
            }}
          >
            {v.name}
          </View>
        ))}
      </View>
      {village && village.groups.length ? (
        <View>
          <Text className="hint">再选择组：</Text>
          <View className="chips">
            {village.groups.map((g) => (
              <View
                key={g.id}
                id={`place-g-${g.id}`}
                className={`chip place-group${group === g.id ? ' chip-on' : ''}`}
                onClick={() => {
                  setGroup(g.id);
                  props.onPick(g.point, `${village.name} ${g.name}`);
                }}
              >
                {g.name}
              </View>
            ))}
          </View>
        </View>
      ) : null}
    </View>
  );
}

export default function Report() {
  const [photos, setPhotos] = useState<string[]>([]);
  const [category, setCategory] = useState<string>();
  const [description, setDescription] = useState('');
  const [lat, setLat] = useState('');
  const [lng, setLng] = useState('');
  const [address, setAddress] = useState('');
  const [locating, setLocating] = useState(false);
  const [locError, setLocError] = useState<string>();
  const [placeLabel, setPlaceLabel] = useState<string>();
  // Where the map looks: moved by GPS and by the 村 → 组 choice, not by tapping (the map stays put).
  const [view, setView] = useState<LatLng & { zoom?: number }>();
  const places = useMapLayers('villages,grids');
  const [manual, setManual] = useState(false);
  const [confidential, setConfidential] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<Result>();

  const useDevice = async () => {
    setLocating(true);
    setLocError(undefined);
    try {
      const p = await locate();
      setLat(String(p.lat));
      setLng(String(p.lng));
      setPlaceLabel(undefined);
      setView({ lat: p.lat, lng: p.lng, zoom: 15 });
    } catch {
      setLocError('没有获得手机定位。没关系，请点地图，或在下面选择村和组。');
    } finally {
      setLocating(false);
    }
  };
  // The location is what this page is for, so it is asked for when the page opens, not at app start.
  useLoad(() => {
    void useDevice();
  });

  const adjustOnMap = async () => {
    try {
      const latN = parseCoord(lat, 'lat');
      const lngN = parseCoord(lng, 'lng');
      const p = await pickOnMap(latN !== undefined && lngN !== undefined ? { lat: latN, lng: lngN } : undefined);
      if (p) {
        setLat(String(p.lat));
        setLng(String(p.lng));
        if (p.address) setAddress(p.address);
      }
    } catch {
      // closed the map without choosing
    }
  };

  const submit = async () => {
    setError(undefined);
    const latN = parseCoord(lat, 'lat');
    const lngN = parseCoord(lng, 'lng');
    if (!category) return setError('请选择是哪一类危险');
    if (latN === undefined || lngN === undefined) return setError('请点地图或选择隐患所在的村和组（或点“重新定位”）');
    const draft = {
      category: officeCategoryOf(category),
      description: description.trim(),
      location: { lat: latN, lng: lngN, ...(address.trim() ? { address: address.trim() } : {}) },
      confidential,
    };
    const check = TipCreate.safeParse({ ...draft, mediaIds: [] });
    if (!check.success) return setError(check.error.issues[0]?.message ?? T.requestFailed);
    setBusy(true);
    try {
      const { localId, outcome } = await submitTip(draft, photos);
      const sent = outcome.delivered.find((d) => d.localId === localId);
      // A refused tip (bad input) is never resent by itself: say so, rather than "will be resent".
      const queued = loadQueue().find((t) => t.localId === localId);
      setResult(
        sent
          ? { kind: 'sent', code: sent.created.code }
          : queued?.state === 'refused'
            ? {
                kind: 'refused',
                message: `未被接收：${queued.lastError ?? T.requestFailed}。这条举报不会自动重发，请到“我的举报”里查看，可重发或删除。`,
              }
            : { kind: 'queued', message: '网络不好，举报已保存在手机上，会自动重新发送，不会丢失。' },
      );
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  if (result) {
    return (
      <Page roles={['resident', 'grid', 'cadre', 'office', 'admin']}>
        <View className="card" id="tip-result">
          {result.kind === 'sent' ? (
            <View>
              <Text className="page-title ok-text">举报已提交</Text>
              <Text>
                编号：<Text id="tip-result-code">{result.code}</Text>
              </Text>
              <Text className="hint">应急办会尽快核实处理，处理进度可在“我的举报”里查看。</Text>
              <SubscribePrompt
                kinds={['tip_status', 'reward_status']}
                label="接收处理进展通知"
                what="举报被受理、整改销号或发放奖励"
                hint="想在微信里收到处理结果？点下面的按钮订阅。"
              />
            </View>
          ) : (
            <View>
              <Text className="page-title">{result.kind === 'refused' ? '举报未被接收' : '已保存，等待发送'}</Text>
              <Text className={result.kind === 'refused' ? 'error-text' : undefined}>{result.message}</Text>
            </View>
          )}
          <Button
            type="primary"
            size="large"
            className="big-btn"
            onClick={() => Taro.redirectTo({ url: '/pages/mine/index' })}
          >
            查看我的举报
          </Button>
          <Button size="large" className="big-btn" onClick={() => Taro.redirectTo({ url: '/pages/report/index' })}>
            再拍一条
          </Button>
        </View>
      </Page>
    );
  }

  const latN = parseCoord(lat, 'lat');
  const lngN = parseCoord(lng, 'lng');
  return (
    <Page title="随手拍" roles={['resident', 'grid', 'cadre', 'office', 'admin']}>
      <View className="field">
        <Text className="field-label">1. 拍照（最多 {MAX_PHOTOS} 张）</Text>
        <PhotoPicker id="tip-add-photo" value={photos} onChange={setPhotos} max={MAX_PHOTOS} />
      </View>

      <View className="field">
        <Text className="field-label">2. 位置</Text>
        <Text className="hint">点一下地图上隐患所在的地方，或在下面选择村和组：</Text>
        <TownMap
          id="tip-map"
          layers={places.data}
          pin={latN !== undefined && lngN !== undefined ? { lat: latN, lng: lngN, label: '隐患位置' } : undefined}
          view={view}
          height="300px"
          onTap={(p) => {
            setLat(String(p.lat));
            setLng(String(p.lng));
            setPlaceLabel('地图上点选的位置');
            setLocError(undefined);
          }}
        />
        <Text className={latN !== undefined && lngN !== undefined ? 'ok-text' : 'hint'} id="tip-place">
          {latN !== undefined && lngN !== undefined
            ? placeLabel
              ? `已选择：${placeLabel}`
              : '已获得手机定位'
            : '还没有位置'}
        </Text>
        {locating ? <Text className="hint">{T.locating}</Text> : null}
        {locError ? <Text className="error-text">{locError}</Text> : null}
        <View className="row">
          <Button size="normal" onClick={useDevice}>
            重新定位
          </Button>
          {process.env.TARO_ENV !== 'h5' ? (
            <Button size="normal" type="primary" onClick={adjustOnMap}>
              在地图上调整
            </Button>
          ) : null}
        </View>
        <PlacePicker
          onPick={(p, label) => {
            setLat(String(p.lat));
            setLng(String(p.lng));
            setPlaceLabel(label);
            setView({ ...p, zoom: 15 });
            setLocError(undefined);
            if (!address.trim()) setAddress(label);
          }}
        />
        {!manual ? (
          <Text className="link" id="tip-manual" onClick={() => setManual(true)}>
            知道经纬度？手动填写
          </Text>
        ) : null}
        <View className="row" style={{ marginTop: '12px', display: manual ? 'flex' : 'none' }}>
          <View style={{ flex: 1 }}>
            <Text className="hint">纬度</Text>
            <Input id="tip-lat" className="input" type="digit" value={lat} onInput={(e) => setLat(e.detail.value)} />
          </View>
          <View style={{ flex: 1 }}>
            <Text className="hint">经度</Text>
            <Input id="tip-lng" className="input" type="digit" value={lng} onInput={(e) => setLng(e.detail.value)} />
          </View>
        </View>
        <Text className="hint">地点说明（选填，如门牌、旁边的标志）</Text>
        <Input
          id="tip-address"
          className="input"
          value={address}
          placeholder="如：双河村二组河堤旁"
          onInput={(e) => setAddress(e.detail.value)}
        />
      </View>

      <View className="field">
        <Text className="field-label">3. 是哪一类危险</Text>
        <View className="chips">
          {RESIDENT_CATEGORIES.map((c) => (
            <View
              key={c.code}
              id={`cat-${c.code}`}
              className={`chip cat-chip${category === c.code ? ' chip-on' : ''}`}
              onClick={() => setCategory(c.code)}
            >
              <Text className="cat-label">{c.label}</Text>
              <Text className="cat-hint">{c.hint}</Text>
            </View>
          ))}
        </View>
      </View>

      <View className="field">
        <Text className="field-label">4. 情况说明</Text>
        <Textarea
          id="tip-description"
          className="textarea"
          value={description}
          maxlength={1000}
          placeholder="请说说看到了什么，比如：河堤出现裂缝，约两米长"
          onInput={(e) => setDescription(e.detail.value)}
        />
      </View>

      <View className="card">
        <View className="list-row">
          <View>
            <Text className="field-label">保密举报</Text>
            <Text className="hint">打开后，只有负责奖励的工作人员能看到您的身份</Text>
          </View>
          <Switch id="tip-confidential" checked={confidential} onChange={(v) => setConfidential(v)} />
        </View>
      </View>

      {error ? (
        <Text className="error-text" id="tip-error">
          {error}
        </Text>
      ) : null}
      <Button id="tip-submit" type="primary" size="large" className="big-btn" loading={busy} onClick={submit}>
        {busy ? T.submitting : '提交举报'}
      </Button>
    </Page>
  );
}
