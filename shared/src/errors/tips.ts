/** Error codes of the tips capability (see ../errors.ts). */
export const TIP_ERRORS = {
  TIP_NOT_FOUND: { status: 404, message: '找不到该举报' },
  TIP_RATE_LIMITED: { status: 429, message: '举报提交太频繁，请稍后再试' },
  TIP_ALREADY_TRIAGED: { status: 409, message: '该举报已经处理过了' },
  TIP_REJECT_REASON_REQUIRED: { status: 400, message: '不予受理时请填写理由，举报人会看到该理由' },
  TIP_DUPLICATE_HAZARD_REQUIRED: { status: 400, message: '标记为重复举报时请选择对应的隐患' },
  LOCATION_OUTSIDE_TOWN: { status: 400, message: '所选位置不在本镇范围内，请重新选择' },
} as const;
