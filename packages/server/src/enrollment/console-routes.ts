/**
 * The enrollment screen's reads over the console API: what an enrollment would record (the subsidy computed by the
 * platform before anything is written), a year's enrollments and a month's subsidy adjustments (JSON or XLSX), within
 * the user's scope, a township's user their township (the roster and the 应保尽保 list a page at a time:
 * roster-routes.ts). Registering and adjusting are the bureau's: a township's or a department's user is refused.
 */
import { parseYuan, SanbaoError } from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../console/errors.js';
import { declareRoute, FileAnswer, XLSX } from '../console/kit.js';
import { isoDate, paging, year } from '../console/parse.js';
import { requirePersonInScope } from '../console/scope.js';
import { chinaTime, ChinaTime, IsoDay, Yuan, yuan } from '../console/units.js';
import type { Pool } from '../db/pool.js';
import type { PolicyRegistry } from '../policies.js';
import { maskedCertno } from '../security/identity.js';
import { chinaDate } from '../time.js';
import { workbookXlsx } from '../xlsx.js';
import {
  bureauOnly,
  categoryName,
  EnrollmentItem,
  enrollmentItem,
  personFilter,
  SumsAnswer,
  sumsAnswer,
  tag,
  Where,
} from './console-shapes.js';
import { adjustmentSheets, enrollmentSheets } from './console-sheets.js';
import { adjustmentsIn, enrollmentsIn } from './queries.js';
import { registerRosterRoutes } from './roster-routes.js';
import { quoteEnrollment } from './service.js';

const Format = z.enum(['json', 'xlsx']).default('json').describe('json 或 xlsx（工作簿）');

