/** Error codes of the tips capability (see ../errors.ts). */
export const TIP_ERRORS = {} as const;
