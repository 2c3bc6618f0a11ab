/** Error codes of towns, their settings and the county (see ../errors.ts). */
export const TOWN_ERRORS = {
  TOWN_CODE_TAKEN: { status: 409, message: '该乡镇编码已被使用' },
  TOWN_CONFIG_INVALID: { status: 400, message: '设置不正确，请检查后重试' },
  COUNTY_READ_ONLY: { status: 403, message: '县应急局账号只能查看，不能修改乡镇数据（县级预警除外）' },
  COUNTY_TOWN_FORBIDDEN: { status: 403, message: '该乡镇不属于您所在的县' },
  COUNTY_NOT_SET: { status: 400, message: '该账号未设置所属县，请联系平台管理员' },
} as const;
