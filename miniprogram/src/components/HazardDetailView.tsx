import { useState, type ReactNode } from 'react';
import Taro from '@tarojs/taro';
import { View, Text, Input, Textarea } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { hazardsApi, isOffice, type HazardAction, type HazardDetail, type UserOut } from '@yingji/shared';
import { api, errorText } from '../services/api';
import { uploadPhoto } from '../services/media';
import { currentUser } from '../services/session';
import { formatTime } from '../text';
import { Loadable } from './State';
import { PhotoPicker } from './PhotoPicker';
import { PhotoRow } from './Photo';
import { Timeline } from './Timeline';
import { useData } from '../hooks/useData';

class MissingPhoto extends Error {
  constructor(message = '提交整改需要至少一张整改后的照片') {
    super(message);
  }
}
const CLOSE_EVIDENCE = '复核销号须填写复核意见，并至少上传一张复核照片';

/** Which actions this user may take on a hazard in its current state (the server decides again). */
export function allowedActions(h: HazardDetail, userId: string, office: boolean): HazardAction[] {
  const mine = h.responsibleUser?.id === userId;
  const out: HazardAction[] = [];
  if (office && (h.status === 'accepted' || h.status === 'assigned')) out.push('assign');
  if ((mine || office) && h.status === 'assigned') out.push('start');
  if ((mine || office) && (h.status === 'rectifying' || h.status === 'assigned')) out.push('submit');
  if (office && h.status === 'awaiting_reinspection') out.push('close');
  if (office && (h.status === 'awaiting_reinspection' || h.status === 'closed')) out.push('reopen');
  out.push('comment');
  return out;
}

const ACTION_LABELS: Record<HazardAction, string> = {
  assign: '交办',
  start: '开始整改',
  submit: '提交整改（需照片）',
  close: '复核通过，销号（需意见和照片）',
  reopen: '退回重新整改',
  comment: '添加备注',
};

function Assign(props: {
  onAssign: (userId: string, unit: string, deadline?: string) => void;
  busy: boolean;
  villageId?: string;
}) {
  const people = useData(() => api().get<{ items: UserOut[] }>('/api/users'));
  // The hazard's own village first; the whole town only when asked (or when the village has nobody).
  const [wholeTown, setWholeTown] = useState(!props.villageId);
  const [userId, setUserId] = useState<string>();
  const [unit, setUnit] = useState('');
  const [days, setDays] = useState('');
  return (
    <View className="card">
      <Text className="field-label">交办给</Text>
      <Loadable {...people} onRetry={people.reload}>
        {(d) => {
          const staff = d.items.filter((u) => u.role === 'grid' || u.role === 'cadre');
          const local = staff.filter((u) => u.villageId === props.villageId);
          const shown = wholeTown || local.length === 0 ? staff : local;
          return (
            <View>
              <View className="chips">
                {shown.map((u) => (
                  <View
                    key={u.id}
                    className={`chip assign-person${userId === u.id ? ' chip-on' : ''}`}
                    onClick={() => setUserId(u.id)}
                  >
                    {u.name}
                  </View>
                ))}
              </View>
              {!wholeTown && local.length > 0 ? (
                <Text className="link" onClick={() => setWholeTown(true)}>
                  显示全镇人员
                </Text>
              ) : null}
            </View>
          );
        }}
      </Loadable>
      <Text className="hint">责任单位</Text>
      <Input className="input" value={unit} placeholder="如：双河村村委会" onInput={(e) => setUnit(e.detail.value)} />
      <Text className="hint">整改期限（天，留空按等级默认）</Text>
      <Input className="input" type="number" value={days} onInput={(e) => setDays(e.detail.value)} />
      <Button
        type="primary"
        size="large"
        className="big-btn"
        loading={props.busy}
        disabled={!userId || !unit.trim()}
        onClick={() =>
          userId &&
          props.onAssign(
            userId,
            unit.trim(),
            days ? new Date(Date.now() + Number(days) * 86400000).toISOString() : undefined,
          )
        }
      >
        确认交办
      </Button>
    </View>
  );
}

