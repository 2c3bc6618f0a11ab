import type { Role, UserOut } from '@yingji/shared';

export type Person = UserOut;
export interface Village {
  id: string;
  code: string;
  name: string;
}
export interface Grid {
  id: string;
  code: string;
  name: string;
  villageId: string;
}
export interface Places {
  villages: Village[];
  grids: Grid[];
}

/** The roles a town's console gives its staff (residents register themselves). */
export const STAFF_ROLE_OPTIONS: Role[] = ['grid', 'cadre', 'office', 'admin'];

/** A person as the add and edit forms hold it: every field a string, places by id. */
export interface Draft {
  username: string;
  password: string;
  role: Role;
  name: string;
  phone: string;
  villageId?: string;
  gridIds: string[];
  superiorId?: string;
  wecomUserId: string;
  department: string;
}

export const emptyDraft = (): Draft => ({
  username: '',
  password: '',
  role: 'grid',
  name: '',
  phone: '',
  gridIds: [],
  wecomUserId: '',
  department: '',
});

export const draftOf = (p: Person): Draft => ({
  username: p.username,
  password: '',
  role: p.role,
  name: p.name,
  phone: p.phone ?? '',
  villageId: p.villageId,
  gridIds: [...p.gridIds],
  superiorId: p.superiorId,
  wecomUserId: p.wecomUserId ?? '',
  department: p.department ?? '',
});

/** The body of POST /api/users: the roster names places by code and the superior by username. */
export function createBody(d: Draft, places: Places, staff: Person[]) {
  const opt = (s: string) => s.trim() || undefined;
  return {
    username: d.username.trim(),
    password: d.password,
    role: d.role,
    name: d.name.trim(),
    phone: opt(d.phone),
    village: places.villages.find((v) => v.id === d.villageId)?.code,
    grids: d.gridIds.map((id) => places.grids.find((g) => g.id === id)?.code).filter((c): c is string => !!c),
    superior: staff.find((p) => p.id === d.superiorId)?.username,
    wecomUserId: opt(d.wecomUserId),
    department: opt(d.department),
  };
}

/** The body of PATCH /api/users/:id: only what changed; a cleared field is sent as null. */
export function patchBody(before: Person, d: Draft): Record<string, unknown> {
  const b = draftOf(before);
  const out: Record<string, unknown> = {};
  const text = (k: 'name' | 'phone' | 'wecomUserId' | 'department', nullable: boolean) => {
    const v = d[k].trim();
    if (v !== b[k]) out[k] = v || (nullable ? null : v);
  };
  text('name', false);
  text('phone', true);
  text('wecomUserId', true);
  text('department', true);
  if (d.role !== b.role) out.role = d.role;
  if (d.villageId !== b.villageId) out.villageId = d.villageId ?? null;
  if ([...d.gridIds].sort().join() !== [...b.gridIds].sort().join()) out.gridIds = d.gridIds;
  if (d.superiorId !== b.superiorId) out.superiorId = d.superiorId ?? null;
  if (d.password) out.password = d.password;
  return out;
}
