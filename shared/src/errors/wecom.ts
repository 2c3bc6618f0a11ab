/** Error codes of the wecom capability (see ../errors.ts). */
export const WECOM_ERRORS = {} as const;
