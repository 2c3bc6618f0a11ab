/** Error codes of API keys (see ../errors.ts). */
export const API_KEY_ERRORS = {
  API_KEY_INVALID: { status: 401, message: '接口密钥无效或已停用' },
  API_KEY_SCOPE_MISSING: { status: 403, message: '该接口密钥没有此项权限' },
  API_KEY_RATE_LIMITED: { status: 429, message: '该接口密钥调用太频繁，请稍后再试' },
  API_KEY_NOT_FOUND: { status: 404, message: '找不到该接口密钥' },
} as const;
