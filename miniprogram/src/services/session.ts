import Taro from '@tarojs/taro';
import { isOffice, isStaff, type LoginResponse, type Role, type SessionUser } from '@yingji/shared';
import { api, setToken } from './api';

const USER_KEY = 'yj.user';

export function currentUser(): SessionUser | undefined {
  const u = Taro.getStorageSync(USER_KEY) as SessionUser | '';
  return u && api().token ? u : undefined;
}

function remember(res: LoginResponse): SessionUser {
  setToken(res.token);
  Taro.setStorageSync(USER_KEY, res.user);
  return res.user;
}

export async function loginWithPassword(username: string, password: string): Promise<SessionUser> {
  return remember(await api().login({ username: username.trim(), password }));
}

/** WeChat: wx.login gives a one-time code, the server swaps it for the user's openid. */
export async function loginWithWechat(): Promise<SessionUser> {
  const { code } = await Taro.login();
  return remember(await api().loginWechat({ code }));
}

export function logout(): void {
  setToken(undefined);
  Taro.removeStorageSync(USER_KEY);
}

export type Audience = 'resident' | 'field' | 'office';

/** Which group of pages a role uses. */
export function audienceOf(role: Role): Audience {
  if (isOffice(role)) return 'office';
  if (isStaff(role)) return 'field';
  return 'resident';
}

export interface MenuItem {
  title: string;
  hint: string;
  url: string;
  /** The tile's colour (a big first character in it stands for the icon). */
  color: string;
}

const RESIDENT: MenuItem[] = [
  { title: '随手拍', hint: '拍照举报安全隐患', url: '/pages/report/index', color: '#c0392b' },
  { title: '我的举报', hint: '查看处理进度和奖励', url: '/pages/mine/index', color: '#1f6fd1' },
  { title: '预警', hint: '正在生效的预警', url: '/pages/warnings/index', color: '#d4a300' },
  { title: '附近避难场所', hint: '最近的避难点和路线', url: '/pages/shelters/index', color: '#2e8b57' },
];

const FIELD: MenuItem[] = [
  { title: '待确认', hint: '预警叫应，点“收到”', url: '/staff/callouts/index', color: '#8e44ad' },
  { title: '演练签到', hint: '演练或集结时签到', url: '/staff/checkin/index', color: '#e67e22' },
  { title: '隐患上报', hint: '现场发现的隐患', url: '/staff/hazard-new/index', color: '#16a085' },
  { title: '我负责的隐患', hint: '提交整改照片', url: '/staff/hazards/index', color: '#c0392b' },
  { title: '一对一', hint: '联系包保的特殊群体', url: '/staff/care/index', color: '#1f6fd1' },
  { title: '转移上报', hint: '上报已转移人数', url: '/staff/transfer/index', color: '#d4a300' },
  { title: '附近避难场所', hint: '最近的避难点', url: '/pages/shelters/index', color: '#2e8b57' },
];

const OFFICE: MenuItem[] = [
  { title: '举报审核', hint: '受理、驳回、合并重复', url: '/office/triage/index', color: '#8e44ad' },
  { title: '隐患清单', hint: '筛选、详情、交办、销号', url: '/office/hazards/index', color: '#e67e22' },
  { title: '预警叫应', hint: '发布预警，实时看确认', url: '/office/warnings/index', color: '#16a085' },
  { title: '演练', hint: '发起演练，实时签到看板', url: '/office/drills/index', color: '#c0392b' },
  { title: '转移安置', hint: '转移进展和避难场所安置', url: '/office/evacuation/index', color: '#0e7490' },
  { title: '突发事件', hint: '登记、一小时内上报', url: '/office/incidents/index', color: '#b91c1c' },
  { title: '发送失败', hint: '没有送达的消息，重发', url: '/office/outbox/index', color: '#7c3aed' },
  { title: '全镇地图', hint: '村界、网格、资源和隐患一张图', url: '/office/map/index', color: '#0f766e' },
  { title: '应急资源', hint: '避难场所、救援队伍、装备', url: '/office/resources/index', color: '#15803d' },
  { title: '包保对象', hint: '特殊群体和包保责任人', url: '/office/vulnerable/index', color: '#be185d' },
  { title: '举报奖励', hint: '审核、调整、发放', url: '/office/rewards/index', color: '#1f6fd1' },
  { title: '查看记录', hint: '谁查看过举报人身份', url: '/office/audit/index', color: '#475569' },
  { title: '统计图表', hint: '隐患和工作统计', url: '/office/stats/index', color: '#d4a300' },
  { title: '数据导出', hint: '下载 Excel，导入 CAP 预警', url: '/office/exports/index', color: '#2e8b57' },
  { title: '村与网格', hint: '村（社区）、网格边界、群绑定码', url: '/admin/places/index', color: '#0f766e' },
  { title: '人员', hint: '工作人员、所属村和网格、上级、停用交接', url: '/admin/staff/index', color: '#0e7490' },
  { title: '群与绑定码', hint: '微信群、群机器人、我的绑定码', url: '/admin/groups/index', color: '#4338ca' },
  { title: '本镇设置', hint: '期限、叫应时限、奖励、权重', url: '/admin/settings/index', color: '#9a3412' },
  { title: '操作日志', hint: '谁在何时改了什么', url: '/admin/audit/index', color: '#334155' },
  { title: '系统对接', hint: '接口密钥、事件推送、应急广播', url: '/admin/integrations/index', color: '#0369a1' },
  { title: '县级看板', hint: '县应急局：各镇并排', url: '/admin/county/index', color: '#7f1d1d' },
];

/** The platform administrator runs the towns, not one town: 乡镇管理 is their whole console. */
const TOWNS: MenuItem = {
  title: '乡镇管理',
  hint: '新建乡镇，添加第一位管理员',
  url: '/admin/towns/index',
  color: '#1e3a8a',
};

/** The console's side navigation at a desk: 值班台 first, then every office page. */
export const DESK_HOME = '/office/duty/index';
const COUNTY_BOARD = '/admin/county/index';
const watchesTowns = (role?: Role) => role === 'county' || role === 'platform';

/** Where the console opens: the county's board for the county, 值班台 for a town's office. */
export function deskHome(role?: Role): string {
  if (role === 'platform') return TOWNS.url;
  return watchesTowns(role) ? COUNTY_BOARD : DESK_HOME;
}

/** The county board only for those who watch several towns (a town's office is refused it). */
function officePages(role?: Role): MenuItem[] {
  const board = OFFICE.filter((m) => m.url === COUNTY_BOARD);
  const rest = OFFICE.filter((m) => m.url !== COUNTY_BOARD);
  return watchesTowns(role) ? [...board, ...rest] : rest;
}

export function deskNav(role?: Role): MenuItem[] {
  if (role === 'platform') return [TOWNS];
  const duty: MenuItem = { title: '值班台', hint: '现在需要处理的事', url: DESK_HOME, color: '#c0392b' };
  const pages = officePages(role);
  return watchesTowns(role) ? [pages[0]!, duty, ...pages.slice(1)] : [duty, ...pages];
}

export function menuFor(role: Role): MenuItem[] {
  if (role === 'platform') return [TOWNS];
  const a = audienceOf(role);
  return a === 'office' ? officePages(role) : a === 'field' ? FIELD : RESIDENT;
}
