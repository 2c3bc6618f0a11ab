import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import {
  OFFICE_ROLES,
  boardApi,
  calloutsApi,
  drillsApi,
  hazardsApi,
  incidentsApi,
  outboxApi,
  tipsApi,
  type PersonDelivery,
} from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { api } from '../../services/api';
import { BOARD_STATE_LABELS } from '../../services/delivery';
import { currentUser } from '../../services/session';
import { LEVELS, formatTime } from '../../text';

/** What needs attention now, read from the existing endpoints; a section that fails says so alone. */
async function loadDesk() {
  const a = api();
  const settle = <T,>(p: Promise<T>) =>
    p.then(
      (v) => ({ ok: v }),
      () => ({ ok: undefined as T | undefined }),
    );
  const [callouts, tips, overdue, major, incidents, drills, parked] = await Promise.all([
    settle(calloutsApi(a).list({ status: 'active' })),
    settle(tipsApi(a).queue({ status: 'submitted', pageSize: 5 })),
    settle(hazardsApi(a).list({ status: 'open', overdue: 'true', pageSize: 5 })),
    settle(hazardsApi(a).list({ status: 'open', level: 'major', pageSize: 5 })),
    settle(incidentsApi(a).list()),
    settle(drillsApi(a).list()),
    settle(outboxApi(a).parked({ pageSize: 5 })),
  ]);
  // Who has still not confirmed, for the few warnings in force.
  const open = (callouts.ok?.items ?? []).filter((c) => c.summary.pending > 0).slice(0, 4);
  const unconfirmed = await Promise.all(
    open.map(async (c) => {
      const b = await boardApi(a)
        .callout(c.id)
        .catch(() => undefined);
      return { callout: c, people: (b?.items ?? []).filter((p) => p.state !== 'confirmed') };
    }),
  );
  return {
    callouts: callouts.ok,
    unconfirmed,
    tips: tips.ok,
    overdue: overdue.ok,
    major: major.ok,
    incidents: incidents.ok,
    drills: drills.ok,
    parked: parked.ok,
  };
}

const go = (url: string) => void Taro.redirectTo({ url });

function Section(props: {
  id: string;
  title: string;
  count?: number;
  url: string;
  children?: React.ReactNode;
  failed?: boolean;
}) {
  const hot = (props.count ?? 0) > 0;
  return (
    <View className={`card duty-card${hot ? ' duty-hot' : ''}`} id={props.id} onClick={() => go(props.url)}>
      <View className="card-head">
        <Text className="card-title">{props.title}</Text>
        <Text className={`duty-num${hot ? ' duty-num-hot' : ''}`}>{props.failed ? '—' : (props.count ?? 0)}</Text>
      </View>
      {props.failed ? <Text className="error-text">暂时读不到，稍后自动重试</Text> : props.children}
    </View>
  );
}

function who(people: PersonDelivery[]): string {
  const names = people
    .slice(0, 8)
    .map((p) => (p.state === 'sent' || p.state === 'waiting' ? p.name : `${p.name}（${BOARD_STATE_LABELS[p.state]}）`));
  return names.join('、') + (people.length > 8 ? ` 等 ${people.length} 人` : '');
}

function minutesLeft(iso: string): number {
  return Math.round((new Date(iso).getTime() - Date.now()) / 60000);
}

