/** Error codes of the hazards capability (see ../errors.ts). */
export const HAZARD_ERRORS = {
  HAZARD_NOT_FOUND: { status: 404, message: '找不到该隐患' },
  HAZARD_TRANSITION_NOT_ALLOWED: { status: 409, message: '当前状态不允许该操作' },
  HAZARD_ASSIGNEE_REQUIRED: { status: 400, message: '交办时请指定责任人' },
  HAZARD_ASSIGNEE_INVALID: { status: 400, message: '责任人须为本镇的工作人员' },
  HAZARD_PHOTO_REQUIRED: { status: 400, message: '提交整改时请至少上传一张整改照片' },
  HAZARD_REASON_REQUIRED: { status: 400, message: '请填写原因' },
  HAZARD_DEADLINE_INVALID: { status: 400, message: '整改期限不能早于当前时间' },
  HAZARD_CLOSE_EVIDENCE_REQUIRED: { status: 400, message: '复核销号须填写复核意见，并至少上传一张复核照片' },
} as const;
