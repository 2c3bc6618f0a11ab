import { ApiError, parseChatCommand, type ApiClient, type ChatCommand, type ChatSession } from '@yingji/shared';
import { T } from './texts';
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
  lastHazard?: { id: string; code: string; at: number };
  lastLocation?: InboundLocation & { at: number };
  wantsShelterAt?: number;
  explainedUnknown?: boolean;
  session?: { value: ChatSession; until: number };
}

const MAX_SENDERS = 10_000;
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
      s = {};
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
          ok: (a: AckAnswer) => [T.acked(a?.callout?.title ?? a?.title)],
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
        const loc = this.freshLocation(st, this.attachWindowMs);
        const body = {
          description,
          source: 'chat',
          ...(loc ? { location: { lat: loc.lat, lng: loc.lng, address: cmd.location ?? loc.label } } : {}),
        };
        return this.call(() => client.post<HazardAnswer>('/api/hazards', body), {
          ok: (h) => {
            st.lastHazard = { id: h.id, code: h.code, at: this.now() };
            return [T.hazardCreated(h.code, Math.round(this.attachWindowMs / 60000))];
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
        return this.call(() => client.post<AckAnswer>('/api/callouts/ack-latest', { channel }), {
          ok: (a) => [T.acked(a?.callout?.title ?? a?.title)],
          // 收到 is a common word in a group: say nothing there when no warning is open.
          notFound: { CALLOUT_NONE_OPEN: inGroup ? [] : [T.noOpenCallout] },
        });
      case 'checkin': {
        const loc = this.freshLocation(st, this.attachWindowMs);
        const body = { channel, ...(loc ? { location: { lat: loc.lat, lng: loc.lng } } : {}) };
        return this.call(() => client.post<CheckinAnswer>('/api/drills/checkin-latest', body), {
          ok: (r) => [T.checkedIn(r.drill.title, r.seconds, r.alreadyCheckedIn)],
          notFound: { DRILL_NONE_RUNNING: [T.noRunningDrill], DRILL_NOT_FOUND: [T.noRunningDrill] },
        });
      }
      case 'transfer':
        return this.call(() => client.post<TransferAnswer>('/api/transfers', { count: cmd.count, channel }), {
          ok: (r) => [T.transferRecorded(cmd.count, r?.moved, r?.planned)],
          notFound: { HAZARD_POINT_NOT_FOUND: [T.noTransferTask], TRANSFER_NO_PLAN: [T.noTransferTask] },
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

  private async onLocation(input: EngineInput, st: SenderState, loc: InboundLocation): Promise<string[]> {
    st.lastLocation = { ...loc, at: this.now() };
    const hazard = this.recentHazard(st);
    const wantsShelter = st.wantsShelterAt !== undefined && this.now() - st.wantsShelterAt <= this.attachWindowMs;
    if (!hazard && !wantsShelter) return input.group ? [] : [T.locationNoted];
    const client = await this.clientFor(input, st);
    if (!client) return this.unknown(input, st);
    const out: string[] = [];
    if (hazard) {
      const where = `${loc.label ? `${loc.label} ` : ''}(${loc.lat.toFixed(6)}, ${loc.lng.toFixed(6)})`;
      const note = `补充位置：${where}`;
      out.push(
        ...(await this.call(() => client.post(`/api/hazards/${hazard.id}/actions`, { action: 'comment', note }), {
          ok: () => [T.locationAttached(hazard.code)],
        })),
      );
    }
    if (wantsShelter) {
      st.wantsShelterAt = undefined;
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
          st.session = undefined;
          st.explainedUnknown = false;
          return [T.bound(r.name)];
        },
      },
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
    if (!st.session || st.session.until <= now) {
      const value = await this.opts.sessions.open({
        channel: input.channel,
        externalUserId: input.sender.id,
        groupExternalId: input.group?.id,
      });
      st.session = value ? { value, until: now + SESSION_REUSE_MS } : undefined;
    }
    return st.session ? this.opts.api.as(st.session.value.token) : undefined;
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
    on: { ok: (r: R) => string[]; notFound?: Record<string, string[]>; forbidden?: string[] },
  ): Promise<string[]> {
    try {
      return on.ok(await fn());
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.status === 404) return on.notFound?.[e.code] ?? on.notFound?.['*'] ?? [T.notAvailable];
      if (e.status === 403) return on.forbidden ?? [T.forbidden];
      if (e.status === 401) return [T.unreachable];
      if (e.status >= 500) return [T.unreachable];
      return [T.failed(e.message)];
    }
  }
}

/** An ISO time as a date in Asia/Shanghai: 2024-06-30. */
export function day(iso?: string): string | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return undefined;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(d);
  return parts;
}
