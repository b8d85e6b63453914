/**
 * The console API's route kit: every /api route is declared once — method, path, who may call it, the zod shapes
 * of its path, query, body and answer, Chinese summary — and from that one declaration come authentication, the
 * role check, validation (each problem a 400 naming its place), the answer checked against its schema (fields not
 * declared are dropped: an answer cannot leak a column by accident), and the OpenAPI document at /docs with
 * complete shapes, from which a typed client is generated.
 *
 * Fastify's own validation and serialization are not used for these routes: zod is the one validator, so the
 * document and the checks cannot disagree.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { audit } from '../audit.js';
import type { Pool } from '../db/pool.js';
import { authenticate, requireRole, type Role, type User } from './auth.js';
import { ApiError } from './errors.js';
import { parse } from './parse.js';

/** Who may call a route: anyone (logging in), any signed-in user, or users of at least a role. */
export type Access = 'public' | 'signed_in' | Role;

/** A file answer (a workbook, a CSV): sent as it is, with its name. */
export class FileAnswer {
  constructor(
    readonly filename: string,
    readonly contentType: string,
    readonly body: Buffer | string,
  ) {}
}

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface RouteInput<A extends Access, P, Q, B> {
  me: A extends 'public' ? null : User;
  params: P;
  query: Q;
  body: B;
  request: FastifyRequest;
  reply: FastifyReply;
  /** Writes an audit row as the signed-in user. */
  audit: (action: string, details: Record<string, unknown>) => Promise<void>;
}

type Shape = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteSpec<A extends Access, P extends Shape, Q extends Shape, B extends Shape, R extends Shape> {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  tag: string;
  summary: string;
  description?: string;
  access: A;
  /**
   * A check of the signed-in user beyond a minimum role (reviewers only, no township users …): run before the input
   * is read, so a user who may not call the route is refused as such whatever they send.
   */
  guard?: (me: User) => void;
  params?: P;
  query?: Q;
  body?: B;
  /** A raw upload instead of a JSON body: the content types the route reads (the body arrives as bytes). */
  upload?: { contentTypes: readonly string[]; description: string };
  /** The JSON answer; a route that only answers files (`files`) declares none. */
  response?: R;
  /** Its status (200 unless given; a handler may set another status of the same shape with reply.status). */
  status?: 200 | 201;
  /** Files the route may answer instead of JSON (e.g. ?format=xlsx): content types. */
  files?: readonly string[];
  handler: (input: RouteInput<A, Out<P>, Out<Q>, Out<B>>) => Promise<z.input<R> | FileAnswer>;
}

/** Every refusal's answer. */
export const RefusalAnswer = z
  .object({
    code: z.string().describe('稳定的错误代码'),
    message: z.string().describe('中文说明'),
  })
  .describe('拒绝：错误代码与中文说明');

const SECURITY = [{ console: [] }];

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' });
}

/** The zod shapes as the OpenAPI document gives them (Fastify's schema slots, read only by @fastify/swagger). */
function documented(spec: RouteSpec<Access, Shape, Shape, Shape, Shape>): Record<string, unknown> {
  const ok: Record<string, unknown> = {
    description: '成功',
    content: {
      ...(spec.response ? { 'application/json': { schema: jsonSchema(spec.response, 'output') } } : {}),
      ...Object.fromEntries((spec.files ?? []).map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
    },
  };
  const refusal = {
    description: '拒绝',
    content: { 'application/json': { schema: jsonSchema(RefusalAnswer, 'output') } },
  };
  return {
    tags: [spec.tag],
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.access === 'public' ? {} : { security: SECURITY }),
    ...(spec.params ? { params: jsonSchema(spec.params, 'input') } : {}),
    ...(spec.query ? { querystring: jsonSchema(spec.query, 'input') } : {}),
    ...(spec.body ? { body: jsonSchema(spec.body, 'input') } : {}),
    ...(spec.upload
      ? {
          body: {
            description: spec.upload.description,
            content: Object.fromEntries(
              spec.upload.contentTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]),
            ),
          },
        }
      : {}),
    response: { [spec.status ?? 200]: ok, '4XX': refusal, '5XX': refusal },
  };
}

/** Declares a console route: the one place its access, shapes and document are written. */
export function declareRoute<A extends Access, P extends Shape, Q extends Shape, B extends Shape, R extends Shape>(
  app: FastifyInstance,
  pool: Pool,
  spec: RouteSpec<A, P, Q, B, R>,
): void {
  app.route({
    method: spec.method,
    url: spec.url,
    schema: documented(spec as unknown as RouteSpec<Access, Shape, Shape, Shape, Shape>),
    // zod validates (below); the schema slots above are for the document only.
    validatorCompiler: () => () => true,
    serializerCompiler: () => (data) => JSON.stringify(data),
    handler: async (request, reply) => {
      const me = spec.access === 'public' ? null : await authenticate(pool, request);
      if (me && spec.access !== 'signed_in' && spec.access !== 'public') requireRole(me, spec.access);
      if (me && spec.guard) spec.guard(me);
      const input = {
        me,
        params: spec.params ? parse(spec.params, request.params, 'params') : undefined,
        query: spec.query ? parse(spec.query, request.query ?? {}, 'query') : undefined,
        body: spec.body ? parse(spec.body, request.body ?? {}, 'body') : spec.upload ? request.body : undefined,
        request,
        reply,
        audit: (action: string, details: Record<string, unknown>) =>
          audit(pool, me ? `user:${me.username}` : 'anonymous', action, details),
      } as RouteInput<A, Out<P>, Out<Q>, Out<B>>;
      const answer = await spec.handler(input);
      if (answer instanceof FileAnswer) {
        return reply
          .header('content-type', answer.contentType)
          .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(answer.filename)}`)
          .send(answer.body);
      }
      const checked = spec.response?.safeParse(answer) ?? { success: false as const, error: { issues: [] } };
      if (!checked.success) {
        // The handler broke its own declaration: a bug, never the caller's fault, and nothing undeclared goes out.
        request.log.error(
          { issues: checked.error.issues.slice(0, 5), url: spec.url },
          'answer does not match its schema',
        );
        throw new ApiError('INVARIANT', '服务器内部错误：应答与接口说明不符');
      }
      if (reply.statusCode === 200 && spec.status) reply.status(spec.status);
      return reply.send(checked.data);
    },
  });
}
