import { z } from 'zod';

/** Request and answer schemas of the incidents capability (shared by the server, the bot and the mini-program). */
export const _incidentsPlaceholder = z.never().optional();
