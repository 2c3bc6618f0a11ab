/** Error codes of the chat capability (see ../errors.ts). */
export const CHAT_ERRORS = {
  CHAT_SENDER_UNKNOWN: { status: 404, message: '该聊天账号尚未绑定系统用户' },
  CHAT_BIND_CODE_INVALID: { status: 400, message: '绑定码不正确或已过期，请在小程序中重新获取' },
  CHAT_BIND_TOO_MANY_ATTEMPTS: { status: 429, message: '绑定尝试次数过多，请稍后再试' },
  CHAT_TRANSFER_NO_WARNING: {
    status: 409,
    message: '目前没有对您生效的预警，转移人数未记录。预警发布后再上报，或联系镇应急办',
  },
  WECOM_CALLBACK_NOT_CONFIGURED: { status: 503, message: '企业微信回调尚未配置' },
  WECOM_CALLBACK_SIGNATURE_INVALID: { status: 403, message: '企业微信回调签名校验失败' },
  WECOM_CALLBACK_CORP_MISMATCH: { status: 403, message: '企业微信回调的企业标识不符' },
  WECOM_CALLBACK_BODY_INVALID: { status: 400, message: '企业微信回调内容无法解析' },
  WECOM_CALLBACK_STALE: { status: 403, message: '企业微信回调的时间戳超出允许范围（可能是重放）' },
  WECOM_CALLBACK_BUSY: { status: 503, message: '企业微信回调处理繁忙，请稍后重试' },
} as const;
