import {
  CalloutAckResponse,
  ChatAckRequest,
  ChatBindCode,
  ChatBindRequest,
  ChatBindResult,
  ChatSession,
  ChatSessionRequest,
  ChatStageRequest,
  ChatStageResult,
  ChatTransferRequest,
  STAFF_ROLES,
  TransferResult,
} from '@yingji/shared';
import { ackFromChat, stageFromChat } from '../callouts/chat';
import type { Module } from '../core/module';
import {
  bindChatAccount,
  createBindCode,
  forgetOldProcessedMessages,
  openChatSession,
  transferFromChat,
} from './service';
import { wecomCallback } from './wecom-callback';

/**
 * The chat front door's server side: sessions for bot processes (a short-lived token acting with
 * the chat sender's own rights), binding a WeChat contact with a one-time code, the WeCom app
 * callback, and the chat's own answers to call-outs (收到, stages, transfers), which depend on
 * where the line was written.
 */
export const chatModule: Module = {
  name: 'chat',
  routes(api) {
    api.route(
      {
        method: 'post',
        path: '/api/chat/session',
        summary: '聊天机器人：按聊天账号取得发送者的短期令牌',
        tags: ['chat'],
        auth: 'bot',
        body: ChatSessionRequest,
        response: ChatSession,
      },
      ({ body, services }) => openChatSession(services, body),
    );
    api.route(
      {
        method: 'post',
        path: '/api/chat/bind-code',
        summary: '获取微信绑定码（10 分钟内有效，一次有效）',
        tags: ['chat'],
        auth: 'any',
        status: 201,
        response: ChatBindCode,
      },
      ({ caller, services }) => createBindCode(services, caller),
    );
    api.route(
      {
        method: 'post',
        path: '/api/chat/bind',
        summary: '聊天机器人：用绑定码把微信联系人绑定到用户',
        tags: ['chat'],
        auth: 'bot',
        body: ChatBindRequest,
        response: ChatBindResult,
      },
      ({ body, services }) => bindChatAccount(services, body),
    );
    api.route(
      {
        method: 'post',
        path: '/api/chat/ack',
        summary: '聊天“收到”：确认本群发布的预警（私聊：最近一条待确认的预警）',
        tags: ['chat'],
        auth: 'any',
        body: ChatAckRequest,
        response: CalloutAckResponse,
      },
      ({ caller, body, services }) =>
        ackFromChat(services, caller, {
          groupId: body.groupId,
          inGroup: body.inGroup,
          channel: body.channel ?? 'chat',
        }),
    );
    api.route(
      {
        method: 'post',
        path: '/api/chat/stage',
        summary: '聊天“已到岗”“转移完成”：报告本群预警的叫应阶段',
        tags: ['chat'],
        auth: 'any',
        body: ChatStageRequest,
        response: ChatStageResult,
      },
      ({ caller, body, services }) => stageFromChat(services, caller, body),
    );
    api.route(
      {
        method: 'post',
        path: '/api/chat/transfer',
        summary: '聊天“已转移 N 人”：仅在预警生效期间记录（或指明转移点）',
        tags: ['chat'],
        auth: STAFF_ROLES,
        idempotent: true,
        body: ChatTransferRequest,
        status: 201,
        response: TransferResult,
      },
      ({ caller, body, services }) => transferFromChat(services, caller, body),
    );
  },
  middleware: (services) => wecomCallback(services),
  jobs: [
    {
      name: 'chat-forget-processed-messages',
      everyMs: 6 * 3600 * 1000,
      run: (services) => forgetOldProcessedMessages(services),
    },
  ],
};
