/** The HTTP application: the HIS endpoint, health, and the OpenAPI description at /docs. */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { findControlCharacter, formatPath, MAX_NESTING, nestsDeeperThan, withoutControlCharacters } from '@sanbao/core';
import { isDatabaseUnavailable, type Pool } from './db/pool.js';
import { ApiError } from './console/errors.js';
import { registerEnrollmentRoutes } from './enrollment/routes.js';
import { registerLedgerRoutes } from './ledger/routes.js';
import { registerConsoleRoutes } from './console/routes.js';
import { registerPersonRoutes } from './persons/routes.js';
import { registerSettlementRoutes } from './settlement/routes.js';
import { callService, TRANSACTIONS } from './his/endpoint.js';
import { errorReply } from './his/protocol.js';
import type { PolicyRegistry } from './policies.js';
import { registerWarningRoutes } from './warnings/routes.js';
import { registerApplicationRoutes } from './applications/routes.js';
import { registerDashboardRoutes } from './dashboard/routes.js';
import { maskIdNumbers } from './security/identity.js';
import { registerWebConsole } from './console/web.js';
import { registerPolicyRoutes } from './policy-routes/routes.js';
import { registerAdminRoutes } from './admin/routes.js';
import { registerManualRoutes } from './manual/routes.js';

export interface AppOptions {
  pool: Pool;
  policies: PolicyRegistry;
  bodyLimit: number;
  logLevel?: string;
  /** Where the log goes (standard output unless given). */
  logStream?: NodeJS.WritableStream;
  clock?: () => Date;
  /** The built console (packages/web/dist) served at `/`; without it `/` says the console is not built. */
  webDir?: string;
  /** The CJK font settlement sheets are written with as PDF (default: Debian's fonts-noto-cjk). */
  pdfFont?: string;
}

const envelopeDoc = {
  type: 'object',
  required: ['infno', 'msgid', 'mdtrtarea_admvs', 'opter', 'inf_time', 'fixmedins_code', 'input'],
  properties: {
    infno: {
      type: 'string',
      description: `交易编号：${Object.entries(TRANSACTIONS)
        .map(([code, t]) => `${code} ${t.name}`)
        .join('；')}`,
    },
    msgid: { type: 'string', maxLength: 30, description: '发送方报文ID：同一机构同一报文ID只处理一次，重发返回原应答' },
    mdtrtarea_admvs: { type: 'string', description: '就医地医保区划（6 位）' },
    insuplc_admdvs: { type: 'string', description: '参保地医保区划' },
    opter: { type: 'string' },
    opter_name: { type: 'string' },
    inf_time: { type: 'string', description: 'yyyy-MM-dd HH:mm:ss' },
    fixmedins_code: { type: 'string', description: '定点医药机构编号，须与凭证一致' },
    input: {
      type: 'object',
      additionalProperties: true,
      description: '交易输入（data、mdtrtinfo、feedetail、dscginfo、signIn 等节点）',
    },
  },
} as const;

const replyDoc = {
  type: 'object',
  properties: {
    infcode: { type: 'integer', description: '0 成功，-1 失败' },
    inf_refmsgid: { type: 'string' },
    refmsg_time: { type: 'string' },
    respond_time: { type: 'string' },
    err_msg: { type: 'string', description: '失败时的中文说明，以 [错误代码] 开头' },
    err_code: { type: 'string', description: '稳定的错误代码（本平台扩展字段）' },
    warn_msg: { type: 'string' },
    output: { type: 'object', additionalProperties: true },
  },
} as const;

