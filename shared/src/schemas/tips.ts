import { z } from 'zod';

/** Request and answer schemas of the tips capability (shared by the server, the bot and the mini-program). */
export const _tipsPlaceholder = z.never().optional();
