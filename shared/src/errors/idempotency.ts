/** Error codes of the Idempotency-Key machinery on create routes (see ../errors.ts). */
export const IDEMPOTENCY_ERRORS = {
  IDEMPOTENCY_KEY_INVALID: {
    status: 400,
    message: 'Idempotency-Key 请求头不正确：应为 1 到 255 个可见字符',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    message: '该 Idempotency-Key 已用于内容不同的另一次提交，请为新的操作使用新的 Key',
  },
  IDEMPOTENCY_IN_PROGRESS: {
    status: 409,
    message: '同一操作正在处理中，请稍后再试',
  },
} as const;