function decodeURIComponentSafe(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const clock = options.clock ?? ((): Date => new Date());
  const app = Fastify({
    logger: {
      level: options.logLevel ?? 'info',
      ...(options.logStream ? { stream: options.logStream } : {}),
      // The request log never holds an ID number (a search by ID puts it in the URL): masked, as every answer is.
      serializers: {
        req: (request: { method: string; url: string; ip?: string }) => ({
          method: request.method,
          url: maskIdNumbers(decodeURIComponentSafe(request.url)),
          remoteAddress: request.ip,
        }),
      },
    },
    bodyLimit: options.bodyLimit,
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Sanbao 三保一站式结算平台',
        version: '0.1.0',
        description:
          '定点医药机构接口（国家医保接口报文格式）与管理接口。机构凭证：HTTP Basic（定点医药机构编号:密钥）。',
      },
      components: {
        securitySchemes: {
          institution: { type: 'http', scheme: 'basic' },
          console: { type: 'http', scheme: 'bearer' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  // Text with NUL or control characters is refused before any console route reads it (the HIS endpoint does the
  // same after authenticating the institution).
  app.addHook('preValidation', (request, _reply, done) => {
    if (!request.url.startsWith('/api/')) return done();
    for (const [part, value] of [
      ['query', request.query],
      ['params', request.params],
      ['body', Buffer.isBuffer(request.body) ? undefined : request.body],
    ] as const) {
      if (nestsDeeperThan(value))
        return done(new ApiError('SCHEMA', `${part}：嵌套层级超过 ${MAX_NESTING} 层，不予受理`));
      const found = findControlCharacter(value, [part]);
      if (found)
        return done(
          new ApiError(
            'TEXT_CONTROL',
            `${withoutControlCharacters(formatPath(found.path))}：含有控制字符 ${found.character}，请去除后重试`,
          ),
        );
    }
    done();
  });

  // Malformed JSON and oversized bodies still get a reply in the interface's shape.
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, request, reply) => {
    const unavailable = isDatabaseUnavailable(error);
    if (request.url.startsWith('/api/')) {
      if (error instanceof ApiError)
        return reply.status(error.status).send({ code: error.code, message: error.message });
      if (unavailable)
        return reply.status(503).send({ code: 'SERVICE_UNAVAILABLE', message: '服务暂不可用，请稍后重试' });
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
        return reply.status(413).send({ code: 'BODY_TOO_LARGE', message: '请求内容过大' });
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH')
        return reply.status(415).send({
          code: 'MEDIA_TYPE',
          message: `不支持的请求内容类型 ${String(request.headers['content-type'] ?? '（未给出）').slice(0, 100)}，请以 JSON 发送`,
        });
      if (error.statusCode === 400)
        return reply.status(400).send({ code: 'JSON_MALFORMED', message: `请求内容不是有效的 JSON：${error.message}` });
      request.log.error(error);
      return reply.status(500).send({ code: 'INTERNAL', message: '服务器内部错误' });
    }
    const received = clock();
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.status(413).send(errorReply('BODY_TOO_LARGE', `请求报文超过 ${options.bodyLimit} 字节`, received));
    }
    if (
      error.statusCode === 400 ||
      error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ||
      error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
    ) {
      return reply
        .status(400)
        .send(errorReply('JSON_MALFORMED', `请求报文不是有效的 JSON：${error.message}`, received));
    }
    if (unavailable)
      return reply
        .status(503)
        .send(errorReply('SERVICE_UNAVAILABLE', '服务暂不可用，请稍后重试（交易未处理，可用原报文ID重发）', received));
    request.log.error(error);
    return reply.status(500).send(errorReply('INVARIANT', '服务器内部错误，交易未完成', received));
  });

  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await options.pool.query('select 1');
      return { status: 'ok' };
    } catch {
      return reply.status(503).send({ status: 'unavailable', message: '数据库暂不可用' });
    }
  });

  app.post(
    '/fsi/api/rsfComIfsService/callService',
    {
      schema: {
        summary: '定点医药机构交易（国家医保接口）',
        description: 'HIS 调用的统一入口：按 infno 分派。业务失败时 HTTP 200、infcode = -1；凭证无效时 HTTP 401。',
        security: [{ institution: [] }],
        body: envelopeDoc,
        response: { 200: replyDoc, 401: replyDoc, 503: replyDoc },
      },
      // The envelope is validated once, by the handler, which answers in Chinese with stable codes: the schema above
      // is for the document only.
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      const outcome = await callService(
        { pool: options.pool, policies: options.policies, clock },
        request.body,
        request.headers.authorization,
        request.ip,
      );
      return reply.status(outcome.status).send(outcome.reply);
    },
  );
  registerConsoleRoutes(app, options.pool);
  registerPersonRoutes(app, options.pool);
  registerSettlementRoutes(app, options.pool, options.pdfFont);
  registerLedgerRoutes(app, options.pool, clock);
  registerEnrollmentRoutes(app, options.pool, options.policies, clock);
  registerWarningRoutes(app, options.pool, options.policies, clock);
  registerApplicationRoutes(app, options.pool, options.policies, clock);
  registerDashboardRoutes(app, options.pool, clock);
  registerManualRoutes(app, options.pool, options.policies, clock);
  registerAdminRoutes(app, options.pool, options.policies);
  registerPolicyRoutes(app, options.pool, options.policies, clock);
  await registerWebConsole(app, options.webDir);
  return app;
}
