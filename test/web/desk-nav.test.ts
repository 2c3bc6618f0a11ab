import { deskHome, deskNav, menuFor } from '../../miniprogram/src/services/session';

// Outside a Taro runtime: building the menus reaches no Taro API.
jest.mock('@tarojs/taro', () => ({ __esModule: true, default: {} }));

const titles = (items: { title: string }[]) => items.map((m) => m.title);

describe("the console's navigation by role", () => {
  it("does not offer a town's office the county board it would be refused", () => {
    for (const role of ['office', 'admin'] as const) {
      expect(titles(deskNav(role))[0]).toBe('值班台');
      expect(titles(deskNav(role))).not.toContain('县级看板');
      expect(titles(menuFor(role))).not.toContain('县级看板');
      expect(deskHome(role)).toBe('/office/duty/index');
      expect(titles(deskNav(role))).not.toContain('乡镇管理');
      expect(titles(menuFor(role))).not.toContain('乡镇管理');
    }
  });

  it('opens the county board first for the county', () => {
    expect(titles(deskNav('county')).slice(0, 2)).toEqual(['县级看板', '值班台']);
    expect(deskHome('county')).toBe('/admin/county/index');
  });

  it('gives the platform administrator 乡镇管理, and only that', () => {
    expect(titles(deskNav('platform'))).toEqual(['乡镇管理']);
    expect(titles(menuFor('platform'))).toEqual(['乡镇管理']);
    expect(deskHome('platform')).toBe('/admin/towns/index');
    expect(titles(deskNav('county'))).not.toContain('乡镇管理');
  });
});
