/**
 * npm run bench:console — the staff console's speed on this machine with the demo city: the JavaScript of the first
 * screen (gzipped, as a browser fetching it compressed would receive it) against the 400 KB budget, and for every
 * screen the time from navigation until it is interactive — its data shown — against 1 s: navigation inside the open
 * console (from a screen without data, memory cache empty, to the screen), and a full load of its address beside it. Starts its own PostgreSQL (embedded, temporary folder), the demo city and the platform as a separate process,
 * drives Debian's Chromium. Writes its figures into docs/BENCHMARKS.md between the bench:console markers.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium, type Page, type Response } from 'playwright-core';
import { freePort, PolicyRegistry, seedDemo } from '@sanbao/server';
import { measuredOn, publish, withScratchDatabase } from './benchmarks-doc.js';

const PERSONS = Number(process.env['BENCH_PERSONS'] ?? 30000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const WEB_DIR = fileURLToPath(new URL('../packages/web/dist/', import.meta.url));

/** The screens, each with its address and what shows it is ready (its data on screen). */
function screens(person: string, settlement: string): { name: string; path: string; ready: string }[] {
  return [
    { name: '工作台', path: '/', ready: '[data-testid="dashboard-ready"]' },
    { name: '参保人查询', path: '/persons', ready: '.ant-table-row' },
    { name: '参保人详情', path: `/persons/${person}`, ready: '.ant-timeline, .ant-empty' },
    { name: '结算查询', path: '/settlements', ready: '.ant-table-row' },
    { name: '结算详情（结算单与来历）', path: settlement, ready: '[data-testid="trace"]' },
    { name: '零星报销', path: '/manual', ready: '[data-testid="manual-form"]' },
    { name: '零星报销记录', path: '/manual?tab=list', ready: '.ant-table-row, .ant-empty' },
    { name: '台账导入', path: '/ledger', ready: '.ant-table-row, .ant-empty' },
    { name: '资助参保', path: '/enrollment', ready: 'form' },
    { name: '预警台账', path: '/warnings', ready: '.ant-table-row, .ant-empty' },
    { name: '依申请救助', path: '/applications', ready: '.ant-table-row, .ant-empty' },
    { name: '政策', path: '/policy', ready: '.ant-table-row' },
    { name: '系统管理', path: '/admin', ready: '.ant-table-row' },
  ];
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** JavaScript a page fetched, by URL, and its size gzipped. */
async function scriptsOf(page: Page, visit: () => Promise<void>): Promise<Map<string, number>> {
  const scripts = new Map<string, number>();
  const listener = (response: Response): void => {
    if (response.url().endsWith('.js')) {
      const file = new URL(response.url()).pathname;
      scripts.set(file, gzipSync(readFileSync(`${WEB_DIR}${file.slice(1)}`), { level: 6 }).length);
    }
  };
  page.on('response', listener);
  await visit();
  page.off('response', listener);
  return scripts;
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

await withScratchDatabase(4, async (pool, database) => {
  await seedDemo(pool, new PolicyRegistry(), PERSONS, new Date(), () => {});
  const sample = await pool.query<{ psn_no: string; setl_id: string }>(
    `select psn_no, setl_id from settlements where kind = 'settlement' and med_type like '2%' order by setl_time desc limit 1`,
  );
  const { psn_no: person, setl_id: setlId } = sample.rows[0]!;
  const counts = await pool.query<{ persons: string; settlements: string }>(
    'select (select count(*) from persons) as persons, (select count(*) from settlements) as settlements',
  );

  const port = await freePort();
  const server = spawn(process.execPath, [fileURLToPath(new URL('../packages/server/dist/main.js', import.meta.url))], {
    env: { ...process.env, DATABASE_URL: database.url, PORT: String(port), SANBAO_DEMO: '0', LOG_LEVEL: 'warn' },
    stdio: 'inherit',
  });
  process.once('exit', () => server.kill('SIGTERM'));
  const base = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      if (attempt > 300) throw new Error('platform did not start');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // The demo users are made by the demo seed with their published passwords.
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  try {
    const context = await browser.newContext({ baseURL: base, viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    // The first screen: the login page, from a cold cache.
    const loginScripts = await scriptsOf(page, async () => {
      await page.goto('/login');
      await page.getByLabel('用户名').waitFor();
    });
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码').fill('demo-admin');
    const dashboardScripts = await scriptsOf(page, async () => {
      await page.getByRole('button', { name: /登\s*录/ }).click();
      await page.locator('[data-testid="dashboard-ready"]').waitFor({ timeout: 30_000 });
    });
    const loginBytes = [...loginScripts.values()].reduce((sum, size) => sum + size, 0);
    const afterLoginBytes = [...dashboardScripts.values()].reduce((sum, size) => sum + size, 0);

    const rows: string[] = [];
    let worstLoad = 0;
    let worstNavigation = 0;
    for (const screen of screens(person, `/settlements/${person}/${setlId}`)) {
      const loads: number[] = [];
      const navigations: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        // A full load of the address: the page, its JavaScript (from the browser's cache after the first round), the
        // screen's chunk and its data.
        let started = performance.now();
        await page.goto(screen.path);
        await page.locator(screen.ready).first().waitFor({ timeout: 30_000 });
        loads.push(performance.now() - started);
        // Navigation inside the open console, as a clerk moves from screen to screen: from a page without data (a
        // fresh load, so nothing is cached in memory) to the screen, timed from the move to its data shown.
        await page.goto('/没有这个页面');
        await page.getByText('页面不存在').waitFor();
        started = performance.now();
        await page.evaluate((path) => {
          const browser = globalThis as unknown as {
            history: { pushState: (state: unknown, title: string, url: string) => void };
            dispatchEvent: (event: unknown) => void;
            PopStateEvent: new (type: string) => unknown;
          };
          browser.history.pushState({}, '', path);
          browser.dispatchEvent(new browser.PopStateEvent('popstate'));
        }, screen.path);
        await page.locator(screen.ready).first().waitFor({ timeout: 30_000 });
        navigations.push(performance.now() - started);
      }
      worstLoad = Math.max(worstLoad, median(loads));
      worstNavigation = Math.max(worstNavigation, median(navigations));
      const ms = (values: number[]): string =>
        `${Math.min(...values).toFixed(0)} / ${median(values).toFixed(0)} / ${Math.max(...values).toFixed(0)} ms`;
      rows.push(`| ${screen.name} | ${ms(navigations)} | ${ms(loads)} |`);
    }
    publish(
      'console',
      [
        `${measuredOn()}, Chromium (Debian), demo city of ${counts.rows[0]!.persons} persons and ${counts.rows[0]!.settlements} settlements; \`npm run bench:console\` (${ROUNDS} full loads of each screen).`,
        '',
        `First screen (登录) JavaScript, gzipped: **${kb(loginBytes)}** in ${loginScripts.size} files (budget 400 KB). Loaded on signing in (工作台 with its charts): ${kb(afterLoginBytes)} more in ${dashboardScripts.size} files.`,
        '',
        '| screen | navigation in the console: min / median / max | full load of its address: min / median / max |',
        '| --- | --- | --- |',
        ...rows,
        '',
        `Slowest median: ${worstNavigation.toFixed(0)} ms from navigation to the screen's data shown (budget 1,000 ms); ${worstLoad.toFixed(0)} ms for a full load of the address (the page and its JavaScript parsed anew).`,
      ].join('\n'),
    );
  } finally {
    await browser.close();
    server.kill('SIGTERM');
  }
});
