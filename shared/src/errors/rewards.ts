/** Error codes of the rewards capability (see ../errors.ts). */
export const REWARD_ERRORS = {} as const;
