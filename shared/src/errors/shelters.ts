/** Error codes of the shelters capability (see ../errors.ts). */
export const SHELTER_ERRORS = {} as const;
