/**
 * Enrollment and the monthly subsidy adjustment over the console API (the bureau's: not a township's or a department's
 * user); the enrollment reports (JSON or XLSX) are reports-routes.ts, the screen's paged lists console-routes.ts.
 */
import { parseYuan, SanbaoError, type Fen } from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../console/errors.js';
import { declareRoute } from '../console/kit.js';
import { isoDate, year } from '../console/parse.js';
import { requirePersonInScope } from '../console/scope.js';
import { IsoDay, Yuan, yuan } from '../console/units.js';
import type { Pool } from '../db/pool.js';
import type { PolicyRegistry } from '../policies.js';
import { chinaDate } from '../time.js';
import { registerEnrollmentConsoleRoutes } from './console-routes.js';
import { bureauOnly } from './console-shapes.js';
import { registerEnrollmentReportRoutes } from './reports-routes.js';
import { adjustSubsidies, enroll } from './service.js';

const tag = '参保与资助';

const EnrollmentAnswer = z.object({
  psn_no: z.string().describe('人员编号'),
  year: z.number().int().describe('参保年度'),
  insutype: z.string().describe('险种（390 城乡居民基本医疗保险）'),
  begin_date: IsoDay.describe('待遇开始日期'),
  end_date: IsoDay.describe('待遇截止日期'),
  contribution: Yuan.describe('个人缴费标准（元）'),
  fiscal: Yuan.describe('财政补助（元）'),
  subsidy: Yuan.describe('医疗救助资助金额（元）'),
  person_pays: Yuan.describe('个人实缴（元）'),
  subsidy_category: z.string().nullable().describe('资助所依人员类别代码（无资助为空）'),
  subsidy_rule: z.string().describe('资助依据的说明'),
  paid_on: IsoDay.describe('缴费日期'),
});

const AdjustmentAnswer = z.object({
  month: z.string().describe('调整月份（yyyy-MM）'),
  adjusted: z.number().int().describe('调整人数'),
  total: Yuan.describe('补足资助合计（元）'),
  rows: z.array(
    z.object({
      psn_no: z.string().describe('人员编号'),
      year: z.number().int().describe('参保年度'),
      category: z.string().describe('资助所依人员类别代码'),
      before: Yuan.describe('调整前资助金额（元）'),
      after: Yuan.describe('调整后资助金额（元）'),
      delta: Yuan.describe('补足金额（元）'),
    }),
  ),
});

export function registerEnrollmentRoutes(
  app: FastifyInstance,
  pool: Pool,
  policies: PolicyRegistry,
  clock: () => Date,
): void {
  const today = (): string => chinaDate(clock());

  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/enrollments',
    tag,
    summary: '登记参保缴费（按缴费日的人员类别计算分类资助）',
    access: 'operator',
    guard: bureauOnly,
    body: z
      .object({
        psn_no: z.string().min(1).max(40).describe('人员编号'),
        year: year.describe('参保年度（缴费当年或次年）'),
        paid_on: isoDate.optional().describe('缴费日期（默认今天）'),
        // Read here rather than by YuanInput: a bad tier keeps its own code (AMOUNT_FORMAT).
        tier: z
          .union([z.string(), z.number()])
          .optional()
          .describe('缴费档次（元，至多两位小数；省略为政策的个人缴费标准）'),
      })
      .strict(),
    status: 201,
    response: EnrollmentAnswer,
    handler: async ({ me, body }) => {
      const paidOn = body.paid_on ?? today();
      if (paidOn > today()) throw new ApiError('DATE_ORDER', `缴费日期 ${paidOn} 晚于今天`);
      const paidYear = Number(paidOn.slice(0, 4));
      if (body.year < paidYear || body.year > paidYear + 1) {
        throw new ApiError('DATE_ORDER', `${paidOn} 缴费只能参加 ${paidYear} 或 ${paidYear + 1} 年度`);
      }
      let tier: Fen | undefined;
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
        return {
          ...enrollment,
          contribution: yuan(enrollment.contribution),
          fiscal: yuan(enrollment.fiscal),
          subsidy: yuan(enrollment.subsidy),
          person_pays: yuan(enrollment.person_pays),
        };
      } catch (error) {
        if (error instanceof SanbaoError) throw new ApiError(error.code, error.problems[0]?.message ?? '');
        throw error;
      }
    },
  });

  declareRoute(app, pool, {
    method: 'POST',
    url: '/api/subsidy-adjustments',
    tag,
    summary: '按月调整资助（年中新认定人员补享资助）',
    access: 'operator',
    guard: bureauOnly,
    body: z
      .object({
        month: z
          .string()
          .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: '应为 yyyy-MM' })
          .describe('调整月份（yyyy-MM，按该月 1 日的人员类别）'),
      })
      .strict(),
    response: AdjustmentAnswer,
    handler: async ({ me, body, audit }) => {
      const { month } = body;
      if (month > today().slice(0, 7)) throw new ApiError('DATE_ORDER', `${month} 尚未到来，不能调整`);
      const result = await adjustSubsidies(pool, policies, {
        month,
        region: me.scope_admdvs,
        actor: `user:${me.username}`,
      });
      // The audit keeps fen, as every stored amount.
      await audit('subsidy.adjust', { month, adjusted: result.adjusted, total: result.total });
      return {
        ...result,
        total: yuan(result.total),
        rows: result.rows.map((row) => ({
          ...row,
          before: yuan(row.before),
          after: yuan(row.after),
          delta: yuan(row.delta),
        })),
      };
    },
  });

  registerEnrollmentReportRoutes(app, pool, clock);
  registerEnrollmentConsoleRoutes(app, pool, policies, clock);
}
