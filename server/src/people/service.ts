import { isDuplicateKey } from '../db/duplicate';
import { AppError, isOffice, maskPhone, type Me, type Role, type UserCreate, type UserOut } from '@yingji/shared';
import type { Types } from 'mongoose';
import type { Config } from '../config';
import type { Caller } from '../core/context';
import { hashPassword } from '../auth/passwords';
import { GridModel, TownModel, UserModel, VillageModel, type TownDoc } from './models';
import { envCorp, wecomUserIdTaken } from './wecom-ids';

/**
 * The town a request or command without a town means: DEFAULT_TOWN, or the only one. With more
 * than one town and none named it refuses (TOWN_REQUIRED) rather than guess.
 */
export async function resolveTown(config: Pick<Config, 'DEFAULT_TOWN'>, code?: string): Promise<TownDoc> {
  const wanted = code ?? config.DEFAULT_TOWN;
  if (wanted) {
    const town = await TownModel.findOne({ code: wanted.toUpperCase() });
    if (!town) throw new AppError('TOWN_NOT_FOUND');
    return town;
  }
  const towns = await TownModel.find().sort({ createdAt: 1 }).limit(2);
  if (towns.length === 0) throw new AppError('TOWN_NOT_FOUND');
  if (towns.length > 1) throw new AppError('TOWN_REQUIRED');
  return towns[0]!;
}

type UserLike = {
  _id: Types.ObjectId;
  username: string;
  role: string;
  name: string;
  phone?: string | null;
  village?: Types.ObjectId | null;
  grids?: Types.ObjectId[];
  superior?: Types.ObjectId | null;
  wecomUserId?: string | null;
  department?: string | null;
  active?: boolean | null;
};

/** A user as the API shows it; the phone in full only to the office (PIPL), masked otherwise. */
export function toUserOut(u: UserLike, viewer: Pick<Caller, 'role' | 'id'>): UserOut {
  const fullPhone = isOffice(viewer.role) || viewer.id === String(u._id);
  return {
    id: String(u._id),
    username: u.username,
    role: u.role as Role,
    name: u.name,
    phone: fullPhone ? (u.phone ?? undefined) : maskPhone(u.phone),
    villageId: u.village ? String(u.village) : undefined,
    gridIds: (u.grids ?? []).map(String),
    superiorId: u.superior ? String(u.superior) : undefined,
    wecomUserId: isOffice(viewer.role) ? (u.wecomUserId ?? undefined) : undefined,
    department: u.department ?? undefined,
    active: u.active ?? true,
  };
}

export async function me(caller: Caller): Promise<Me> {
  const [user, town, village, grids] = await Promise.all([
    UserModel.findById(caller._id).lean(),
    TownModel.findById(caller.town).lean(),
    caller.villageId ? VillageModel.findById(caller.villageId).lean() : null,
    GridModel.find({ _id: { $in: caller.gridIds } }).lean(),
  ]);
  if (!user || !town) throw new AppError('USER_NOT_FOUND');
  return {
    id: caller.id,
    role: caller.role,
    name: user.name,
    phone: user.phone ?? undefined,
    town: { id: String(town._id), code: town.code, name: town.name },
    village: village ? { id: String(village._id), name: village.name } : undefined,
    grids: grids.map((g) => ({ id: String(g._id), name: g.name })),
  };
}

/**
 * Create a user in a town. Village, grids and superior are given by name/code/username, as an
 * office writes them in a roster, and resolved here; anything unknown is refused by its own code.
 */
export async function createUser(
  townId: Types.ObjectId,
  input: UserCreate,
  config: Pick<Config, 'WECOM_CORP_ID'> = envCorp(),
) {
  if (await UserModel.exists({ username: input.username })) throw new AppError('USERNAME_TAKEN');
  // Across every town of the same WeCom corp, a WeCom account is one person.
  if (input.wecomUserId && (await wecomUserIdTaken(config, townId, input.wecomUserId)))
    throw new AppError('WECOM_USER_ID_TAKEN');
  let village: Types.ObjectId | undefined;
  if (input.village) {
    const v = await VillageModel.findOne({ town: townId, $or: [{ name: input.village }, { code: input.village }] });
    if (!v) throw new AppError('VILLAGE_NOT_FOUND', { message: `找不到村（社区）“${input.village}”` });
    village = v._id;
  }
  const grids: Types.ObjectId[] = [];
  for (const g of input.grids ?? []) {
    const grid = await GridModel.findOne({ town: townId, $or: [{ name: g }, { code: g }] });
    if (!grid) throw new AppError('GRID_NOT_FOUND', { message: `找不到网格“${g}”` });
    grids.push(grid._id);
    village ??= grid.village;
  }
  let superior: Types.ObjectId | undefined;
  if (input.superior) {
    const s = await UserModel.findOne({ town: townId, username: input.superior });
    if (!s) throw new AppError('USER_NOT_FOUND', { message: `找不到上级“${input.superior}”` });
    superior = s._id;
  }
  return UserModel.create({
    town: townId,
    username: input.username,
    passwordHash: await hashPassword(input.password),
    role: input.role,
    name: input.name,
    phone: input.phone,
    village,
    grids,
    superior,
    wecomUserId: input.wecomUserId,
    department: input.department,
  }).catch((e: unknown) => {
    if (isDuplicateKey(e, 'wecomUserId')) throw new AppError('WECOM_USER_ID_TAKEN');
    if (isDuplicateKey(e, 'username')) throw new AppError('USERNAME_TAKEN');
    throw e;
  });
}
