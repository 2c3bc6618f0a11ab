import { ApiError, parseChatCommand, type ApiClient, type ChatCommand, type ChatSession } from '@yingji/shared';
import { T } from './texts';
import { clockTime, day } from './time';
import type { EngineInput, EngineReply, InboundLocation, SessionProvider } from './types';

/** The few fields of the server's answers the engine reads (the full schemas belong to their capabilities). */
interface HazardAnswer {
  id: string;
  code: string;
  statusLabel?: string;
  status?: string;
  deadline?: string;
  overdue?: boolean;
}
interface CheckinAnswer {
  drill: { title: string };
  seconds: number;
  alreadyCheckedIn: boolean;
}
interface TransferAnswer {
  moved?: number;
  planned?: number;
}
interface NearestAnswer {
  items: { name: string; address?: string; distanceM: number; contact?: { phone?: string } }[];
}
interface AckAnswer {
  callout?: { title?: string };
  title?: string;
  ackAt?: string;
  alreadyAcked?: boolean;
}
interface StageAnswer {
  callout: { title: string };
  stage: 'at_post' | 'transfer_done';
  at: string;
  count?: number;
  alreadyReported: boolean;
}

export interface EngineOptions {
  /** A client for the server's API; the engine acts through `api.as(userToken)`. */
  api: ApiClient;
  sessions: SessionProvider;
  /** How long after a report a photo or location is attached to it. */
  attachWindowMs?: number;
  now?: () => number;
  onError?: (err: unknown, input: EngineInput) => void;
}

interface SenderState {
  /** The sender's last report; `awaitingPlace` while it has no pin and the bot asked for one. */
  lastHazard?: { id: string; code: string; at: number; awaitingPlace: boolean };
  /** `forShelter`: it was sent to answer a shelter question, so it is no report's place. */
  lastLocation?: InboundLocation & { at: number; forShelter?: boolean };
  wantsShelterAt?: number;
  explainedUnknown?: boolean;
  /** Sessions by the group written in ('' one-to-one): the session names the group, so 收到 finds its call-out. */
  sessions: Map<string, { value: ChatSession; until: number }>;
}

const MAX_SENDERS = 10_000;
const MAX_GROUPS_PER_SENDER = 32;
const SESSION_REUSE_MS = 10 * 60 * 1000; // tokens live 15 minutes
const LOCATION_FRESH_MS = 30 * 60 * 1000;

/**
 * The one conversation engine every channel feeds (DESIGN.md principle 2). It parses a line, finds
 * who wrote it, acts through the server's API with that user's own rights, and answers in short
 * Chinese. In a group it stays quiet about ordinary chatter and only answers commands.
 */
