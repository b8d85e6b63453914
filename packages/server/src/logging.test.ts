/** What the platform logs about a request never holds an ID number, nor does the audit log. */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { audit } from './audit.js';
import { PolicyRegistry } from './policies.js';
import { certnoIndex } from './security/identity.js';
import { createWorld, NOW, PEOPLE, signIn, type World } from './test-support/world.js';

let world: World;
beforeAll(async () => {
  world = await createWorld('logging');
});
afterAll(async () => {
  await world.close();
});

it('masks the ID number a clerk searched for in the request log', async () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const app = await buildApp({
    pool: world.pool,
    policies: new PolicyRegistry(),
    bodyLimit: 200_000,
    logLevel: 'info',
    logStream: stream,
    clock: () => NOW,
  });
  try {
    const token = await signIn(world, {
      username: 'searcher',
      display_name: '经办',
      role: 'operator',
      scope_admdvs: '341602',
    });
    const certno = PEOPLE.ordinary.certno;
    const found = await app.inject({
      method: 'GET',
      url: `/api/persons?q=${certno}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(found.json()).toMatchObject({ total: 1 });
    const log = lines.join('');
    expect(log).toContain(`/api/persons?q=${certno.slice(0, 6)}********${certno.slice(14)}`);
    expect(log).not.toContain(certno);
  } finally {
    await app.close();
  }
});

it('hashes ID numbers and bounds text in audit details', async () => {
  const certno = PEOPLE.dibao.certno;
  await audit(world.pool, 'user:test', 'test.detail', { message: `查无此人：${certno}`, long: 'x'.repeat(10_000) });
  const { rows } = await world.pool.query<{ detail: { message: string; long: string } }>(
    "select detail from audit_log where action = 'test.detail'",
  );
  // Hashed with the ID key: the person is found by it, the number is not in the log.
  expect(rows[0]?.detail.message).toBe(`查无此人：身份证号#${certnoIndex(certno).slice(0, 12)}`);
  expect(JSON.stringify(rows)).not.toContain(certno.slice(6, 14));
  expect(rows[0]?.detail.long.length).toBeLessThanOrEqual(201);
});

it('refuses NUL and control characters in console fields with TEXT_CONTROL, writing nothing', async () => {
  const token = await signIn(world, {
    username: 'nul-clerk',
    display_name: '经办',
    role: 'operator',
    scope_admdvs: '341602',
  });
  const before = await world.pool.query('select count(*)::int as n from persons');
  for (const [url, payload] of [
    ['/api/persons', { certno: PEOPLE.lapsed.certno, psn_name: '张\u0000伟', admdvs: '341602' }],
    ['/api/persons', { certno: PEOPLE.lapsed.certno, psn_name: '张伟', admdvs: '341602', township: '古井镇\u001b' }],
    ['/api/persons?q=%00', undefined],
  ] as const) {
    const response = await world.app.inject({
      method: payload ? 'POST' : 'GET',
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });
    expect(response.statusCode, url).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'TEXT_CONTROL',
      message: expect.stringMatching(/控制字符 U\+00(00|1B)/),
    });
  }
  expect((await world.pool.query('select count(*)::int as n from persons')).rows[0].n).toBe(before.rows[0].n);
});
