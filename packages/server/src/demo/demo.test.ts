/**
 * The demo `npm start` loads, on an empty database: Bozhou, then Guanxian with its warnings and applications for
 * assistance, and the demo users able to act on them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyRegistry } from '../policies.js';
import { consoleApi, createWorld, NOW, type World } from '../test-support/world.js';
import { DEMO_USERS, seedDemo } from './seed.js';

let world: World;
const lines: string[] = [];
let loaded: Awaited<ReturnType<typeof seedDemo>>;

async function as(username: string): Promise<ReturnType<typeof consoleApi>> {
  const user = DEMO_USERS.find((entry) => entry.username === username);
  if (!user) throw new Error(`no demo user ${username}`);
  const response = await world.app.inject({
    method: 'POST',
    url: '/api/login',
    payload: { username, password: user.password },
  });
  expect(response.statusCode).toBe(200);
  return consoleApi(world, response.json<{ token: string }>().token);
}

beforeAll(async () => {
  world = await createWorld('demo', { empty: true });
  loaded = await seedDemo(world.pool, new PolicyRegistry(), 300, NOW, (line) => lines.push(line));
});

afterAll(async () => {
  await world.close();
});

describe('the demo', () => {
  it('loads both places once, with credentials for every hospital', async () => {
    expect(loaded?.map((institution) => institution.code)).toContain('H37152500001');
    expect(loaded?.map((institution) => institution.code)).toContain('H34160000001');
    expect(await seedDemo(world.pool, new PolicyRegistry(), 300, NOW, () => undefined)).toBeNull();
    expect(lines.join('\n')).toContain('依申请救助 2 件（1 件待审核）');
  });

  it("Guanxian's warning ledger holds the five catastrophic stays at the levels worked out by hand", async () => {
    const clerk = await as('guanxian');
    const ledger = (await clerk('GET', '/api/warnings?year=2026')).json;
    // See STORIES in guanxian.ts: 4,675 + 40,000 = 44,675 (blue, a target); 112,369.25 (低保) and 117,610 (ordinary)
    // yellow; 125,140 yellow, less its top-up 6,070 = 119,070 now, the level kept; 320,000 red.
    expect(
      ledger.items.map((w: { psn_name: string; level: string; status: string }) => [w.psn_name, w.level, w.status]),
    ).toEqual([
      ['周海燕', 'red', 'new'],
      ['钱玉珍', 'yellow', 'assisted'],
      ['孙立新', 'yellow', 'new'],
      ['吴长顺', 'yellow', 'new'],
      ['赵桂兰', 'blue', 'new'],
    ]);
    // Nothing is handed down (下放) yet: the township office of 烟庄街道 sees none; once the bureau hands down its
    // township's warnings, it sees only its own two.
    const yanzhuang = await as('yanzhuang');
    expect((await yanzhuang('GET', '/api/warnings?year=2026')).json.items).toEqual([]);
    const handed = await clerk('POST', '/api/warning-handovers', { basis: 'township', township: '烟庄街道' });
    expect(handed.status).toBe(201);
    const own = (await yanzhuang('GET', '/api/warnings?year=2026')).json;
    expect(own.items.map((w: { psn_name: string }) => w.psn_name)).toEqual(['孙立新', '赵桂兰']);
  });

  it('one application approved with its top-up, one waiting that the reviewer can approve', async () => {
    const reviewer = await as('guanxian-review');
    const listed = (await reviewer('GET', '/api/assistance-applications')).json;
    expect(
      listed.items.map((a: { psn_name: string; status: string; burden: string; top_up: string | null }) => [
        a.psn_name,
        a.status,
        a.burden,
        a.top_up,
      ]),
    ).toEqual([
      // Newest first. 钱玉珍 again as 因病致贫重病患者: assistance (15,140 − 3,000) × 50% = 6,070; 9,070 left, below
      // re-assistance's 10,000.
      ['钱玉珍', 'approved', '125140.00', '6070.00'],
      ['孙立新', 'pending', '117610.00', null],
    ]);
    const pending = listed.items[1].application_id as number;
    const approved = await reviewer('POST', `/api/assistance-applications/${pending}/decision`, {
      decision: 'approve',
    });
    // The numbers of applications.test.ts: 4,870 + 2,648.50.
    expect(approved).toMatchObject({ status: 200, json: { top_up: '7518.50' } });
  });

  it('Bozhou has no warning rules: its operator sees an empty ledger', async () => {
    const operator = await as('operator');
    expect((await operator('GET', '/api/warnings?year=2026')).json.total).toBe(0);
  });
});
