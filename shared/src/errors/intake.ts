/** Error codes of machine intake (video alarms, Open311, CAP) (see ../errors.ts). */
export const INTAKE_ERRORS = {
  SNAPSHOT_FETCH_FAILED: { status: 422, message: '无法获取告警截图（地址无效、超时或不是图片）' },
  SNAPSHOT_TOO_LARGE: { status: 413, message: '告警截图太大（最大 5 MB）' },
  SNAPSHOT_ADDRESS_REFUSED: { status: 422, message: '告警截图地址不允许访问（内网、本机或链路本地地址）' },
  ALARM_BUSY: { status: 409, message: '同一摄像头的告警正在处理，请稍后重试' },
} as const;
