/** Enrollment, the monthly subsidy adjustment and the enrollment reports (JSON or XLSX) over the console API. */
import { parseYuan, SanbaoError } from '@sanbao/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { audit } from '../audit.js';
import type { Pool } from '../db/pool.js';
import { authenticate, requireRole, type User } from '../console/auth.js';
import { ApiError } from '../console/errors.js';
import { isoDate, parse, region, year } from '../console/parse.js';
import { requirePersonInScope, requireRegionInScope } from '../console/scope.js';
import { chinaDate } from '../time.js';
import type { PolicyRegistry } from '../policies.js';
import { sendXlsx, workbookXlsx } from '../xlsx.js';
import {
  coverage,
  coverageSheets,
  subsidyRoster,
  subsidyRosterSheets,
  uninsuredTargets,
  uninsuredTargetSheets,
} from './reports.js';
import { adjustSubsidies, enroll } from './service.js';

/** The region a report covers: the one asked for, which must lie in the user's scope, or the whole scope. */
async function reportRegion(pool: Pool, user: User, asked: string | undefined): Promise<string | null> {
  if (asked === undefined) return user.scope_admdvs;
  await requireRegionInScope(pool, user, asked);
  return asked;
}

export function registerEnrollmentRoutes(
  app: FastifyInstance,
  pool: Pool,
  policies: PolicyRegistry,
  clock: () => Date,
): void {
  const tags = ['参保与资助'];
  const security = [{ console: [] }];
  const today = (): string => chinaDate(clock());
  const reportQuery = (
    request: FastifyRequest,
  ): { year: number; region?: string | undefined; date?: string | undefined; format: 'json' | 'xlsx' } =>
    parse(
      z
        .object({
          year,
          region: region.optional(),
          date: isoDate.optional(),
          format: z.enum(['json', 'xlsx']).default('json'),
        })
        .strict(),
      request.query,
      'query',
    );

  app.post(
    '/api/enrollments',
    { schema: { tags, summary: '登记参保缴费（按缴费日的人员类别计算分类资助）', security } },
    async (request, reply) => {
      const me = await authenticate(pool, request);
      requireRole(me, 'operator');
      const body = parse(
        z
          .object({
            psn_no: z.string().min(1).max(40),
            year,
            paid_on: isoDate.optional(),
            tier: z.union([z.string(), z.number()]).optional(),
          })
          .strict(),
        request.body,
        'body',
      );
      const paidOn = body.paid_on ?? today();
      if (paidOn > today()) throw new ApiError('DATE_ORDER', `缴费日期 ${paidOn} 晚于今天`);
      const paidYear = Number(paidOn.slice(0, 4));
      if (body.year < paidYear || body.year > paidYear + 1) {
        throw new ApiError('DATE_ORDER', `${paidOn} 缴费只能参加 ${paidYear} 或 ${paidYear + 1} 年度`);
      }
      let tier: number | undefined;
      if (body.tier !== undefined) {
        const parsed = parseYuan(body.tier);
        if (!parsed.ok) throw new ApiError('AMOUNT_FORMAT', 'body.tier：应为不超过两位小数的非负金额（元）');
        tier = parsed.value;
      }
      await requirePersonInScope(pool, me, body.psn_no);
      try {
        const enrollment = await enroll(pool, policies, {
          psnNo: body.psn_no,
          year: body.year,
          paidOn,
          tier,
          actor: `user:${me.username}`,
        });
        return await reply.status(201).send(enrollment);
      } catch (error) {
        if (error instanceof SanbaoError) throw new ApiError(error.code, error.problems[0]?.message ?? '');
        throw error;
      }
    },
  );

  app.post(
    '/api/subsidy-adjustments',
    { schema: { tags, summary: '按月调整资助（年中新认定人员补享资助）', security } },
    async (request) => {
      const me = await authenticate(pool, request);
      requireRole(me, 'operator');
      const { month } = parse(
        z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: '应为 yyyy-MM' }) }).strict(),
        request.body,
        'body',
      );
      if (month > today().slice(0, 7)) throw new ApiError('DATE_ORDER', `${month} 尚未到来，不能调整`);
      const result = await adjustSubsidies(pool, policies, {
        month,
        region: me.scope_admdvs,
        actor: `user:${me.username}`,
      });
      await audit(pool, `user:${me.username}`, 'subsidy.adjust', {
        month,
        adjusted: result.adjusted,
        total: result.total,
      });
      return result;
    },
  );

  app.get(
    '/api/reports/subsidy-roster',
    { schema: { tags, summary: '资助参保花名册（按乡镇、类别汇总；?format=xlsx）', security } },
    async (request, reply) => {
      const me = await authenticate(pool, request);
      const query = reportQuery(request);
      const roster = await subsidyRoster(pool, query.year, await reportRegion(pool, me, query.region));
      if (query.format === 'xlsx')
        return sendXlsx(reply, `${query.year}年度资助参保花名册`, await workbookXlsx(subsidyRosterSheets(roster)));
      return roster;
    },
  );

  app.get(
    '/api/reports/uninsured-targets',
    { schema: { tags, summary: '应保尽保：未参保的救助对象（?format=xlsx 供乡镇核实）', security } },
    async (request, reply) => {
      const me = await authenticate(pool, request);
      const query = reportQuery(request);
      const targets = await uninsuredTargets(
        pool,
        query.year,
        query.date ?? today(),
        await reportRegion(pool, me, query.region),
      );
      if (query.format === 'xlsx') {
        return sendXlsx(
          reply,
          `${query.year}年度应保未保名单`,
          await workbookXlsx(uninsuredTargetSheets(query.year, targets)),
        );
      }
      return { year: query.year, count: targets.length, targets };
    },
  );

  app.get(
    '/api/reports/coverage',
    { schema: { tags, summary: '参保率（按县区、乡镇；?format=xlsx）', security } },
    async (request, reply) => {
      const me = await authenticate(pool, request);
      const query = reportQuery(request);
      const report = await coverage(
        pool,
        query.year,
        query.date ?? today(),
        await reportRegion(pool, me, query.region),
      );
      if (query.format === 'xlsx')
        return sendXlsx(reply, `${query.year}年度参保率`, await workbookXlsx(coverageSheets(query.year, report)));
      return { year: query.year, ...report };
    },
  );
}