/** A hazard's detail, its history as a timeline, and the actions the user may take. */
export function HazardDetailView(props: {
  id: string;
  /** Draws the hazard's place (the office's town map) instead of its coordinates. */
  renderMap?: (place: { lat: number; lng: number; label: string }) => ReactNode;
}) {
  const hazard = useData(() => hazardsApi(api()).get(props.id));
  const user = currentUser();
  const office = !!user && isOffice(user.role);
  const [action, setAction] = useState<HazardAction>();
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const act = async (a: HazardAction, extra: Record<string, unknown> = {}) => {
    setBusy(true);
    setError(undefined);
    try {
      if (a === 'submit' && photos.length === 0) throw new MissingPhoto();
      // 销号 needs its re-inspection record (the server checks again).
      if (a === 'close' && (photos.length === 0 || !note.trim())) throw new MissingPhoto(CLOSE_EVIDENCE);
      const mediaIds: string[] = [];
      for (const p of photos) mediaIds.push(await uploadPhoto(p));
      await hazardsApi(api()).act(props.id, {
        action: a,
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(mediaIds.length ? { mediaIds } : {}),
        ...extra,
      });
      setAction(undefined);
      setNote('');
      setPhotos([]);
      void Taro.showToast({ title: '已提交', icon: 'success' });
      await hazard.reload();
    } catch (e) {
      // Only our own check's Chinese text is shown as is; anything else (e.g. an English TypeError) is not.
      setError(e instanceof MissingPhoto ? e.message : errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Loadable {...hazard} onRetry={hazard.reload}>
      {(h) => (
        <View id="hazard-detail">
          <View className="card">
            <View className="card-head">
              <Text className="card-title">
                {h.code} {h.categoryLabel}
              </Text>
              <Text className={h.status === 'closed' ? 'tag tag-green' : h.overdue ? 'tag tag-red' : 'tag'}>
                {h.overdue && h.status !== 'closed' ? '已逾期 · ' : ''}
                {h.statusLabel}
              </Text>
            </View>
            <Text>{h.description}</Text>
            <Text className="hint">
              等级：{h.levelLabel} · 来源：{h.sourceLabel} · 发现：{formatTime(h.discoveredAt)}
            </Text>
            <Text className="hint">
              位置：{h.village?.name ?? ''}
              {h.location.address ? ` ${h.location.address}` : ''}
              {props.renderMap ? '' : `（${h.location.lat}, ${h.location.lng}）`}
            </Text>
            {props.renderMap?.({ lat: h.location.lat, lng: h.location.lng, label: h.code })}
            <Text className="hint">
              责任单位：{h.responsibleUnit ?? h.department} · 责任人：{h.responsibleUser?.name ?? '未交办'}
              {h.deadline ? ` · 期限：${formatTime(h.deadline)}` : ''}
            </Text>
            <PhotoRow ids={h.mediaIds} />
            {h.tips.length ? (
              <Text className="hint">
                关联举报：
                {h.tips.map((t) => `${t.code}（${t.reporter.anonymous ? '匿名举报人' : t.reporter.name}）`).join('、')}
              </Text>
            ) : null}
          </View>

          <Text className="section-title">处理记录</Text>
          <View className="card">
            <Timeline
              steps={h.history.map((e, i) => ({
                title: `${e.actionLabel}${e.by ? ` · ${e.by.name}` : ''}`,
                time: formatTime(e.at),
                note: e.note,
                state: i === h.history.length - 1 ? 'current' : 'done',
              }))}
            />
            {h.history.map((e, i) => {
              // The report's own photos are shown above already: each photo once.
              const ids = e.mediaIds.filter((m) => !h.mediaIds.includes(m));
              return ids.length ? <PhotoRow key={i} ids={ids} /> : null;
            })}
          </View>

          <Text className="section-title">操作</Text>
          <View className="row">
            {allowedActions(h, user?.id ?? '', office).map((a) => (
              <Button
                key={a}
                id={`hazard-action-${a}`}
                size="large"
                type={action === a ? 'primary' : 'default'}
                onClick={() => setAction(a)}
              >
                {ACTION_LABELS[a]}
              </Button>
            ))}
          </View>
          {action === 'assign' ? (
            <Assign
              busy={busy}
              villageId={h.village?.id}
              onAssign={(responsibleUserId, responsibleUnit, deadline) =>
                act('assign', { responsibleUserId, responsibleUnit, ...(deadline ? { deadline } : {}) })
              }
            />
          ) : action ? (
            <View className="card">
              {action === 'submit' || action === 'comment' || action === 'close' ? (
                <PhotoPicker id="hazard-photos" value={photos} onChange={setPhotos} max={6} />
              ) : null}
              <Textarea
                className="textarea"
                value={note}
                placeholder={
                  action === 'reopen' ? '退回原因' : action === 'close' ? '复核意见（必填）' : '说明（选填）'
                }
                onInput={(e) => setNote(e.detail.value)}
              />
              <Button type="primary" size="large" className="big-btn" loading={busy} onClick={() => act(action)}>
                确认{ACTION_LABELS[action]}
              </Button>
            </View>
          ) : null}
          {error ? <Text className="error-text">{error}</Text> : null}
        </View>
      )}
    </Loadable>
  );
}
