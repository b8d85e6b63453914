/**
 * The browser tests' world: a platform of its own (a fresh database from the test template, the demo city with a
 * small population, the built console at `/`, the clock at 2026-06-15 10:00 China time) and Debian's Chromium driven
 * by playwright-core. Screenshots go to SANBAO_SCREENSHOTS when set (`npm run screenshots` sets docs/console),
 * otherwise to a temporary folder, so every test run takes them and a broken screen fails to render in a test.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { vi } from 'vitest';
import { DEMO_USERS, seedDemo } from '../../server/src/demo/seed.js';
import { PolicyRegistry } from '../../server/src/policies.js';
import { createWorld, NOW, type World } from '../../server/src/test-support/world.js';

// A browser test walks through screens on a shared two-core machine: minutes, not the unit tests' seconds.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const WEB_DIR = fileURLToPath(new URL('../dist', import.meta.url));
const SHOTS = process.env['SANBAO_SCREENSHOTS'] ?? mkdtempSync(join(tmpdir(), 'sanbao-shots-'));

/** Debian's Chromium unless CHROMIUM_PATH names another; never a browser a tool downloaded. */
function chromiumPath(): string {
  const path = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`Chromium not found at ${path}: apt-get install -y chromium fonts-noto-cjk`);
  return path;
}

export interface Console {
  world: World;
  url: string;
  browser: Browser;
  /** A new browser context (its own session storage) signed in as the demo user. */
  signIn(username: string): Promise<Page>;
  /** A page in a fresh context, not signed in. */
  anonymous(): Promise<Page>;
  close(): Promise<void>;
}

export const DEMO_PASSWORDS = Object.fromEntries(DEMO_USERS.map((user) => [user.username, user.password]));

/** The platform with the demo city and a browser; `persons` keeps the seed short. */
export async function startConsole(name: string, persons = 1200): Promise<Console> {
  if (!existsSync(join(WEB_DIR, 'index.html'))) throw new Error('the console is not built: npm run build');
  // A copy of the build as it is now: a rebuild while the tests run (vite empties its folder) cannot pull it away.
  const webDir = mkdtempSync(join(tmpdir(), 'sanbao-web-'));
  cpSync(WEB_DIR, webDir, { recursive: true });
  const world = await createWorld(name, { empty: true, webDir });
  await seedDemo(world.pool, new PolicyRegistry(), persons, NOW, () => undefined);
  const url = await world.app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--font-render-hinting=none'],
  });
  const contexts: BrowserContext[] = [];
  const fresh = async (): Promise<Page> => {
    const context = await browser.newContext({ baseURL: url, viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    contexts.push(context);
    return context.newPage();
  };
  return {
    world,
    url,
    browser,
    anonymous: fresh,
    signIn: async (username) => {
      const page = await fresh();
      await page.goto('/login');
      await page.getByLabel('用户名').fill(username);
      await page.getByLabel('密码').fill(DEMO_PASSWORDS[username] ?? '');
      await page
        .getByRole('button', { name: '登 录' })
        .or(page.getByRole('button', { name: '登录' }))
        .click();
      await page.getByTestId('user-menu').waitFor();
      return page;
    },
    close: async () => {
      for (const context of contexts) await context.close();
      await browser.close();
      await world.close();
    },
  };
}

/** A full-page screenshot of what the user sees, named for the screen (docs/console/<name>.png). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  return path;
}

/**
 * Text a user should never see on a screen: English words of the UI libraries' defaults, raw codes of the
 * platform's tables, JavaScript's own leftovers.
 */
export async function visibleEnglish(page: Page): Promise<string[]> {
  const text = await page.locator('body').innerText();
  const leftovers = ['undefined', 'null', 'NaN', '[object Object]', 'Invalid Date'];
  const found = leftovers.filter((word) => new RegExp(`\\b${word.replace(/[[\]]/g, '\\$&')}\\b`).test(text));
  // Words of three or more Latin letters, other than the names of formats and systems the console shows on purpose;
  // identifiers with digits (住院号 ZY0001, 人员编号 P001) are data, not words.
  const allowed = new Set(['PDF', 'XLSX', 'CSV', 'HIS', 'DRG']);
  for (const token of text.match(/[A-Za-z][A-Za-z0-9_-]*/g) ?? [])
    if (token.length >= 3 && !/\d/.test(token) && !allowed.has(token)) found.push(token);
  return [...new Set(found)];
}
