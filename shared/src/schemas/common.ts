import { z } from 'zod';

/** A MongoDB ObjectId as 24 hex characters. */
export const ObjectIdString = z
  .string()
  .regex(/^[0-9a-fA-F]{24}$/, '编号格式不正确')
  .meta({ id: 'ObjectId' });

/** A WGS-84 point. Coordinates outside the valid range are refused, not clamped. */
export const LatLng = z
  .object({
    lat: z.number().min(-90, '纬度应在 -90 到 90 之间').max(90, '纬度应在 -90 到 90 之间'),
    lng: z.number().min(-180, '经度应在 -180 到 180 之间').max(180, '经度应在 -180 到 180 之间'),
  })
  .meta({ id: 'LatLng' });
export type LatLng = z.infer<typeof LatLng>;

export const Pagination = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const ErrorResponse = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  })
  .meta({ id: 'Error' });