/** 值班台: the duty officer's home at a desk, refreshed every 10 seconds. */
export default function DutyDesk() {
  const desk = useData(loadDesk, { pollMs: 10000 });
  const user = currentUser();
  return (
    <Page title="值班台" roles={OFFICE_ROLES} wide>
      <Text className="hint" id="home-greeting">
        您好，{user?.name ?? ''}。以下是现在需要处理的事，每 10 秒自动刷新。
      </Text>
      <Loadable {...desk} onRetry={desk.reload}>
        {(d) => {
          const incidents = (d.incidents?.items ?? []).filter((i) => !i.reportedUp);
          const running = (d.drills?.items ?? []).filter((x) => x.status === 'running');
          return (
            <View className="duty-grid" id="duty-desk">
              <Section
                id="duty-callouts"
                title="未确认的预警"
                count={d.unconfirmed.reduce((n, u) => n + u.people.length, 0)}
                url="/office/warnings/index"
                failed={!d.callouts}
              >
                {d.unconfirmed.length === 0 ? <Text className="ok-text">生效中的预警都已确认</Text> : null}
                {d.unconfirmed.map((u) => (
                  <View
                    key={u.callout.id}
                    className="duty-line"
                    onClick={(e) => {
                      e.stopPropagation();
                      void Taro.navigateTo({ url: `/office/callout/index?id=${u.callout.id}` });
                    }}
                  >
                    <Text
                      className="level-dot"
                      style={{ background: (LEVELS[u.callout.level] ?? LEVELS.blue).color }}
                    />
                    <Text className="duty-line-title">
                      {u.callout.title}：{u.callout.summary.pending} 人未确认
                    </Text>
                    <Text className="muted duty-who">{who(u.people)}</Text>
                  </View>
                ))}
              </Section>
              <Section
                id="duty-triage"
                title="待审核举报"
                count={d.tips?.total}
                url="/office/triage/index"
                failed={!d.tips}
              >
                {(d.tips?.items ?? []).map((t) => (
                  <Text key={t.id} className="duty-line muted">
                    {formatTime(t.submittedAt)} {t.categoryLabel} · {t.description.slice(0, 24)}
                  </Text>
                ))}
              </Section>
              <Section
                id="duty-overdue"
                title="逾期未整改隐患"
                count={d.overdue?.total}
                url="/office/hazards/index"
                failed={!d.overdue}
              >
                {(d.overdue?.items ?? []).map((h) => (
                  <Text key={h.id} className="duty-line muted">
                    {h.code} {h.village?.name ?? ''} {h.description.slice(0, 20)}
                  </Text>
                ))}
              </Section>
              <Section
                id="duty-major"
                title="未销号重大隐患"
                count={d.major?.total}
                url="/office/hazards/index"
                failed={!d.major}
              >
                {(d.major?.items ?? []).map((h) => (
                  <Text key={h.id} className="duty-line muted">
                    {h.code} {h.statusLabel} {h.description.slice(0, 20)}
                  </Text>
                ))}
              </Section>
              <Section
                id="duty-incidents"
                title="待上报突发事件"
                count={incidents.length}
                url="/office/incidents/index"
                failed={!d.incidents}
              >
                {incidents.map((i) => {
                  const left = minutesLeft(i.dueAt);
                  return (
                    <Text key={i.id} className={left <= 15 ? 'duty-line error-text' : 'duty-line muted'}>
                      {i.kind} · {left > 0 ? `距一小时上报时限还剩 ${left} 分钟` : `已超过上报时限 ${-left} 分钟`}
                    </Text>
                  );
                })}
              </Section>
              <Section
                id="duty-drills"
                title="进行中的演练"
                count={running.length}
                url="/office/drills/index"
                failed={!d.drills}
              >
                {running.map((x) => (
                  <Text key={x.id} className="duty-line muted">
                    {x.title} · {x.participantCount} 人 · {formatTime(x.startedAt)} 开始
                  </Text>
                ))}
              </Section>
              <Section
                id="duty-parked"
                title="发送失败的消息"
                count={d.parked?.total}
                url="/office/outbox/index"
                failed={!d.parked}
              >
                {(d.parked?.items ?? []).map((p) => (
                  <Text key={p.id} className="duty-line muted">
                    {p.recipientName ?? `${p.recipientCount} 人`} · {p.summary.slice(0, 24)}
                  </Text>
                ))}
              </Section>
            </View>
          );
        }}
      </Loadable>
    </Page>
  );
}
