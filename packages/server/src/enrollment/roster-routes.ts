/**
 * The subsidy roster and the 应保尽保 list a page at a time, with the roster's groups (county, township, category)
 * and totals, within the user's scope (a township's user: their township); the workbooks are reports-routes.ts's.
 */
import { CATEGORY_CODES, type CategoryCode } from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { declareRoute } from '../console/kit.js';
import { isoDate, paging, year } from '../console/parse.js';
import type { Pool } from '../db/pool.js';
import { IsoDay } from '../console/units.js';
import { maskedCertno } from '../security/identity.js';
import { chinaDate } from '../time.js';
import {
  categoryName,
  EnrollmentItem,
  enrollmentItem,
  personFilter,
  SumsAnswer,
  sumsAnswer,
  tag,
  Where,
} from './console-shapes.js';
import { rosterPage, uninsuredPage } from './queries.js';
import { uninsuredReason } from './reports.js';

export function registerRosterRoutes(app: FastifyInstance, pool: Pool, clock: () => Date): void {
  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/reports/subsidy-roster/persons',
    tag,
    summary: '资助参保花名册（分页；按县区、乡镇、类别汇总）',
    access: 'signed_in',
    query: z
      .object({
        year: year.describe('参保年度'),
        ...Where,
        category: z
          .enum(CATEGORY_CODES as [CategoryCode, ...CategoryCode[]])
          .optional()
          .describe('资助类别代码'),
        ...paging(200),
      })
      .strict(),
    response: z.object({
      total: z.number().int().describe('人数'),
      page: z.number().int(),
      size: z.number().int(),
      totals: SumsAnswer.describe('合计'),
      groups: z.array(
        SumsAnswer.extend({
          county: z.string().describe('县（区）'),
          township: z.string().describe('乡镇（街道）'),
          category: z.string().nullable().describe('资助类别代码'),
          category_name: z.string().describe('资助类别'),
          persons: z.number().int().describe('人数'),
        }),
      ),
      items: z.array(EnrollmentItem),
    }),
    handler: async ({ me, query }) => {
      const filter = { ...(await personFilter(pool, me, query)), year: query.year, category: query.category ?? null };
      const { total, groups, rows } = await rosterPage(pool, filter, query.page, query.size);
      const totals = groups.reduce(
        (sum, group) => ({
          contribution: sum.contribution + group.contribution,
          subsidy: sum.subsidy + group.subsidy,
          person_pays: sum.person_pays + group.person_pays,
        }),
        { contribution: 0, subsidy: 0, person_pays: 0 },
      );
      return {
        total,
        page: query.page,
        size: query.size,
        totals: sumsAnswer(totals),
        groups: groups.map((group) => ({
          ...group,
          ...sumsAnswer(group),
          category_name: categoryName(group.category),
        })),
        items: rows.map(enrollmentItem),
      };
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/reports/uninsured-targets/persons',
    tag,
    summary: '应保尽保：未参保的救助对象（分页）',
    access: 'signed_in',
    query: z
      .object({
        year: year.describe('参保年度'),
        date: isoDate.optional().describe('人员类别所依日期（默认今天）'),
        ...Where,
        ...paging(200),
      })
      .strict(),
    response: z.object({
      total: z.number().int().describe('未参保对象人数'),
      page: z.number().int(),
      size: z.number().int(),
      items: z.array(
        z.object({
          psn_no: z.string().describe('人员编号'),
          psn_name: z.string().describe('姓名'),
          certno: z.string().describe('身份证号码（脱敏）'),
          county: z.string().describe('县（区）'),
          township: z.string().describe('乡镇（街道）'),
          categories: z.string().describe('人员类别（以、分隔）'),
          certified: IsoDay.describe('最早认定日期'),
          last_year: z.number().int().nullable().describe('最近参保年度'),
          reason: z.string().describe('提示原因'),
        }),
      ),
    }),
    handler: async ({ me, query }) => {
      const filter = {
        ...(await personFilter(pool, me, query)),
        year: query.year,
        date: query.date ?? chinaDate(clock()),
      };
      const { total, rows } = await uninsuredPage(pool, filter, query.page, query.size);
      return {
        total,
        page: query.page,
        size: query.size,
        items: rows.map(({ codes, ...row }) => ({
          ...row,
          certno: maskedCertno(row.certno),
          categories: codes.map(categoryName).join('、'),
          reason: uninsuredReason(row.certified, row.last_year, query.year),
        })),
      };
    },
  });
}
