import { z } from 'zod';

/** Request and answer schemas of the callouts capability (shared by the server, the bot and the mini-program). */
export const _calloutsPlaceholder = z.never().optional();
