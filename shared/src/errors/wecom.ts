/** Error codes of the wecom capability (see ../errors.ts). */
export const WECOM_ERRORS = {
  WECOM_NOT_CONFIGURED: { status: 503, message: '企业微信应用暂未配置，请联系系统管理员' },
} as const;
