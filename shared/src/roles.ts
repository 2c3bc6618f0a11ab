/** Roles of the product's users (DOMAIN.md "Who uses the product"). */
export const ROLES = ['resident', 'grid', 'cadre', 'office', 'admin', 'county', 'platform'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  resident: '群众',
  grid: '网格员',
  cadre: '镇村干部',
  office: '镇应急办',
  admin: '系统管理员',
  county: '县应急局',
  platform: '平台管理员',
};

/** Staff: everyone who works for the town, as opposed to residents. */
export const STAFF_ROLES: readonly Role[] = ['grid', 'cadre', 'office', 'admin'];
/**
 * The office and admins run the town: triage, warnings, drills, rewards, exports. The county
 * bureau sees what the office sees, in every town of its county, but the server refuses it every
 * write except a county warning (server/src/core/auth.ts), so office reads include it.
 */
export const OFFICE_ROLES: readonly Role[] = ['office', 'admin', 'county'];
/** Who manages a town's places, people and settings. */
export const TOWN_ADMIN_ROLES: readonly Role[] = ['office', 'admin'];

export function isStaff(role: Role): boolean {
  return STAFF_ROLES.includes(role);
}
export function isOffice(role: Role): boolean {
  return OFFICE_ROLES.includes(role);
}
