/** Error codes of the hazards capability (see ../errors.ts). */
export const HAZARD_ERRORS = {} as const;
