import pino from 'pino';

/**
 * JSON logs. Personal data never goes into a log line: phone numbers, openids, tokens and
 * passwords are redacted wherever they appear under these keys.
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info') {
  return pino({
    level,
    base: { service: 'yingji' },
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'phone',
        '*.phone',
        'openid',
        '*.openid',
        'sessionKey',
        '*.sessionKey',
        'req.headers.authorization',
      ],
      censor: '[redacted]',
    },
  });
}
export type Logger = pino.Logger;
