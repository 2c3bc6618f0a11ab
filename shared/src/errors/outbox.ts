/** Error codes of the outbox capability (see ../errors.ts). */
export const OUTBOX_ERRORS = {
  DELIVERY_NOT_FOUND: { status: 404, message: '找不到该条待发消息' },
  DELIVERY_NOT_SENDING: { status: 409, message: '该消息不在发送中，结果未记录' },
  DELIVERY_NOT_PARKED: { status: 409, message: '该消息未被暂停，无需重发' },
  OUTBOX_CHANNEL_NOT_CLAIMABLE: { status: 400, message: '该渠道的消息由服务器自行发送' },
} as const;
