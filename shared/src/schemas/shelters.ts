import { z } from 'zod';

/** Request and answer schemas of the shelters capability (shared by the server, the bot and the mini-program). */
export const _sheltersPlaceholder = z.never().optional();
