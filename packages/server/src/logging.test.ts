/** What the platform logs about a request never holds an ID number, nor does the audit log. */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { audit } from './audit.js';
import { PolicyRegistry } from './policies.js';
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

it('masks ID numbers and bounds text in audit details', async () => {
  const certno = PEOPLE.dibao.certno;
  await audit(world.pool, 'user:test', 'test.detail', { message: `查无此人：${certno}`, long: 'x'.repeat(10_000) });
  const { rows } = await world.pool.query<{ detail: { message: string; long: string } }>(
    "select detail from audit_log where action = 'test.detail'",
  );
  expect(rows[0]?.detail.message).toBe(`查无此人：${certno.slice(0, 6)}********${certno.slice(14)}`);
  expect(rows[0]?.detail.long.length).toBeLessThanOrEqual(201);
});
