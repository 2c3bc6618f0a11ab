/** Error codes of the callouts capability (see ../errors.ts). */
export const CALLOUT_ERRORS = {
  CALLOUT_NOT_FOUND: { status: 404, message: '找不到该预警' },
  CALLOUT_NONE_OPEN: { status: 404, message: '您当前没有待确认的预警' },
  CALLOUT_NOT_RECIPIENT: { status: 403, message: '您不在该预警的叫应名单中' },
  CALLOUT_NO_RECIPIENTS: { status: 400, message: '该范围内没有可叫应的人员' },
  CALLOUT_AREA_UNKNOWN: { status: 400, message: '预警范围中有不存在的村（社区）或网格' },
  CALLOUT_RECIPIENT_UNKNOWN: { status: 400, message: '叫应名单中有不存在或已停用的人员' },
  CALLOUT_CLOSED: { status: 409, message: '该预警已结束' },
  CALLOUT_STAGE_COUNT_REQUIRED: { status: 400, message: '请填写已转移人数' },
  CALLOUT_CONTACT_NOT_FOUND: { status: 404, message: '该预警中没有这位特殊群体的一对一叫应' },
  RESIDENT_NOT_FOUND: { status: 404, message: '找不到该特殊群体人员' },
  RESIDENT_RESPONSIBLE_INVALID: { status: 400, message: '包保责任人不存在或不是本镇工作人员' },
  CAP_INVALID: { status: 400, message: 'CAP 预警格式不正确（不符合 CAP 1.2 规范）' },
  CAP_STATUS_UNSUPPORTED: { status: 400, message: '只能导入状态为“实际”或“演练”的 CAP 预警' },
  CAP_MSGTYPE_UNSUPPORTED: { status: 400, message: '只能导入“发布”或“更新”类型的 CAP 预警' },
  CAP_AREA_UNMATCHED: { status: 400, message: 'CAP 预警的区域与本镇的村（社区）、网格都对不上' },
  CAP_DUPLICATE: { status: 409, message: '该 CAP 预警已导入过' },
} as const;
