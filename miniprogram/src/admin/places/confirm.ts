import Taro from '@tarojs/taro';

/** Ask before retiring a place: its grid members, groups and routing stop with it. */
export async function confirmRetire(name: string, what: string): Promise<boolean> {
  const r = await Taro.showModal({
    title: `撤销${what}`,
    content: `确定撤销“${name}”吗？撤销后新的举报不再分到这里。`,
  });
  return r.confirm;
}
