/** Error codes of webhook subscriptions (see ../errors.ts). */
export const WEBHOOK_ERRORS = {
  WEBHOOK_HTTPS_REQUIRED: { status: 400, message: '推送地址必须使用 HTTPS' },
  WEBHOOK_NOT_FOUND: { status: 404, message: '找不到该推送订阅' },
} as const;
