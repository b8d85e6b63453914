/**
 * The route kit on its own: an answer carries only what its schema declares, a handler that breaks its declaration
 * answers 500 INVARIANT (never a half-checked answer), each request part is validated with a 400 naming its place, a
 * route without a session is refused before its input is read, and a file answer goes out as it is.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from './errors.js';
import { declareRoute, FileAnswer, XLSX } from './kit.js';
import { Yuan, yuan } from './units.js';

let app: FastifyInstance;
// Never connected: the public routes below do not touch the database, and the signed-in one is refused first.
const pool = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
let handled = 0;

beforeAll(async () => {
  app = Fastify({ logger: false });
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof ApiError) return reply.status(error.status).send({ code: error.code, message: error.message });
    return reply.status(500).send({ code: 'UNEXPECTED', message: String(error) });
  });
  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/echo/:id',
    tag: '测试',
    summary: '回显',
    access: 'public',
    params: z.object({ id: z.coerce.number().int().min(1) }),
    query: z.object({ leak: z.enum(['yes', 'no']).default('no') }),
    body: z.object({ fen: z.number().int() }).strict(),
    status: 201,
    response: z.object({ id: z.number().int(), amount: Yuan }),
    handler: ({ params, query, body }) => {
      handled += 1;
      // An undeclared field (as a row spread into an answer would bring) must not go out.
      return Promise.resolve({
        id: params.id,
        amount: yuan(body.fen),
        ...(query.leak === 'yes' ? { certno: 'x' } : {}),
      });
    },
  });
  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/broken',
    tag: '测试',
    summary: '违背自己的应答说明',
    access: 'public',
    response: z.object({ amount: Yuan }),
    handler: () => Promise.resolve({ amount: 12.5 as unknown as string }),
  });
  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/private',
    tag: '测试',
    summary: '须登录',
    access: 'operator',
    body: z.object({ name: z.string() }).strict(),
    response: z.object({}),
    handler: () => {
      handled += 1;
      return Promise.resolve({});
    },
  });
  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/file',
    tag: '测试',
    summary: '文件',
    access: 'public',
    files: [XLSX],
    handler: () => Promise.resolve(new FileAnswer('台账.xlsx', XLSX, Buffer.from('PK'))),
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await pool.end();
});

describe('the route kit', () => {
  it('answers with the declared status and only the declared fields', async () => {
    const answer = await app.inject({ method: 'POST', url: '/api/echo/7?leak=yes', payload: { fen: 123456 } });
    expect(answer.statusCode).toBe(201);
    // 123456 fen = 1234.56 yuan; certno was not declared and is dropped.
    expect(answer.json()).toEqual({ id: 7, amount: '1234.56' });
  });

  it('refuses each bad part with a 400 naming its place, before the handler runs', async () => {
    const before = handled;
    for (const [url, payload, place] of [
      ['/api/echo/0', { fen: 1 }, 'params.id'],
      ['/api/echo/1?leak=maybe', { fen: 1 }, 'query.leak'],
      ['/api/echo/1', { fen: 1.5 }, 'body.fen'],
      ['/api/echo/1', { fen: 1, extra: true }, 'body'],
    ] as const) {
      const answer = await app.inject({ method: 'POST', url, payload });
      expect(answer.statusCode, url).toBe(400);
      expect(answer.json<{ code: string; message: string }>()).toMatchObject({
        code: 'SCHEMA',
        message: expect.stringContaining(place),
      });
    }
    expect(handled).toBe(before);
  });

  it('answers 500 INVARIANT when a handler breaks its own declaration', async () => {
    const answer = await app.inject({ method: 'GET', url: '/api/broken' });
    expect(answer.statusCode).toBe(500);
    expect(answer.json()).toMatchObject({ code: 'INVARIANT' });
    expect(answer.body).not.toContain('12.5');
  });

  it('refuses a route that needs a session before reading its body', async () => {
    const before = handled;
    const answer = await app.inject({ method: 'POST', url: '/api/private', payload: { name: 1 } });
    expect(answer.statusCode).toBe(401);
    expect(answer.json()).toMatchObject({ code: 'AUTH_REQUIRED' });
    expect(handled).toBe(before);
  });

  it('sends a file answer as it is, with its name', async () => {
    const answer = await app.inject({ method: 'GET', url: '/api/file' });
    expect(answer.headers['content-type']).toBe(XLSX);
    expect(answer.headers['content-disposition']).toBe(
      `attachment; filename*=UTF-8''${encodeURIComponent('台账.xlsx')}`,
    );
    expect(answer.body).toBe('PK');
  });
});
