import { z } from 'zod';

/** Request and answer schemas of the chat capability (shared by the server, the bot and the mini-program). */
export const _chatPlaceholder = z.never().optional();
