/** Error codes of the rewards capability (see ../errors.ts). */
export const REWARD_ERRORS = {
  REWARD_NOT_FOUND: { status: 404, message: '找不到该奖励记录' },
  REWARD_DECISION_NOT_ALLOWED: { status: 409, message: '当前状态不允许该奖励操作' },
  REWARD_REASON_REQUIRED: { status: 400, message: '调整或不予奖励时请填写理由' },
  REWARD_AMOUNT_REQUIRED: { status: 400, message: '调整奖励时请填写新的金额' },
} as const;
