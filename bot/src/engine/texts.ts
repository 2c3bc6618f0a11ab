/** Every line the bot says, in one place (Simplified Chinese). */
export const T = {
  help: [
    '可用指令：',
    '· 收到 / 已阅 —— 确认预警（叫应；在群里确认发到本群的预警）',
    '· 签到 —— 演练或集结签到',
    '· 隐患 描述 位置：地点 —— 上报隐患，5 分钟内可补发照片或位置',
    '· 查 隐患编号 —— 查询整改进度和期限',
    '· 已转移 12 人 —— 上报转移人数（预警期间）',
    '· 已到岗 / 转移完成 —— 报告预警响应进展',
    '· 最近的避难场所 —— 先发送位置，再查询附近避难场所',
    '· 帮助 —— 查看本说明',
  ].join('\n'),
  unknownSender:
    '您好，您的微信尚未绑定应急管理系统账号。请登录“应急管理”小程序或网页控制台获取 6 位绑定码（10 分钟内有效），然后在这里发送“绑定 绑定码”，例如：绑定 123456。',
  unknownSenderWecom: '您好，您的企业微信账号尚未登记到应急管理系统，请联系镇应急办登记后再使用。',
  bindOnlyWechat: '企业微信账号由镇应急办统一登记，无需绑定。',
  groupBound: (place: string) => `本群已绑定到${place}，预警和通知将发到本群。`,
  bindGroupInGroup: '请在要绑定的微信群里发送“绑定群 绑定码”（绑定码在网页控制台“群绑定”中获取）。',
  bound: (name: string) => `绑定成功，${name}，您好！发送“帮助”查看可用指令。`,
  notUnderstood: '没看懂您的意思。发送“帮助”查看可用指令。',
  hazardNeedsDescription: '请在“隐患”后写明情况，例如：隐患 桥头路面塌陷 位置：双河村三组。',
  /** A report without a pin: it waits for its place, and the bot asks for it. */
  hazardCreated: (code: string, minutes: number) =>
    `已登记隐患 ${code}，镇应急办将尽快处理。请在 ${minutes} 分钟内发送现场位置（聊天窗口“＋ → 位置”），也可补发现场照片；发送“查 ${code}”查看进度。`,
  /** A report that took the location just sent: it waits for nothing but photos. */
  hazardCreatedWithPlace: (code: string, minutes: number) =>
    `已登记隐患 ${code}，已附上您刚发送的位置，镇应急办将尽快处理。${minutes} 分钟内可补发现场照片；发送“查 ${code}”查看进度。`,
  photoAttached: (code: string) => `已为隐患 ${code} 补充照片。`,
  photoWithoutHazard: '如需上报隐患，请先发送“隐患 描述”，再补发照片。',
  locationAttached: (code: string) => `已为隐患 ${code} 补充位置。`,
  locationNoted: '已记录您的位置。发送“最近的避难场所”可查询附近的避难场所。',
  locationNotAttached: (code: string) =>
    `隐患 ${code} 已有位置，这次的位置没有补充进去。如需查询最近的避难场所，请发送“最近的避难场所”。`,
  hazardStatus: (code: string, status: string, deadline?: string, overdue?: boolean) =>
    `隐患 ${code}：${status}${deadline ? `，整改期限 ${deadline}` : ''}${overdue ? '（已逾期）' : ''}。`,
  hazardNotFound: (code: string) => `找不到编号为 ${code} 的隐患，请核对编号。`,
  hazardForbidden: (code: string) => `您没有权限查看隐患 ${code}。`,
  acked: (title?: string) => (title ? `已确认收到“${title}”，谢谢！` : '已确认收到，谢谢！'),
  alreadyAcked: (title: string, when: string) => `您已于 ${when} 确认收到“${title}”，无需重复回复。`,
  noOpenCallout: '您目前没有需要确认的预警。',
  atPostRecorded: (title: string, when: string) => `已记录您到岗（“${title}”），时间 ${when}。`,
  atPostAlready: (title: string, when: string) => `您已于 ${when} 报告到岗（“${title}”），以第一次为准。`,
  transferDoneRecorded: (title: string, count?: number) =>
    `已记录“${title}”转移完成${count !== undefined ? `，共转移 ${count} 人` : ''}，谢谢！`,
  /** 转移完成 with no number and no people reported moved: recorded, and how to give the number. */
  transferDoneNoCount: (title: string) =>
    `已记录“${title}”转移完成，谢谢！如需报告转移人数，请发送“转移完成 N 人”，例如：转移完成 12 人。`,
  transferDoneAlready: (title: string, when: string, count?: number) =>
    `您已于 ${when} 报告“${title}”转移完成${count !== undefined ? `，转移人数按 ${count} 人记录` : ''}。`,
  noCalloutForStage: '您目前没有需要报告到岗或转移完成的预警。',
  checkedIn: (title: string, seconds: number, already: boolean) =>
    already ? `您已在“${title}”签到过，以第一次签到为准。` : `“${title}”签到成功，用时 ${duration(seconds)}。`,
  noRunningDrill: '目前没有进行中的演练或集结。',
  transferRecorded: (count: number, total?: number, planned?: number) =>
    `已记录转移 ${count} 人${total !== undefined && planned ? `（累计 ${total}/${planned} 人）` : ''}，谢谢！`,
  noTransferTask: '您目前没有需要上报的转移任务。',
  transferNoWarning: '目前没有对您生效的预警，转移人数未记录。预警发布后再上报，或联系镇应急办。',
  askLocation: '请发送您的位置（聊天窗口“＋ → 位置”），我来查找最近的避难场所。',
  nearestShelter: (name: string, distanceM: number, address?: string, phone?: string) =>
    `离您最近的避难场所：${name}，约 ${distanceText(distanceM)}${address ? `，地址：${address}` : ''}${phone ? `，联系电话 ${phone}` : ''}。`,
  noShelter: '附近暂无登记的避难场所，请听从村（社区）干部安排。',
  notAvailable: '该功能暂未开通，请联系镇应急办。',
  forbidden: '您没有权限进行该操作。',
  failed: (message: string) => `操作未成功：${message}`,
  unreachable: '系统暂时无法访问，请稍后再试。',
};

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return m > 0 ? `${m} 分 ${s % 60} 秒` : `${s} 秒`;
}

function distanceText(m: number): string {
  return m >= 1000 ? `${(m / 1000).toFixed(1)} 公里` : `${Math.round(m)} 米`;
}
