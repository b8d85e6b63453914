/**
 * The webhook outbox delivers whatever event it holds with the body the event's room gives, signed; an event nobody
 * gives a body for is kept and tried again, never posted empty nor dropped. (The red warning's own deliveries, with
 * receivers failing and recovering, are in warnings/warnings.test.ts.)
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, NOW, PEOPLE, type World } from '../test-support/world.js';
import { dispatchOutbox, retryDelaySeconds, type Delivery, type OutboxBodies } from './dispatch.js';

const SECRET = 'outbox-test-secret';
let world: World;
let server: Server;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
/** The deliveries' IDs (bigint, read as numbers by the pool). */
const ids = { known: 0, unknown: 0 };

const bodies: OutboxBodies = {
  'test.event': (delivery: Delivery) =>
    JSON.stringify({
      delivery: delivery.delivery_id,
      person: delivery.psn_name,
      n: (delivery.event_data as { n: number }).n,
    }),
};

beforeAll(async () => {
  world = await createWorld('outbox');
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const { rows } = await world.pool.query<{ endpoint_id: string }>(
    "insert into webhook_endpoints (name, url, secret) values ('测试接收方', $1, $2) returning endpoint_id",
    [url, SECRET],
  );
  const insert = async (event: string, psnNo: string, data: unknown): Promise<number> => {
    const inserted = await world.pool.query<{ delivery_id: number }>(
      `insert into webhook_outbox (endpoint_id, event, psn_no, year, event_data, created_at, next_attempt_at)
       values ($1, $2, $3, 2026, $4, $5, $5) returning delivery_id`,
      [rows[0]!.endpoint_id, event, psnNo, JSON.stringify(data), NOW],
    );
    return inserted.rows[0]!.delivery_id;
  };
  ids.known = await insert('test.event', PEOPLE.dibao.psnNo, { n: 7 });
  ids.unknown = await insert('unknown.event', PEOPLE.ordinary.psnNo, {});
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await world.close();
});

describe('the webhook outbox', () => {
  it('waits 30 s after the first failure, doubling up to an hour', () => {
    // 30 × 2^(n−1): 30, 60, 120; the 7th 30 × 64 = 1,920; the 8th 30 × 128 = 3,840 > 3,600, so an hour.
    expect([1, 2, 3, 7, 8, 20].map(retryDelaySeconds)).toEqual([30, 60, 120, 1920, 3600, 3600]);
  });

  it("posts an event with its room's body, signed; keeps one without a body for later", async () => {
    expect(await dispatchOutbox(world.pool, bodies, { now: NOW })).toEqual({ delivered: 1, failed: 1 });
    expect(received).toHaveLength(1);
    const [delivery] = received;
    expect(JSON.parse(delivery!.body)).toEqual({ delivery: ids.known, person: PEOPLE.dibao.name, n: 7 });
    expect(delivery!.headers['x-sanbao-event']).toBe('test.event');
    expect(delivery!.headers['x-sanbao-delivery']).toBe(String(ids.known));
    expect(delivery!.headers['x-sanbao-signature']).toBe(
      `sha256=${createHmac('sha256', SECRET).update(delivery!.body).digest('hex')}`,
    );
    const { rows: attempts } = await world.pool.query(
      'select delivery_id, attempt, status_code, error from webhook_attempts order by delivery_id',
    );
    expect(attempts).toEqual([
      { delivery_id: ids.known, attempt: 1, status_code: 200, error: null },
      { delivery_id: ids.unknown, attempt: 1, status_code: null, error: '未知的推送事件 unknown.event，没有推送内容' },
    ]);
    const { rows: kept } = await world.pool.query(
      'select attempts, delivered_at, next_attempt_at from webhook_outbox where delivery_id = $1',
      [ids.unknown],
    );
    expect(kept).toEqual([{ attempts: 1, delivered_at: null, next_attempt_at: new Date(NOW.getTime() + 30_000) }]);
  });

  it('delivers the kept event once its body is known, when it is due again', async () => {
    const later = { ...bodies, 'unknown.event': () => '{"late":true}' };
    expect(await dispatchOutbox(world.pool, later, { now: new Date(NOW.getTime() + 29_000) })).toEqual({
      delivered: 0,
      failed: 0,
    });
    expect(await dispatchOutbox(world.pool, later, { now: new Date(NOW.getTime() + 30_000) })).toEqual({
      delivered: 1,
      failed: 0,
    });
    expect(received.map((r) => r.body)).toEqual([received[0]!.body, '{"late":true}']);
    // Delivered once each: nothing is left.
    expect(await dispatchOutbox(world.pool, later, { now: new Date(NOW.getTime() + 3_600_000) })).toEqual({
      delivered: 0,
      failed: 0,
    });
  });
});
