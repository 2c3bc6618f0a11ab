import { z } from 'zod';

/** Request and answer schemas of the drills capability (shared by the server, the bot and the mini-program). */
export const _drillsPlaceholder = z.never().optional();
