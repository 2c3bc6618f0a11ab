/** Error codes of the drills capability (see ../errors.ts). */
export const DRILL_ERRORS = {} as const;
