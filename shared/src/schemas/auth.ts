import { z } from 'zod';
import { ROLES } from '../roles';

export const RoleSchema = z.enum(ROLES).meta({ id: 'Role' });

export const LoginRequest = z
  .object({
    username: z.string().trim().min(1, '请输入用户名').max(64),
    password: z.string().min(1, '请输入密码').max(200),
  })
  .meta({ id: 'LoginRequest' });
export type LoginRequest = z.infer<typeof LoginRequest>;

export const WechatLoginRequest = z
  .object({
    code: z.string().trim().min(1, '缺少登录凭证').max(128),
    /** Town code; defaults to the deployment's town. */
    town: z.string().trim().min(1).max(16).optional(),
  })
  .meta({ id: 'WechatLoginRequest' });
export type WechatLoginRequest = z.infer<typeof WechatLoginRequest>;

export const SessionUser = z
  .object({
    id: z.string(),
    role: RoleSchema,
    name: z.string(),
    town: z.string().optional(),
  })
  .meta({ id: 'SessionUser' });
export type SessionUser = z.infer<typeof SessionUser>;

export const LoginResponse = z
  .object({
    token: z.string(),
    user: SessionUser,
  })
  .meta({ id: 'LoginResponse' });
export type LoginResponse = z.infer<typeof LoginResponse>;

/** A recent login lock-out: of one account from one address, or of a whole address. */
export const LoginLockout = z
  .object({
    kind: z.enum(['account', 'address']),
    /** The name tried (also one that does not exist); absent for an address lock-out. */
    username: z.string().optional(),
    ip: z.string(),
    failures: z.number().int(),
    lockedAt: z.string(),
    lockedUntil: z.string(),
    /** Whether it still holds now. */
    active: z.boolean(),
  })
  .meta({ id: 'LoginLockout' });
export type LoginLockout = z.infer<typeof LoginLockout>;

export const LoginLockoutList = z.object({ items: z.array(LoginLockout) }).meta({ id: 'LoginLockoutList' });
export type LoginLockoutList = z.infer<typeof LoginLockoutList>;
