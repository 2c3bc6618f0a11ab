import { AppError, isStaff, type Role, type UserUpdate } from '@yingji/shared';
import { Types } from 'mongoose';
import { audit } from '../audit/service';
import { hashPassword } from '../auth/passwords';
import { VulnerableResidentModel } from '../callouts/callout.model';
import type { AppServices, Caller } from '../core/context';
import { createBindCode } from '../chat/service';
import { HazardModel } from '../hazards/hazard.model';
import { GridModel, UserModel, VillageModel } from './models';
import { wecomUserIdTaken } from './wecom-ids';

/** Roles a town's own office and admin may give (county and platform accounts come from the platform). */
const TOWN_ROLES: Role[] = ['resident', 'grid', 'cadre', 'office', 'admin'];
const oid = (s: string) => new Types.ObjectId(s);

export function assertAssignableRole(caller: Caller, role: Role): void {
  if (!TOWN_ROLES.includes(role)) throw new AppError('ROLE_NOT_ASSIGNABLE');
  if (!mayAssignRole(caller, role)) throw new AppError('FORBIDDEN');
}

/** Whether the caller may give a town role (only an administrator makes administrators). */
export function mayAssignRole(caller: Caller, role: Role): boolean {
  return TOWN_ROLES.includes(role) && (role !== 'admin' || caller.role === 'admin');
}

const rosterFields = (u: Record<string, unknown>) => ({
  name: u.name,
  role: u.role,
  phone: u.phone ? '（已填写）' : undefined,
  village: u.village ? String(u.village) : undefined,
  grids: ((u.grids as unknown[]) ?? []).map(String),
  superior: u.superior ? String(u.superior) : undefined,
  wecomUserId: u.wecomUserId,
  department: u.department,
  active: u.active,
});

/** Edit any roster field of a person of the caller's town; places and superior must be of the town. */
export async function updateUser(
  services: Pick<AppServices, 'clock' | 'config'>,
  caller: Caller,
  id: string,
  input: UserUpdate,
) {
  const user = await UserModel.findOne({ _id: oid(id), town: caller.town }).lean();
  if (!user) throw new AppError('USER_NOT_FOUND');
  if (user.role === 'admin' && caller.role !== 'admin') throw new AppError('FORBIDDEN');
  if (!TOWN_ROLES.includes(user.role as Role)) throw new AppError('ROLE_NOT_ASSIGNABLE');
  if (input.role) assertAssignableRole(caller, input.role);
  const set: Record<string, unknown> = {};
  const unset: Record<string, 1> = {};
  const put = (k: string, v: unknown) => {
    if (v === null) unset[k] = 1;
    else if (v !== undefined) set[k] = v;
  };
  put('name', input.name);
  put('role', input.role);
  put('phone', input.phone);
  put('department', input.department);
  if (input.wecomUserId) {
    // One person per WeCom account within the corp (towns of one corp share its userids).
    if (await wecomUserIdTaken(services.config, user.town, input.wecomUserId, user._id))
      throw new AppError('WECOM_USER_ID_TAKEN');
  }
  put('wecomUserId', input.wecomUserId);
  if (input.villageId) {
    if (!(await VillageModel.exists({ _id: oid(input.villageId), town: caller.town })))
      throw new AppError('VILLAGE_NOT_FOUND');
  }
  put('village', input.villageId === null ? null : input.villageId ? oid(input.villageId) : undefined);
  if (input.gridIds) {
    const grids = await GridModel.find({ _id: { $in: input.gridIds.map(oid) }, town: caller.town }).lean();
    if (grids.length !== new Set(input.gridIds).size) throw new AppError('GRID_NOT_FOUND');
    set.grids = grids.map((g) => g._id);
    if (!input.villageId && !user.village && grids[0]) set.village = grids[0].village;
  }
  if (input.superiorId) {
    if (input.superiorId === id) throw new AppError('VALIDATION_FAILED', { message: '上级不能是本人' });
    if (!(await UserModel.exists({ _id: oid(input.superiorId), town: caller.town })))
      throw new AppError('USER_NOT_FOUND', { message: '找不到该上级' });
  }
  put('superior', input.superiorId === null ? null : input.superiorId ? oid(input.superiorId) : undefined);
  if (input.password) set.passwordHash = await hashPassword(input.password);
  const after = await UserModel.findOneAndUpdate(
    { _id: user._id, town: caller.town },
    { ...(Object.keys(set).length ? { $set: set } : {}), ...(Object.keys(unset).length ? { $unset: unset } : {}) },
    { returnDocument: 'after' },
  ).lean();
  await audit(services, caller.town, caller, 'user.update', {
    target: user.username,
    before: rosterFields(user),
    after: { ...rosterFields(after!), ...(input.password ? { password: '（已重置）' } : {}) },
  });
  return after!;
}

