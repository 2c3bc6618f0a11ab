import { z } from 'zod';

/** Request and answer schemas of the scores capability (shared by the server, the bot and the mini-program). */
export const _scoresPlaceholder = z.never().optional();
