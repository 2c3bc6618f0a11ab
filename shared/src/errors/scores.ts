/** Error codes of the scores capability (see ../errors.ts). */
export const SCORE_ERRORS = {} as const;
