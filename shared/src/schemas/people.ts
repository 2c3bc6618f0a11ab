import { z } from 'zod';
import { LatLng, ObjectIdString } from './common';
import { RoleSchema } from './auth';

/** A Chinese mobile number, 11 digits starting with 1. */
export const PhoneNumber = z
  .string()
  .trim()
  .regex(/^1\d{10}$/, '手机号应为 11 位数字');

export const Me = z
  .object({
    id: z.string(),
    role: RoleSchema,
    name: z.string(),
    phone: z.string().optional(),
    town: z.object({ id: z.string(), code: z.string(), name: z.string() }),
    village: z.object({ id: z.string(), name: z.string() }).optional(),
    grids: z.array(z.object({ id: z.string(), name: z.string() })),
  })
  .meta({ id: 'Me' });
export type Me = z.infer<typeof Me>;

export const VillageOut = z
  .object({ id: z.string(), code: z.string(), name: z.string(), kind: z.enum(['village', 'community']) })
  .meta({ id: 'Village' });

export const GridOut = z
  .object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    villageId: z.string(),
    area: z.array(LatLng),
  })
  .meta({ id: 'Grid' });

export const UserOut = z
  .object({
    id: z.string(),
    username: z.string(),
    role: RoleSchema,
    name: z.string(),
    /** Shown in full only to the office; masked (138****0000) for everyone else. */
    phone: z.string().optional(),
    villageId: z.string().optional(),
    gridIds: z.array(z.string()),
    superiorId: z.string().optional(),
    wecomUserId: z.string().optional(),
    department: z.string().optional(),
    active: z.boolean(),
  })
  .meta({ id: 'User' });
export type UserOut = z.infer<typeof UserOut>;

export const UserCreate = z
  .object({
    username: z
      .string()
      .trim()
      .min(2, '用户名至少 2 个字符')
      .max(64)
      .regex(/^[\w.@-]+$/, '用户名只能包含字母、数字和 _ . @ -'),
    password: z.string().min(8, '密码至少 8 位').max(200),
    role: RoleSchema,
    name: z.string().trim().min(1, '请填写姓名').max(50),
    phone: PhoneNumber.optional(),
    village: z.string().trim().max(50).optional(),
    grids: z.array(z.string().trim().max(50)).max(50).optional(),
    superior: z.string().trim().max(64).optional(),
    wecomUserId: z.string().trim().max(64).optional(),
    department: z.string().trim().max(50).optional(),
  })
  .meta({ id: 'UserCreate' });
export type UserCreate = z.infer<typeof UserCreate>;

export { ObjectIdString };
