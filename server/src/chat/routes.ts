import { ChatBindCode, ChatBindRequest, ChatBindResult, ChatSession, ChatSessionRequest } from '@yingji/shared';
import type { Module } from '../core/module';
import { bindChatAccount, createBindCode, forgetOldProcessedMessages, openChatSession } from './service';
import { wecomCallback } from './wecom-callback';

/**
 * The chat front door's server side: sessions for bot processes (a short-lived token acting with
 * the chat sender's own rights), binding a WeChat contact with a one-time code, and the WeCom
 * app callback.
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
