import { ApiError, chatApi, townsApi, type ApiClient } from '@yingji/shared';
import type { SessionProvider } from './types';

/**
 * Sessions from the server's service route (`POST /api/chat/session`, `Authorization: Bot …`), for
 * a bot process that runs apart from the server (Wechaty).
 */
export function apiSessionProvider(botClient: ApiClient): SessionProvider {
  const chat = chatApi(botClient);
  return {
    async open({ channel, externalUserId, groupExternalId }) {
      if (channel === 'terminal') return undefined;
      try {
        return await chat.session({ channel, externalUserId, groupExternalId });
      } catch (e) {
        if (e instanceof ApiError && e.code === 'CHAT_SENDER_UNKNOWN') return undefined;
        throw e;
      }
    },
    async bind({ channel, externalUserId, code }) {
      if (channel !== 'wechaty') throw new Error('only Wechaty contacts are bound by code');
      const r = await chat.bind({ channel, externalUserId, code });
      return { name: r.user.name };
    },
    async bindGroup(input) {
      const r = await townsApi(botClient).bindGroup(input);
      return { placeName: r.placeName };
    },
  };
}
