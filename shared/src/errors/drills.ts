/** Error codes of the drills capability (see ../errors.ts). */
export const DRILL_ERRORS = {
  DRILL_NOT_FOUND: { status: 404, message: '找不到该演练' },
  DRILL_ALREADY_STARTED: { status: 409, message: '该演练已经开始' },
  DRILL_NOT_RUNNING: { status: 409, message: '该演练不在进行中' },
  DRILL_NONE_RUNNING: { status: 404, message: '您当前没有进行中的演练' },
  DRILL_NOT_PARTICIPANT: { status: 403, message: '您不是该演练的参演人员' },
  DRILL_NO_PARTICIPANTS: { status: 400, message: '该演练没有参演人员' },
  DRILL_PARTICIPANT_UNKNOWN: { status: 400, message: '参演人员中有不属于本镇的人员' },
} as const;
