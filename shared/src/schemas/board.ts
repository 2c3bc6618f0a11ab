import { z } from 'zod';
import type { ApiClient } from '../client';

/**
 * The true delivery state of each person on a call-out or drill board: what the outbox really did
 * for them, not the escalation step the ladder reached. Order = the order on the board (the people
 * nobody reached first).
 */
export const BOARD_STATES = ['unreachable', 'failed', 'parked', 'waiting', 'sent', 'confirmed'] as const;
export const BoardState = z.enum(BOARD_STATES);
export type BoardState = z.infer<typeof BoardState>;

/** Why a delivery failed or waits (the outbox's parked reasons, plus `retrying`: failed once, will retry). */
export const BoardReason = z.enum([
  'max_attempts',
  'outcome_unknown',
  'invalid_recipient',
  'rejected',
  'not_configured',
  'retrying',
]);
export type BoardReason = z.infer<typeof BoardReason>;

export const PersonDelivery = z
  .object({
    userId: z.string(),
    name: z.string(),
    state: BoardState,
    /** sent: the channel that reached them; failed/parked/waiting: the channel tried; confirmed: how they answered. */
    channel: z.string().optional(),
    /** The message reached them through a group chat, not personally. */
    viaGroup: z.boolean().optional(),
    reason: BoardReason.optional(),
    /** The outbox's own Chinese explanation, when it has one. */
    detail: z.string().optional(),
    /** sent: when; confirmed: when they answered. */
    at: z.string().optional(),
    /** confirmed: the escalation step reached when they answered (notify … phone), or `checkin` for a drill. */
    stage: z.string().optional(),
    attempts: z.number().int().optional(),
    /** failed/parked: the delivery the office can send again (POST /api/outbox/:id/retry). */
    deliveryId: z.string().optional(),
  })
  .meta({ id: 'PersonDelivery' });
export type PersonDelivery = z.infer<typeof PersonDelivery>;

export const BoardDeliveries = z
  .object({
    items: z.array(PersonDelivery),
    counts: z.object({
      unreachable: z.number().int(),
      failed: z.number().int(),
      parked: z.number().int(),
      waiting: z.number().int(),
      sent: z.number().int(),
      confirmed: z.number().int(),
    }),
  })
  .meta({ id: 'BoardDeliveries' });
export type BoardDeliveries = z.infer<typeof BoardDeliveries>;

/** Typed helpers for the boards' delivery routes. */
export const boardApi = (c: ApiClient) => ({
  callout: (id: string) => c.get<BoardDeliveries>(`/api/callouts/${id}/deliveries`),
  drill: (id: string) => c.get<BoardDeliveries>(`/api/drills/${id}/deliveries`),
});
