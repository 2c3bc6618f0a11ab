import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for a Chinese cloud SMS / voice gateway on 127.0.0.1 (Aliyun's SendSms and
 * SingleCallByTts shape): checks the key and the HMAC signature, answers `{ Code: 'OK', BizId }`
 * (or `isv.MOBILE_NUMBER_ILLEGAL` for a number in `badNumbers`), and can send the delivery report
 * the real gateway pushes later.
 */
export interface FakeSms {
  base: string;
  keyId: string;
  secret: string;
  sent: { kind: 'sms' | 'voice'; phone: string; text: string; outId: string; bizId: string }[];
  badNumbers: Set<string>;
  report(serverBase: string, token: string, outId: string, success?: boolean): Promise<number>;
  close(): Promise<void>;
}

export async function startFakeSms(): Promise<FakeSms> {
  const state: FakeSms = {
    base: '',
    keyId: 'LTAI-fake-key',
    secret: 'fake-sms-secret',
    sent: [],
    badNumbers: new Set(),
    async report(serverBase, token, outId, success = true) {
      const s = state.sent.find((x) => x.outId === outId);
      const res = await fetch(`${serverBase}/api/sms/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-sms-report-token': token },
        body: JSON.stringify([
          {
            out_id: outId,
            biz_id: s?.bizId,
            phone_number: s?.phone,
            success,
            err_code: success ? 'DELIVERED' : 'MOBILE_NOT_ON_SERVICE',
            report_time: '2026-12-01 10:00:00',
          },
        ]),
      });
      await res.arrayBuffer();
      return res.status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const answer = (status: number, body: Record<string, unknown>) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const sig = crypto.createHmac('sha256', state.secret).update(raw).digest('hex');
      if (req.headers['x-sms-key'] !== state.keyId || req.headers['x-sms-signature'] !== sig)
        return answer(403, { Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched' });
      const b = JSON.parse(raw) as Record<string, string>;
      const voice = req.url === '/voice/call';
      if (!voice && req.url !== '/sms/send') return answer(404, { Code: 'InvalidAction' });
      const phone = voice ? b.CalledNumber! : b.PhoneNumbers!;
      if (state.badNumbers.has(phone)) return answer(200, { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号' });
      const text = (JSON.parse((voice ? b.TtsParam : b.TemplateParam) ?? '{}') as { text?: string }).text ?? '';
      const bizId = crypto.randomBytes(8).toString('hex');
      state.sent.push({ kind: voice ? 'voice' : 'sms', phone, text, outId: b.OutId!, bizId });
      answer(200, {
        Code: 'OK',
        Message: 'OK',
        RequestId: crypto.randomUUID(),
        ...(voice ? { CallId: bizId } : { BizId: bizId }),
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  state.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
