/** Error codes of subscription messages and the content check (see ../errors.ts). */
export const SUBSCRIPTION_ERRORS = {
  SUBSCRIBE_TEMPLATE_UNKNOWN: { status: 400, message: '该订阅消息模板不是本镇使用的模板' },
  SUBSCRIBE_RESIDENTS_ONLY: { status: 403, message: '订阅消息仅面向通过微信登录的群众' },
  WECHAT_PUSH_SIGNATURE_INVALID: { status: 401, message: '微信消息推送签名不正确' },
  WECHAT_PUSH_NOT_CONFIGURED: { status: 503, message: '未配置微信消息推送（WECHAT_PUSH_TOKEN）' },
} as const;
