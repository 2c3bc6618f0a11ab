import crypto from 'node:crypto';
import type { Types } from 'mongoose';
import type { AppServices } from '../core/context';
import { loadTownConfig } from '../towns/config';
import { WeComClient, wecomFromConfig } from './client';

/**
 * The WeCom app a town sends through: its own (`wecomApp` in the town's settings: corp id, agent
 * id and secret all set), or else the deployment's (WECOM_CORP_ID …). A county may run one WeCom
 * corp for all its towns or one per town. One client per app, so each app keeps its own cached
 * access token; a changed secret makes a new client.
 */
const townClients = new Map<string, WeComClient>();

export async function wecomForTown(
  services: Pick<AppServices, 'config'>,
  town: Types.ObjectId | string | undefined | null,
): Promise<WeComClient | undefined> {
  const cfg = services.config;
  if (town) {
    const app = (await loadTownConfig(town)).wecomApp;
    if (app.corpId && app.secret && app.agentId) {
      const secretHash = crypto.createHash('sha256').update(app.secret).digest('hex').slice(0, 16);
      const key = [app.corpId, app.agentId, secretHash, cfg.WECOM_API_BASE ?? ''].join('|');
      let c = townClients.get(key);
      if (!c) {
        c = new WeComClient({
          corpId: app.corpId,
          secret: app.secret,
          agentId: app.agentId,
          baseUrl: cfg.WECOM_API_BASE,
          timeoutMs: cfg.WECOM_TIMEOUT_MS,
          retry: { baseDelayMs: cfg.WECOM_RETRY_BASE_MS },
        });
        townClients.set(key, c);
      }
      return c;
    }
  }
  return wecomFromConfig(cfg);
}
