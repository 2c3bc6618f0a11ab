/** Error codes of the scores capability (see ../errors.ts). */
export const SCORE_ERRORS = {
  SCORE_MONTH_INVALID: { status: 400, message: '月份格式应为 YYYY-MM' },
} as const;
