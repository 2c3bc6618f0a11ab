import { z } from 'zod';
import { OFFICE_ROLES, ObjectIdString } from '@yingji/shared';
import type { Module } from '../core/module';
import { runOutboxPass } from '../outbox/worker';
import { calloutSms, recordReports, runPhoneRung } from './service';

const pollMs = () => Number(process.env.OUTBOX_POLL_MS) || 1000;

const Report = z.object({
  out_id: z.string().max(64).optional(),
  biz_id: z.string().max(100).optional(),
  phone_number: z.string().max(20).optional(),
  success: z.boolean(),
  err_code: z.string().max(100).optional(),
  err_msg: z.string().max(500).optional(),
  report_time: z.string().max(40).optional(),
});
const Reports = z.array(Report).max(1000).meta({ id: 'SmsReports' });
const SmsBoard = z.object({
  items: z.array(
    z.object({
      userId: z.string(),
      name: z.string(),
      phone: z.string(),
      kind: z.enum(['sms', 'voice']),
      state: z.string(),
      delivered: z.boolean().optional(),
      reportCode: z.string().optional(),
      lastError: z.string().optional(),
    }),
  ),
});

/** SMS and voice: the phone rung of the ladder, the gateway's delivery reports, the board's column. */
export const smsModule: Module = {
  name: 'sms',
  jobs: [
    { name: 'sms:phone-rung', everyMs: 5000, run: (services) => runPhoneRung(services) },
    {
      name: 'outbox:sms',
      get everyMs() {
        return pollMs();
      },
      run: (services) => runOutboxPass(services, 'sms'),
    },
  ],
  routes(api) {
    api.route(
      {
        method: 'post',
        path: '/api/sms/reports',
        summary: '短信/语音网关的送达回执（X-Sms-Report-Token）',
        tags: ['integrations'],
        auth: 'public',
        body: Reports,
      },
      ({ services, ctx, body }) => recordReports(services, ctx.get('x-sms-report-token') || undefined, body),
    );
    api.route(
      {
        method: 'get',
        path: '/api/callouts/:id/sms',
        summary: '预警的短信与语音通知（送达回执）',
        tags: ['callouts'],
        auth: OFFICE_ROLES,
        params: z.object({ id: ObjectIdString }),
        response: SmsBoard,
      },
      ({ caller, params }) => calloutSms(caller, params.id),
    );
  },
};
