import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './h5-build';

/** Debian's Chromium (apt-get install chromium), never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A point inside the demo grid SH-01 (双河村第一网格). */
export const SH01 = { latitude: 29.785, longitude: 107.88 };

/**
 * A phone-sized context (residents, grid members), a desk-sized one (the office's console), or a
 * phone whose user refused the location permission (`phone-nogps`).
 */
export async function newContext(browser: Browser, kind: 'phone' | 'desk' | 'phone-nogps'): Promise<BrowserContext> {
  return browser.newContext({
    viewport: kind === 'desk' ? { width: 1366, height: 900 } : { width: 390, height: 844 },
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...(kind === 'phone-nogps' ? { permissions: [] } : { geolocation: SH01, permissions: ['geolocation'] }),
  });
}

/** The page Taro's H5 router is showing (earlier pages stay in the DOM, shaded). */
export const SHOWN = '.taro_page_show:not(.taro_page_shade)';

/** Open an app page fresh (a reload drops the router's stack of earlier pages). */
export async function open(page: Page, base: string, route: string): Promise<void> {
  await page.goto(`${base}/app/#${route}`);
  await page.reload();
  await page.waitForSelector(`${SHOWN} .page`);
}

/** Log in on the H5 login form and wait for the home tiles. */
export async function login(page: Page, base: string, username: string, password: string): Promise<void> {
  await open(page, base, '/pages/index/index');
  await page.fill(`${SHOWN} #login-username input`, username);
  await page.fill(`${SHOWN} #login-password input`, password);
  await page.click(`${SHOWN} #login-submit`);
  await page.waitForSelector(`${SHOWN} #home-greeting`);
  // The office's console then opens 值班台 (the login page redirects there).
  if (username === 'office' || username === 'admin') await page.waitForSelector(`${SHOWN} #duty-desk`);
}

/** Tap a home tile (on a phone) or the side navigation (at a desk) by its title, and wait for the page it opens. */
export async function tapTile(page: Page, title: string): Promise<void> {
  await page
    .locator(`${SHOWN} .tile, ${SHOWN} .desk-nav-item`, { hasText: title })
    .filter({ visible: true })
    .first()
    .click();
  await page.waitForFunction(
    ([shown, t]) => document.querySelector(`${shown} .page-title`)?.textContent?.includes(t) ?? false,
    [SHOWN, title.slice(0, 2)],
  );
}

/** Save a full-page screenshot under test/artifacts/ (after page transitions settle). */
export async function shot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.waitForTimeout(400);
  const file = path.join(ARTIFACTS, `${name}.png`);
  // Taro pages scroll inside their own container, so grow the window to the page's height instead.
  const size = page.viewportSize();
  const height = await page.evaluate((s) => document.querySelector(s)?.scrollHeight ?? 0, SHOWN);
  if (size && height > size.height) {
    await page.setViewportSize({ width: size.width, height: Math.min(height + 24, 8000) });
    await page.waitForTimeout(300);
  }
  await page.screenshot({ path: file });
  if (size && height > size.height) await page.setViewportSize(size);
  return file;
}

/** Record errors thrown in the page, so a test can assert there were none. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}
