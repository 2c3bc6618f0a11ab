import { z } from 'zod';

/** Request and answer schemas of the rewards capability (shared by the server, the bot and the mini-program). */
export const _rewardsPlaceholder = z.never().optional();
