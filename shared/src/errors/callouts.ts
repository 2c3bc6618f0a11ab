/** Error codes of the callouts capability (see ../errors.ts). */
export const CALLOUT_ERRORS = {} as const;
