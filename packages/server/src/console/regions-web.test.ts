/**
 * What the console's frame needs: the regions a user may choose among (GET /api/regions), the names of their own scope
 * and department (GET /api/me), and the built console itself served at `/` (console/web.ts) beside the interfaces.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from './auth.js';
import { consoleApi, createWorld, signIn, type World } from '../test-support/world.js';

let world: World;
const as: Record<string, ReturnType<typeof consoleApi>> = {};

const USERS: User[] = [
  { username: 'admin', display_name: '市局管理员', role: 'administrator', scope_admdvs: null },
  { username: 'city', display_name: '亳州市局查询', role: 'read_only', scope_admdvs: '341600' },
  { username: 'clerk', display_name: '谯城经办', role: 'operator', scope_admdvs: '341602' },
  { username: 'guoyang', display_name: '涡阳经办', role: 'operator', scope_admdvs: '341621' },
  { username: 'gujing', display_name: '古井镇经办', role: 'operator', scope_admdvs: '341602', township: '古井镇' },
  {
    username: 'civil',
    display_name: '谯城区民政局',
    role: 'operator',
    scope_admdvs: '341602',
    department: 'civil_affairs',
  },
];

beforeAll(async () => {
  world = await createWorld('regions_web');
  // Beside the world's 亳州市 (341600) and 谯城区 (341602): 涡阳县 of 亳州市, a zone under 谯城区 (a third level), and
  // another city with its county.
  await world.pool.query(
    `insert into regions (admdvs, name, parent, policy_id) values
       ('341621', '涡阳县', '341600', 'anhui/bozhou'), ('341603', '谯城经济开发区', '341602', 'anhui/bozhou'),
       ('371500', '聊城市', null, 'shandong/liaocheng'), ('371525', '冠县', '371500', 'shandong/liaocheng/guanxian')`,
  );
  for (const user of USERS) as[user.username] = consoleApi(world, await signIn(world, user));
});
afterAll(async () => {
  await world.close();
});

type Region = { admdvs: string; name: string; parent: string | null };

async function regions(user: string): Promise<Region[]> {
  const answer = await as[user]!('GET', '/api/regions');
  expect(answer.status).toBe(200);
  const items = answer.json.items as Region[];
  // The upper ones first: a region's parent, when listed, comes before it.
  items.forEach((region, index) => {
    const parentAt = items.findIndex((other) => other.admdvs === region.parent);
    expect(parentAt, region.admdvs).toBeLessThan(index);
  });
  return [...items].sort((a, b) => a.admdvs.localeCompare(b.admdvs));
}

const BOZHOU: Region = { admdvs: '341600', name: '亳州市', parent: null };
const QIAOCHENG: Region = { admdvs: '341602', name: '谯城区', parent: '341600' };
const ZONE: Region = { admdvs: '341603', name: '谯城经济开发区', parent: '341602' };
const GUOYANG: Region = { admdvs: '341621', name: '涡阳县', parent: '341600' };
const LIAOCHENG: Region = { admdvs: '371500', name: '聊城市', parent: null };
const GUANXIAN: Region = { admdvs: '371525', name: '冠县', parent: '371500' };

describe('GET /api/regions', () => {
  it('gives an administrator without a scope every region, with its parent', async () => {
    expect(await regions('admin')).toEqual([BOZHOU, QIAOCHENG, ZONE, GUOYANG, LIAOCHENG, GUANXIAN]);
  });

  it('gives a scoped user their region and the regions under it, at every depth', async () => {
    expect(await regions('city')).toEqual([BOZHOU, QIAOCHENG, ZONE, GUOYANG]);
    expect(await regions('clerk')).toEqual([QIAOCHENG, ZONE]);
    expect(await regions('guoyang')).toEqual([GUOYANG]);
    // A township user's scope is the county's.
    expect(await regions('gujing')).toEqual([QIAOCHENG, ZONE]);
  });

  it('refuses a caller who is not signed in', async () => {
    const response = await world.app.inject({ method: 'GET', url: '/api/regions' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'AUTH_REQUIRED' });
  });
});

describe('GET /api/me: the names of the scope and the department', () => {
  it('names a county user’s county, and no department', async () => {
    const me = await as['clerk']!('GET', '/api/me');
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({
      username: 'clerk',
      scope_admdvs: '341602',
      scope_name: '谯城区',
      department: null,
      department_name: null,
    });
  });

  it('names an unscoped administrator’s scope 全部区划', async () => {
    const me = await as['admin']!('GET', '/api/me');
    expect(me.json).toMatchObject({
      username: 'admin',
      role_name: '管理员',
      scope_admdvs: null,
      scope_name: '全部区划',
      department: null,
      department_name: null,
    });
  });

  it('names a department user’s department in Chinese', async () => {
    const me = await as['civil']!('GET', '/api/me');
    expect(me.json).toMatchObject({
      username: 'civil',
      scope_name: '谯城区',
      department: 'civil_affairs',
      department_name: '民政部门',
    });
  });

  it('answers the same names at login', async () => {
    const response = await world.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'civil', password: 'civil-password' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().user).toMatchObject({ scope_name: '谯城区', department_name: '民政部门' });
  });
});

describe('the built console served at /', () => {
  let built: World;
  let unbuilt: World;
  let folder: string;
  let empty: string;
  const PAGE = '<html>控制台</html>';
  const SCRIPT = 'console.log("三保");';

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'sanbao-web-'));
    mkdirSync(join(folder, 'assets'));
    writeFileSync(join(folder, 'index.html'), PAGE);
    writeFileSync(join(folder, 'assets', 'app-abc.js'), SCRIPT);
    empty = mkdtempSync(join(tmpdir(), 'sanbao-web-empty-'));
    built = await createWorld('web_built', { empty: true, webDir: folder });
    unbuilt = await createWorld('web_unbuilt', { empty: true, webDir: empty });
  });
  afterAll(async () => {
    await built.close();
    await unbuilt.close();
    rmSync(folder, { recursive: true, force: true });
    rmSync(empty, { recursive: true, force: true });
  });

  const get = (w: World, url: string, method: 'GET' | 'POST' = 'GET'): Promise<LightMyRequestResponse> =>
    w.app.inject({ method, url });

  it('serves the page at /, not cached without asking', async () => {
    const response = await get(built, '/');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.body).toBe(PAGE);
  });

  it('serves the same page at a console address, so it can be reloaded', async () => {
    for (const url of ['/persons/P001', '/settlements?page=2', '/warnings/2026/P001']) {
      const response = await get(built, url);
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type'], url).toMatch(/^text\/html/);
      expect(response.headers['cache-control'], url).toBe('no-cache');
      expect(response.body, url).toBe(PAGE);
    }
  });

  it('serves a hashed asset', async () => {
    const response = await get(built, '/assets/app-abc.js');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.body).toBe(SCRIPT);
  });

  // @fastify/static calls setHeaders and then sets the headers of @fastify/send, whose default cacheControl would write
  // `Cache-Control: public, max-age=0` over the one setHeaders chose (web.ts registers with cacheControl: false).
  it('caches a hashed asset for good', async () => {
    const response = await get(built, '/assets/app-abc.js');
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toContain('immutable');
  });

  it('answers a missing asset 404, not the page', async () => {
    for (const url of ['/assets/missing.js', '/missing.css']) {
      const response = await get(built, url);
      expect(response.statusCode, url).toBe(404);
      expect(response.body, url).not.toContain('控制台');
    }
  });

  it('answers an unknown interface 404 in JSON with a Chinese message, not the page', async () => {
    const response = await get(built, '/api/nothing');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    const body = response.json();
    expect(body.code).toBe('NOT_FOUND');
    expect(body.message).toMatch(/[\u4e00-\u9fff]/);
    expect(response.body).not.toContain('<html>');
  });

  it('answers a POST to a console address 404, not the page', async () => {
    const response = await get(built, '/persons', 'POST');
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain('控制台');
  });

  it('still answers the health check and the API beside the page', async () => {
    const health = await get(built, '/healthz');
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    const me = await get(built, '/api/me');
    expect(me.statusCode).toBe(401);
    expect(me.json()).toMatchObject({ code: 'AUTH_REQUIRED' });
  });

  it('says in Chinese that the console is not built when its folder has no index.html', async () => {
    const response = await get(unbuilt, '/');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain('控制台尚未构建');
    // A console address gets the same notice; the interfaces still answer as themselves.
    expect((await get(unbuilt, '/persons/P001')).body).toContain('控制台尚未构建');
    expect((await get(unbuilt, '/api/nothing')).json()).toMatchObject({ code: 'NOT_FOUND' });
    expect((await get(unbuilt, '/healthz')).statusCode).toBe(200);
  });
});
