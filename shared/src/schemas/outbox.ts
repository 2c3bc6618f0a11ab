import { z } from 'zod';

/** Request and answer schemas of the outbox capability (shared by the server, the bot and the mini-program). */
export const _outboxPlaceholder = z.never().optional();
