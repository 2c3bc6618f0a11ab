/** Error codes of the incidents capability (see ../errors.ts). */
export const INCIDENT_ERRORS = {
  INCIDENT_NOT_FOUND: { status: 404, message: '找不到该事件' },
  INCIDENT_IN_FUTURE: { status: 400, message: '事发时间不能晚于当前时间' },
  INCIDENT_ALREADY_REPORTED_UP: { status: 409, message: '该事件已经上报' },
} as const;
