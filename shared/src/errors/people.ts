/** Error codes of places, people and chat groups (see ../errors.ts). */
export const PEOPLE_ERRORS = {
  TOWN_REQUIRED: {
    status: 400,
    message: '系统中有多个乡镇，请指定乡镇编码（命令行用 --town，服务用 DEFAULT_TOWN）',
  },
  VILLAGE_NAME_TAKEN: { status: 409, message: '本镇已有同名的村（社区）' },
  VILLAGE_HAS_ACTIVE_GRIDS: { status: 409, message: '该村（社区）还有未撤销的网格，请先撤销或移走网格' },
  VILLAGE_GROUP_NOT_FOUND: { status: 404, message: '找不到该村民小组' },
  VILLAGE_GROUP_NAME_TAKEN: { status: 409, message: '该村（社区）已有同名的村民小组' },
  GRID_NAME_TAKEN: { status: 409, message: '本镇已有同名或同编码的网格' },
  GRID_BOUNDARY_INVALID: { status: 400, message: '网格边界不正确：需要至少 3 个不同的角点，且首尾相接' },
  GRID_BOUNDARY_SELF_INTERSECTS: { status: 400, message: '网格边界自相交（边线交叉），请重新画' },
  GRID_BOUNDARY_OVERLAPS: { status: 409, message: '网格边界与已有网格重叠，请调整边界' },
  GROUP_BIND_CODE_INVALID: { status: 400, message: '群绑定码不正确或已过期，请在控制台重新获取' },
  GROUP_BIND_NOT_ALLOWED: { status: 403, message: '只有本镇工作人员可以绑定群，请先发送“绑定 绑定码”绑定您的微信' },
  CHAT_GROUP_NOT_FOUND: { status: 404, message: '找不到该群' },
  CHAT_GROUP_TAKEN: { status: 409, message: '该群或机器人已登记' },
  SUCCESSOR_INVALID: { status: 400, message: '接替人须是本镇在岗的工作人员，且不能是本人' },
  ROLE_NOT_ASSIGNABLE: { status: 403, message: '不能在本镇添加或改为该角色' },
  PLACES_IMPORT_INVALID: { status: 400, message: '文件无法读取：请上传 GeoJSON、KML 或 Excel 角点表' },
  PLACES_IMPORT_REJECTED: { status: 422, message: '有行被拒绝，整个文件未导入；请按报告修改后重新导入' },
} as const;
