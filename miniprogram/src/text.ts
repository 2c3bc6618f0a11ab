/** Chinese text used across the app (page-specific labels stay next to their page). */
export const T = {
  appName: '十直镇应急',
  loading: '正在加载，请稍候…',
  empty: '暂无内容',
  retry: '重新加载',
  networkError: '网络不好，没有连上服务器',
  requestFailed: '操作没有成功，请稍后再试',
  sessionExpired: '登录已过期，请重新登录',
  forbidden: '您没有权限进行此操作',
  notAvailable: '此功能暂未开通',
  noPermissionPage: '您的身份不能使用此页面',
  backHome: '返回首页',
  login: '登录',
  logout: '退出登录',
  wechatLogin: '微信一键登录',
  username: '用户名',
  password: '密码',
  largeText: '大字模式',
  submit: '提交',
  submitting: '正在提交…',
  saved: '已保存',
  confirm: '确定',
  cancel: '取消',
  locationDenied: '没有获得位置权限，可以手动填写位置',
  locating: '正在获取位置…',
} as const;

/** Warning levels 红/橙/黄/蓝 with their colours. */
export const LEVELS = {
  red: { label: '红色预警', color: '#d0021b' },
  orange: { label: '橙色预警', color: '#f5760f' },
  yellow: { label: '黄色预警', color: '#d4a300' },
  blue: { label: '蓝色预警', color: '#1f6fd1' },
} as const;
export type WarningLevel = keyof typeof LEVELS;

/** Shanghai time for display: "11月29日 14:05". */
export function formatTime(iso: string | undefined | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const sh = new Date(d.getTime() + (8 * 60 + d.getTimezoneOffset()) * 60000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${sh.getMonth() + 1}月${sh.getDate()}日 ${pad(sh.getHours())}:${pad(sh.getMinutes())}`;
}

export function formatDistance(m: number): string {
  return m < 1000 ? `${Math.round(m)} 米` : `${(m / 1000).toFixed(1)} 公里`;
}
