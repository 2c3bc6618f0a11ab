/** Error codes of the media capability (see ../errors.ts). */
export const MEDIA_ERRORS = {} as const;
