import { z } from 'zod';
import type { ApiClient } from '../client';
import type { ChatBindCode } from './chat';
import type { UserOut } from './people';

/** The town's roster in the console: bring a person back, a WeChat binding code for them, the Excel import. */

export const RosterImportReport = z
  .object({
    total: z.number(),
    created: z.number(),
    /** Rows whose person is already in the town under that username and name: left as they are. */
    existing: z.number(),
    rejected: z.array(z.object({ row: z.number(), username: z.string().optional(), reason: z.string() })),
  })
  .meta({ id: 'RosterImportReport' });
export type RosterImportReport = z.infer<typeof RosterImportReport>;

/** Typed helpers for the roster routes (server/src/people/roster-routes.ts). */
export const rosterApi = (c: ApiClient) => ({
  reactivate: (id: string) => c.post<UserOut>(`/api/users/${id}/reactivate`),
  bindCode: (id: string) => c.post<ChatBindCode>(`/api/users/${id}/bind-code`),
  /** The Excel file as multipart field `file`. */
  importRoster: (file: Blob, fileName = 'roster.xlsx') => {
    const form = new FormData();
    form.append('file', file, fileName);
    return c.post<RosterImportReport>('/api/users/import', form);
  },
});
