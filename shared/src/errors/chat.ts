/** Error codes of the chat capability (see ../errors.ts). */
export const CHAT_ERRORS = {} as const;
