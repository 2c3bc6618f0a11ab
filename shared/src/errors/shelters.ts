/** Error codes of the shelters capability (shelters, hazard points, transfers, resources) (see ../errors.ts). */
export const SHELTER_ERRORS = {
  SHELTER_NOT_FOUND: { status: 404, message: '找不到该避难场所' },
  SHELTER_CODE_TAKEN: { status: 409, message: '避难场所编号已被使用' },
  HAZARD_POINT_NOT_FOUND: { status: 404, message: '找不到该隐患点（转移点）' },
  HAZARD_POINT_CODE_TAKEN: { status: 409, message: '隐患点编号已被使用' },
  TRANSFER_NO_PLAN: { status: 404, message: '未找到您负责的转移点' },
  IMPORT_FILE_INVALID: { status: 400, message: '无法读取上传的 Excel 文件' },
  IMPORT_TOO_MANY_ROWS: { status: 413, message: '文件行数太多，请分成几个文件导入' },
} as const;