export function registerEnrollmentConsoleRoutes(
  app: FastifyInstance,
  pool: Pool,
  policies: PolicyRegistry,
  clock: () => Date,
): void {
  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/enrollments/calendar',
    tag,
    summary: '平台当日：参保、调整与报表默认的日期、年度和月份',
    access: 'signed_in',
    response: z.object({
      today: IsoDay.describe('平台当日'),
      year: z.number().int().describe('当前年度'),
      month: z.string().describe('当前月份（yyyy-MM）'),
    }),
    handler: () => {
      const today = chinaDate(clock());
      return Promise.resolve({ today, year: Number(today.slice(0, 4)), month: today.slice(0, 7) });
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/enrollments/quote',
    tag,
    summary: '参保测算：按缴费日的人员类别计算资助（不登记）',
    access: 'operator',
    guard: bureauOnly,
    query: z
      .object({
        psn_no: z.string().min(1).max(40).describe('人员编号'),
        year: year.describe('参保年度'),
        paid_on: isoDate.optional().describe('缴费日期（默认今天）'),
        tier: z.string().max(20).optional().describe('缴费档次（元；省略为政策的个人缴费标准）'),
      })
      .strict(),
    response: z.object({
      psn_no: z.string().describe('人员编号'),
      year: z.number().int().describe('参保年度'),
      begin_date: IsoDay.describe('待遇开始日期'),
      end_date: IsoDay.describe('待遇截止日期'),
      contribution: Yuan.describe('个人缴费标准（元）'),
      fiscal: Yuan.describe('财政补助（元）'),
      subsidy: Yuan.describe('医疗救助资助（元）'),
      person_pays: Yuan.describe('个人实缴（元）'),
      subsidy_category: z.string().nullable().describe('资助类别代码'),
      subsidy_category_name: z.string().describe('资助类别'),
      subsidy_rule: z.string().describe('资助依据'),
      paid_on: IsoDay.describe('缴费日期'),
      tiers: z.array(Yuan).describe('可选的缴费档次（元；无档次为空）'),
      enrolled: z.boolean().describe('该年度是否已参保'),
    }),
    handler: async ({ me, query }) => {
      const paidOn = query.paid_on ?? chinaDate(clock());
      let tier: number | undefined;
      if (query.tier !== undefined) {
        const parsed = parseYuan(query.tier);
        if (!parsed.ok) throw new ApiError('AMOUNT_FORMAT', 'query.tier：应为不超过两位小数的非负金额（元）');
        tier = parsed.value;
      }
      await requirePersonInScope(pool, me, query.psn_no);
      try {
        const quote = await quoteEnrollment(pool, policies, { psnNo: query.psn_no, year: query.year, paidOn, tier });
        return {
          ...quote,
          contribution: yuan(quote.contribution),
          fiscal: yuan(quote.fiscal),
          subsidy: yuan(quote.subsidy),
          person_pays: yuan(quote.person_pays),
          subsidy_category_name: categoryName(quote.subsidy_category),
          tiers: quote.tiers.map(yuan),
        };
      } catch (error) {
        if (error instanceof SanbaoError) throw new ApiError(error.code, error.problems[0]?.message ?? '');
        throw error;
      }
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/enrollments',
    tag,
    summary: '参保登记（按年度；分页，含缴费与资助合计；?format=xlsx）',
    access: 'signed_in',
    query: z
      .object({
        year: year.describe('参保年度'),
        ...Where,
        q: z.string().min(1).max(40).optional().describe('人员编号或姓名（开头）'),
        ...paging(200),
        format: Format,
      })
      .strict(),
    response: z.object({
      total: z.number().int().describe('人数'),
      page: z.number().int(),
      size: z.number().int(),
      sums: SumsAnswer,
      items: z.array(EnrollmentItem),
    }),
    files: [XLSX],
    handler: async ({ me, query }) => {
      const filter = { ...(await personFilter(pool, me, query)), year: query.year, q: query.q ?? null };
      const xlsx = query.format === 'xlsx';
      const { total, sums, rows } = await enrollmentsIn(pool, filter, query.page, xlsx ? null : query.size);
      if (xlsx)
        return new FileAnswer(
          `${query.year}年度参保登记.xlsx`,
          XLSX,
          await workbookXlsx(enrollmentSheets(query.year, rows, total, sums)),
        );
      return { total, page: query.page, size: query.size, sums: sumsAnswer(sums), items: rows.map(enrollmentItem) };
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/subsidy-adjustments',
    tag,
    summary: '月度资助调整记录（分页；?format=xlsx）',
    access: 'signed_in',
    query: z
      .object({
        month: z
          .string()
          .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: '应为 yyyy-MM' })
          .describe('调整月份（yyyy-MM）'),
        ...Where,
        ...paging(200),
        format: Format,
      })
      .strict(),
    response: z.object({
      total: z.number().int().describe('调整人数'),
      page: z.number().int(),
      size: z.number().int(),
      delta: Yuan.describe('补足资助合计（元）'),
      items: z.array(
        z.object({
          psn_no: z.string().describe('人员编号'),
          psn_name: z.string().describe('姓名'),
          certno: z.string().describe('身份证号码（脱敏）'),
          county: z.string().describe('县（区）'),
          township: z.string().describe('乡镇（街道）'),
          year: z.number().int().describe('参保年度'),
          category: z.string().describe('资助类别代码'),
          category_name: z.string().describe('资助类别'),
          before: Yuan.describe('调整前资助（元）'),
          after: Yuan.describe('调整后资助（元）'),
          delta: Yuan.describe('补足金额（元）'),
          actor: z.string().describe('经办人'),
          at: ChinaTime.describe('调整时间'),
        }),
      ),
    }),
    files: [XLSX],
    handler: async ({ me, query }) => {
      const filter = { ...(await personFilter(pool, me, query)), month: query.month };
      const xlsx = query.format === 'xlsx';
      const { total, delta, rows } = await adjustmentsIn(pool, filter, query.page, xlsx ? null : query.size);
      if (xlsx)
        return new FileAnswer(
          `${query.month}资助调整.xlsx`,
          XLSX,
          await workbookXlsx(adjustmentSheets(query.month, rows, total, delta)),
        );
      return {
        total,
        page: query.page,
        size: query.size,
        delta: yuan(delta),
        items: rows.map((r) => ({
          ...r,
          certno: maskedCertno(r.certno),
          category_name: categoryName(r.category),
          before: yuan(r.before),
          after: yuan(r.after),
          delta: yuan(r.delta),
          at: chinaTime(r.at),
        })),
      };
    },
  });
  registerRosterRoutes(app, pool, clock);
}
