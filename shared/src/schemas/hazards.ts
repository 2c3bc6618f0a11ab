import { z } from 'zod';

/** Request and answer schemas of the hazards capability (shared by the server, the bot and the mini-program). */
export const _hazardsPlaceholder = z.never().optional();
