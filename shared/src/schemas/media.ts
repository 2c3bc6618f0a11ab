import { z } from 'zod';

/** Request and answer schemas of the media capability (shared by the server, the bot and the mini-program). */
export const _mediaPlaceholder = z.never().optional();
