/** Error codes of the outbox capability (see ../errors.ts). */
export const OUTBOX_ERRORS = {} as const;