export class ChatEngine {
  private readonly senders = new Map<string, SenderState>();
  private readonly attachWindowMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: EngineOptions) {
    this.attachWindowMs = opts.attachWindowMs ?? 5 * 60 * 1000;
    this.now = opts.now ?? Date.now;
  }

  async handle(input: EngineInput): Promise<EngineReply[]> {
    try {
      const texts = await this.dispatch(input);
      const mentionSender = Boolean(input.group);
      return texts.map((text) => ({ text, mentionSender }));
    } catch (e) {
      this.opts.onError?.(e, input);
      return [{ text: T.unreachable, mentionSender: Boolean(input.group) }];
    }
  }

  private state(input: EngineInput): SenderState {
    const key = `${input.channel}:${input.sender.id}`;
    let s = this.senders.get(key);
    if (s) {
      this.senders.delete(key); // re-insert: the Map's order is then least recently used first
    } else {
      s = { sessions: new Map() };
      if (this.senders.size >= MAX_SENDERS) this.senders.delete(this.senders.keys().next().value!);
    }
    this.senders.set(key, s);
    return s;
  }

  private async dispatch(input: EngineInput): Promise<string[]> {
    const st = this.state(input);
    const inGroup = Boolean(input.group);

    if (input.location) return this.onLocation(input, st, input.location);
    if (input.image) return this.onImage(input, st);
    if (input.event?.kind === 'card_ack') {
      const client = await this.clientFor(input, st);
      if (!client) return this.unknown(input, st);
      return this.call(
        () =>
          client.post<AckAnswer>(`/api/callouts/${encodeURIComponent(input.event!.calloutId)}/ack`, {
            channel: input.channel,
          }),
        {
          ok: (a: AckAnswer) => this.ackReply(a),
          notFound: { CALLOUT_NONE_OPEN: [T.noOpenCallout] },
        },
      );
    }

    const cmd = parseChatCommand(input.text ?? '');
    if (cmd.intent === 'none') {
      if (inGroup) return []; // ordinary chatter in a group is not for the bot
      const client = await this.clientFor(input, st);
      return client ? [T.notUnderstood] : this.unknown(input, st);
    }
    if (cmd.intent === 'help') return [T.help];
    if (cmd.intent === 'bind') return this.bind(input, st, cmd.code);
    if (cmd.intent === 'bind_group') return this.bindGroup(input, cmd.code);

    const client = await this.clientFor(input, st);
    if (!client) return this.unknown(input, st);
    return this.act(input, st, client, cmd);
  }

  private async act(input: EngineInput, st: SenderState, client: ApiClient, cmd: ChatCommand): Promise<string[]> {
    const channel = input.channel;
    const inGroup = Boolean(input.group);
    switch (cmd.intent) {
      case 'report_hazard': {
        if (!cmd.description) return [T.hazardNeedsDescription];
        const description = cmd.location ? `${cmd.description}（位置：${cmd.location}）` : cmd.description;
        const fresh = this.freshLocation(st, this.attachWindowMs);
        const loc = fresh?.forShelter ? undefined : fresh;
        const body = {
          description,
          source: 'chat',
          ...(loc ? { location: { lat: loc.lat, lng: loc.lng, address: cmd.location ?? loc.label } } : {}),
        };
        const minutes = Math.round(this.attachWindowMs / 60000);
        return this.call(() => client.post<HazardAnswer>('/api/hazards', body), {
          ok: (h) => {
            st.lastHazard = { id: h.id, code: h.code, at: this.now(), awaitingPlace: !loc };
            return [loc ? T.hazardCreatedWithPlace(h.code, minutes) : T.hazardCreated(h.code, minutes)];
          },
        });
      }
      case 'query':
        return this.call(() => client.get<HazardAnswer>(`/api/hazards/by-code/${encodeURIComponent(cmd.code)}`), {
          ok: (h) => [T.hazardStatus(h.code, h.statusLabel ?? h.status ?? '', day(h.deadline), h.overdue)],
          notFound: { '*': [T.hazardNotFound(cmd.code)] },
          forbidden: [T.hazardForbidden(cmd.code)],
        });
      case 'ack':
        return this.call(() => client.post<AckAnswer>('/api/chat/ack', { channel, ...this.place(input, st) }), {
          ok: (a) => this.ackReply(a),
          // 收到 is a common word in a group: say nothing there when no warning of that group is open.
          notFound: { CALLOUT_NONE_OPEN: inGroup ? [] : [T.noOpenCallout] },
        });
      case 'stage': {
        const body = {
          channel,
          stage: cmd.stage,
          ...(cmd.count !== undefined ? { count: cmd.count } : {}),
          ...this.place(input, st),
        };
        return this.call(() => client.post<StageAnswer>('/api/chat/stage', body), {
          ok: (r) => [this.stageReply(r, cmd.count !== undefined)],
          notFound: { CALLOUT_NONE_OPEN: inGroup ? [] : [T.noCalloutForStage] },
        });
      }
      case 'checkin': {
        const loc = this.freshLocation(st, this.attachWindowMs);
        const body = { channel, ...(loc ? { location: { lat: loc.lat, lng: loc.lng } } : {}) };
        return this.call(() => client.post<CheckinAnswer>('/api/drills/checkin-latest', body), {
          ok: (r) => [T.checkedIn(r.drill.title, r.seconds, r.alreadyCheckedIn)],
          notFound: { DRILL_NONE_RUNNING: [T.noRunningDrill], DRILL_NOT_FOUND: [T.noRunningDrill] },
        });
      }
      case 'transfer':
        return this.call(() => client.post<TransferAnswer>('/api/chat/transfer', { count: cmd.count, channel }), {
          ok: (r) => [T.transferRecorded(cmd.count, r?.moved, r?.planned)],
          notFound: { HAZARD_POINT_NOT_FOUND: [T.noTransferTask], TRANSFER_NO_PLAN: [T.noTransferTask] },
          refused: { CHAT_TRANSFER_NO_WARNING: [T.transferNoWarning] },
        });
      case 'nearest_shelter': {
        const loc = this.freshLocation(st, LOCATION_FRESH_MS);
        if (!loc) {
          st.wantsShelterAt = this.now();
          return [T.askLocation];
        }
        return this.nearest(client, loc);
      }
      default:
        return [];
    }
  }

  private nearest(client: ApiClient, loc: InboundLocation): Promise<string[]> {
    return this.call(
      () => client.get<NearestAnswer>('/api/shelters/nearest', { lat: loc.lat, lng: loc.lng, limit: 1 }),
      {
        ok: (r) => {
          const s = r.items?.[0];
          return s ? [T.nearestShelter(s.name, s.distanceM, s.address, s.contact?.phone)] : [T.noShelter];
        },
      },
    );
  }

  /**
   * A location is attached to a report only when that report is waiting for its place (it came
   * without a pin and the bot asked for one). Otherwise it answers a pending shelter question, or
   * the bot says what it did not do with it; when both wait, the later request wins.
   */
  private async onLocation(input: EngineInput, st: SenderState, loc: InboundLocation): Promise<string[]> {
    st.lastLocation = { ...loc, at: this.now() };
    const recent = this.recentHazard(st);
    let hazard = recent?.awaitingPlace ? recent : undefined;
    let wantsShelter = st.wantsShelterAt !== undefined && this.now() - st.wantsShelterAt <= this.attachWindowMs;
    if (hazard && wantsShelter) {
      if (st.wantsShelterAt! >= hazard.at) hazard = undefined;
      else wantsShelter = false;
    }
    if (!hazard && !wantsShelter) {
      if (recent) return [T.locationNotAttached(recent.code)];
      return input.group ? [] : [T.locationNoted];
    }
    const client = await this.clientFor(input, st);
    if (!client) return this.unknown(input, st);
    const out: string[] = [];
    if (hazard) {
      const where = `${loc.label ? `${loc.label} ` : ''}(${loc.lat.toFixed(6)}, ${loc.lng.toFixed(6)})`;
      const note = `补充位置：${where}`;
      const target = hazard;
      out.push(
        ...(await this.call(() => client.post(`/api/hazards/${target.id}/actions`, { action: 'comment', note }), {
          ok: () => {
            target.awaitingPlace = false;
            return [T.locationAttached(target.code)];
          },
        })),
      );
    }
    if (wantsShelter) {
      st.wantsShelterAt = undefined;
      st.lastLocation.forShelter = true;
      out.push(...(await this.nearest(client, loc)));
    }
    return out;
  }

  private async onImage(input: EngineInput, st: SenderState): Promise<string[]> {
    const hazard = this.recentHazard(st);
    if (!hazard) return input.group ? [] : [T.photoWithoutHazard];
    const client = await this.clientFor(input, st);
    if (!client) return this.unknown(input, st);
    const image = input.image!;
    const bytes = await image.load();
    return this.call(
      async () => {
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(bytes)]), image.fileName || 'photo.jpg');
        const media = await client.request<{ id: string }>('POST', '/api/media', form);
        return client.post(`/api/hazards/${hazard.id}/media`, { mediaIds: [media.id] });
      },
      { ok: () => [T.photoAttached(hazard.code)] },
    );
  }

  private async bind(input: EngineInput, st: SenderState, code: string): Promise<string[]> {
    if (input.channel !== 'wechaty' || !this.opts.sessions.bind) return [T.bindOnlyWechat];
    return this.call(
      () => this.opts.sessions.bind!({ channel: input.channel, externalUserId: input.sender.id, code }),
      {
        ok: (r) => {
          st.sessions.clear();
          st.explainedUnknown = false;
          return [T.bound(r.name)];
        },
      },
    );
  }

  /** `绑定群 123456` in a room: the room becomes the group of the grid the console's code names. */
  private async bindGroup(input: EngineInput, code: string): Promise<string[]> {
    if (!input.group) return [T.bindGroupInGroup];
    if (input.channel === 'terminal' || !this.opts.sessions.bindGroup) return [T.bindGroupInGroup];
    const group = input.group;
    return this.call(
      () =>
        this.opts.sessions.bindGroup!({
          channel: input.channel as 'wechaty' | 'wecom_app',
          externalUserId: input.sender.id,
          groupExternalId: group.id,
          groupName: group.name,
          code,
        }),
      { ok: (r) => [T.groupBound(r.placeName)] },
    );
  }

  /** Tell an unknown sender how to be bound, once; after that, stay quiet. */
  private unknown(input: EngineInput, st: SenderState): string[] {
    if (st.explainedUnknown) return [];
    st.explainedUnknown = true;
    return [input.channel === 'wecom_app' ? T.unknownSenderWecom : T.unknownSender];
  }

  private async clientFor(input: EngineInput, st: SenderState): Promise<ApiClient | undefined> {
    const now = this.now();
    const key = input.group?.id ?? '';
    let session = st.sessions.get(key);
    if (!session || session.until <= now) {
      const value = await this.opts.sessions.open({
        channel: input.channel,
        externalUserId: input.sender.id,
        groupExternalId: input.group?.id,
      });
      if (st.sessions.size >= MAX_GROUPS_PER_SENDER) st.sessions.clear();
      session = value ? { value, until: now + SESSION_REUSE_MS } : undefined;
      if (session) st.sessions.set(key, session);
      else st.sessions.delete(key);
    }
    return session ? this.opts.api.as(session.value.token) : undefined;
  }

  /** Where the line was written, for the server: the group as the session knows it (absent: unknown group). */
  private place(input: EngineInput, st: SenderState): { inGroup: boolean; groupId?: string } {
    if (!input.group) return { inGroup: false };
    const groupId = st.sessions.get(input.group.id)?.value.group?.id;
    return groupId ? { inGroup: true, groupId } : { inGroup: true };
  }

  private ackReply(a: AckAnswer): string[] {
    const title = a?.callout?.title ?? a?.title;
    if (a?.alreadyAcked && title && a.ackAt) return [T.alreadyAcked(title, this.when(a.ackAt))];
    return [T.acked(title)];
  }

  private stageReply(r: StageAnswer, countGiven: boolean): string {
    const when = this.when(r.at);
    if (r.stage === 'at_post')
      return r.alreadyReported ? T.atPostAlready(r.callout.title, when) : T.atPostRecorded(r.callout.title, when);
    // 转移完成 with no number, and nobody reported moved: 0 is no figure to repeat back.
    const count = countGiven || r.count ? r.count : undefined;
    if (r.alreadyReported) return T.transferDoneAlready(r.callout.title, when, count);
    return count === undefined
      ? T.transferDoneNoCount(r.callout.title)
      : T.transferDoneRecorded(r.callout.title, count);
  }

  /** A time in Asia/Shanghai: 14:05 today, 6月30日 14:05 another day. */
  private when(iso: string): string {
    return clockTime(iso, this.now());
  }

  private recentHazard(st: SenderState) {
    const h = st.lastHazard;
    return h && this.now() - h.at <= this.attachWindowMs ? h : undefined;
  }

  private freshLocation(st: SenderState, withinMs: number) {
    const l = st.lastLocation;
    return l && this.now() - l.at <= withinMs ? l : undefined;
  }

  /**
   * Run one API call and turn its outcome into replies. A 404 whose code is not expected means the
   * route itself is missing (a capability not deployed): that is "not available", said politely.
   */
  private async call<R>(
    fn: () => Promise<R>,
    on: {
      ok: (r: R) => string[];
      notFound?: Record<string, string[]>;
      forbidden?: string[];
      /** Answers by error code, whatever the status (a rule of the work refused it). */
      refused?: Record<string, string[]>;
    },
  ): Promise<string[]> {
    try {
      return on.ok(await fn());
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (on.refused?.[e.code]) return on.refused[e.code]!;
      if (e.status === 404) return on.notFound?.[e.code] ?? on.notFound?.['*'] ?? [T.notAvailable];
      if (e.status === 403) return on.forbidden ?? [T.forbidden];
      if (e.status === 401) return [T.unreachable];
      if (e.status >= 500) return [T.unreachable];
      return [T.failed(e.message)];
    }
  }
}