/**
 * Deactivate a person, handing their open hazards, the vulnerable residents they are responsible
 * for (包保) and the people reporting to them to a named successor, so nothing is orphaned.
 * Without anything to hand over, no successor is needed.
 */
export async function deactivateUser(
  services: Pick<AppServices, 'clock'>,
  caller: Caller,
  id: string,
  successorId?: string,
): Promise<{ hazardsHandedOver: number; residentsHandedOver: number }> {
  const user = await UserModel.findOne({ _id: oid(id), town: caller.town }).lean();
  if (!user) throw new AppError('USER_NOT_FOUND');
  if (user.role === 'admin' && caller.role !== 'admin') throw new AppError('FORBIDDEN');
  const openHazards = { town: caller.town, responsibleUser: user._id, status: { $ne: 'closed' as const } };
  const residents = { town: caller.town, responsible: user._id, active: true };
  const subordinates = { town: caller.town, superior: user._id, active: true };
  const [h, r, s] = await Promise.all([
    HazardModel.countDocuments(openHazards),
    VulnerableResidentModel.countDocuments(residents),
    UserModel.countDocuments(subordinates),
  ]);
  let successor: { _id: Types.ObjectId; name: string } | null = null;
  if (successorId) {
    const found = await UserModel.findOne({ _id: oid(successorId), town: caller.town, active: true }).lean();
    if (!found || String(found._id) === id || !isStaff(found.role as Role)) throw new AppError('SUCCESSOR_INVALID');
    successor = found;
  } else if (h + r + s > 0) {
    throw new AppError('SUCCESSOR_INVALID', {
      message: `该人员还有 ${h} 条未销号隐患、${r} 名包保对象、${s} 名下级，请指定接替人`,
    });
  }
  const now = services.clock.now();
  if (successor) {
    await HazardModel.updateMany(openHazards, {
      $set: { responsibleUser: successor._id },
      $push: {
        history: {
          at: now,
          by: caller._id,
          byName: caller.name,
          action: 'handover',
          note: `${user.name} 停用，移交 ${successor.name}`,
        },
      },
    });
    await VulnerableResidentModel.updateMany(residents, { $set: { responsible: successor._id } });
    await UserModel.updateMany(subordinates, { $set: { superior: successor._id } });
  }
  await UserModel.updateOne({ _id: user._id }, { $set: { active: false } });
  await audit(services, caller.town, caller, 'user.deactivate', {
    target: user.username,
    before: { active: true },
    after: { active: false, successor: successor?.name, hazards: h, residents: r, subordinates: s },
  });
  return { hazardsHandedOver: successor ? h : 0, residentsHandedOver: successor ? r : 0 };
}

/** Bring a deactivated person back: they log in again; what was handed over stays with the successor. */
export async function reactivateUser(services: Pick<AppServices, 'clock'>, caller: Caller, id: string) {
  const user = await UserModel.findOne({ _id: oid(id), town: caller.town }).lean();
  if (!user) throw new AppError('USER_NOT_FOUND');
  if (user.role === 'admin' && caller.role !== 'admin') throw new AppError('FORBIDDEN');
  if (!TOWN_ROLES.includes(user.role as Role)) throw new AppError('ROLE_NOT_ASSIGNABLE');
  const after = await UserModel.findOneAndUpdate(
    { _id: user._id, town: caller.town, active: false },
    { $set: { active: true } },
    { returnDocument: 'after' },
  ).lean();
  if (!after) throw new AppError('USER_ALREADY_ACTIVE');
  await audit(services, caller.town, caller, 'user.reactivate', {
    target: user.username,
    before: { active: false },
    after: { active: true },
  });
  return after;
}

/**
 * A one-time WeChat binding code for a staff member, fetched by the town's office (the same code
 * as the person's own from 我的, 10 minutes): they send `绑定 123456` to the bot.
 */
export async function staffBindCode(services: Pick<AppServices, 'config' | 'clock'>, caller: Caller, id: string) {
  const user = await UserModel.findOne({ _id: oid(id), town: caller.town }).lean();
  if (!user) throw new AppError('USER_NOT_FOUND');
  if (!isStaff(user.role as Role)) throw new AppError('BIND_CODE_STAFF_ONLY');
  // Whoever sends the code acts as this person in chats: an admin's code only from an admin.
  if (user.role === 'admin' && caller.role !== 'admin') throw new AppError('FORBIDDEN');
  if (user.active === false) throw new AppError('USER_INACTIVE');
  const code = await createBindCode(services, {
    id: String(user._id),
    _id: user._id,
    role: user.role as Role,
    name: user.name,
    town: caller.town,
    townId: String(caller.town),
    gridIds: (user.grids ?? []).map(String),
  });
  await audit(services, caller.town, caller, 'user.bind-code', {
    target: user.username,
    after: { expiresAt: code.expiresAt },
  });
  return code;
}
