/**
 * The enrollment reports over the console API, in the user's region or a region inside it (a township's user: their
 * township): the subsidy roster, the 应保尽保 list and coverage rates, each as JSON or as a workbook (?format=xlsx,
 * amounts in yuan as the sheets show).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { User } from '../console/auth.js';
import { declareRoute, FileAnswer, XLSX } from '../console/kit.js';
import { isoDate, region, year } from '../console/parse.js';
import { requireRegionInScope } from '../console/scope.js';
import { IsoDay, Ratio, ratio, Yuan, yuan } from '../console/units.js';
import type { Pool } from '../db/pool.js';
import { chinaDate } from '../time.js';
import { workbookXlsx } from '../xlsx.js';
import {
  coverage,
  coverageSheets,
  subsidyRoster,
  subsidyRosterSheets,
  uninsuredTargets,
  uninsuredTargetSheets,
  type CoverageRow,
  type RosterTotals,
} from './reports.js';

const tag = '参保与资助';

const ReportQuery = z
  .object({
    year: year.describe('参保年度'),
    region: region.optional().describe('区划（6 位，须在管辖范围内；默认为管辖范围）'),
    date: isoDate.optional().describe('人员类别所依日期（默认今天；花名册不用）'),
    format: z.enum(['json', 'xlsx']).default('json').describe('json 或 xlsx（工作簿）'),
  })
  .strict();

/** The region a report covers: the one asked for, which must lie in the user's scope, or the whole scope. */
async function reportRegion(pool: Pool, user: User, asked: string | undefined): Promise<string | null> {
  if (asked === undefined) return user.scope_admdvs;
  await requireRegionInScope(pool, user, asked);
  return asked;
}

const Sums = {
  persons: z.number().int().describe('人数'),
  contribution: Yuan.describe('个人缴费标准合计（元）'),
  subsidy: Yuan.describe('医疗救助资助金额（元）'),
  person_pays: Yuan.describe('个人实缴金额（元）'),
};

function sums(totals: RosterTotals): z.input<z.ZodObject<typeof Sums>> {
  return {
    persons: totals.persons,
    contribution: yuan(totals.contribution),
    subsidy: yuan(totals.subsidy),
    person_pays: yuan(totals.person_pays),
  };
}

const CoverageAnswer = z.object({
  admdvs: z.string().describe('县（区）代码'),
  county: z.string().describe('县（区）；合计行为“合计”'),
  township: z.string().describe('乡镇（街道）'),
  residents: z.number().int().describe('登记居民数'),
  insured: z.number().int().describe('已参保人数'),
  rate: Ratio.describe('参保率（四位小数，0.9974 即 99.74%）'),
  targets: z.number().int().describe('救助对象数'),
  targets_insured: z.number().int().describe('已参保对象数'),
  targets_rate: Ratio.describe('救助对象参保率（四位小数）'),
});

function coverageAnswer({ rate_bp, targets_rate_bp, ...row }: CoverageRow): z.input<typeof CoverageAnswer> {
  return { ...row, rate: ratio(rate_bp), targets_rate: ratio(targets_rate_bp) };
}

export function registerEnrollmentReportRoutes(app: FastifyInstance, pool: Pool, clock: () => Date): void {
  const today = (): string => chinaDate(clock());

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/reports/subsidy-roster',
    tag,
    summary: '资助参保花名册（按乡镇、类别汇总；?format=xlsx）',
    access: 'signed_in',
    query: ReportQuery,
    response: z.object({
      year: z.number().int().describe('参保年度'),
      totals: z.object(Sums).describe('合计'),
      groups: z
        .array(
          z.object({
            admdvs: z.string().describe('县（区）代码'),
            county: z.string().describe('县（区）'),
            township: z.string().describe('乡镇（街道）'),
            category: z.string().nullable().describe('资助类别代码'),
            name: z.string().describe('资助类别'),
            ...Sums,
          }),
        )
        .describe('按县（区）、乡镇、资助类别汇总'),
      persons: z
        .array(
          z.object({
            admdvs: z.string().describe('县（区）代码'),
            township: z.string().describe('乡镇（街道）'),
            psn_no: z.string().describe('人员编号'),
            psn_name: z.string().describe('姓名'),
            certno: z.string().describe('身份证号（脱敏）'),
            category: z.string().nullable().describe('资助类别代码'),
            contribution: Sums.contribution,
            subsidy: Sums.subsidy,
            person_pays: Sums.person_pays,
          }),
        )
        .describe('花名册'),
    }),
    files: [XLSX],
    handler: async ({ me, query }) => {
      const roster = await subsidyRoster(
        pool,
        query.year,
        await reportRegion(pool, me, query.region),
        me.township ?? null,
      );
      if (query.format === 'xlsx')
        return new FileAnswer(
          `${query.year}年度资助参保花名册.xlsx`,
          XLSX,
          await workbookXlsx(subsidyRosterSheets(roster)),
        );
      return {
        year: roster.year,
        totals: sums(roster.totals),
        groups: roster.groups.map((group) => ({ ...group, ...sums(group) })),
        persons: roster.persons.map((person) => ({
          ...person,
          contribution: yuan(person.contribution),
          subsidy: yuan(person.subsidy),
          person_pays: yuan(person.person_pays),
        })),
      };
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/reports/uninsured-targets',
    tag,
    summary: '应保尽保：未参保的救助对象（?format=xlsx 供乡镇核实）',
    access: 'signed_in',
    query: ReportQuery,
    response: z.object({
      year: z.number().int().describe('参保年度'),
      count: z.number().int().describe('未参保对象人数'),
      targets: z.array(
        z.object({
          admdvs: z.string().describe('县（区）代码'),
          county: z.string().describe('县（区）'),
          township: z.string().describe('乡镇（街道）'),
          psn_no: z.string().describe('人员编号'),
          psn_name: z.string().describe('姓名'),
          certno: z.string().describe('身份证号（脱敏）'),
          categories: z.string().describe('人员类别（以、分隔）'),
          departments: z.string().describe('认定部门代码（以、分隔）'),
          certified: IsoDay.describe('最早认定日期'),
          last_year: z.number().int().nullable().describe('最近参保年度（无参保记录为空）'),
          reason: z.string().describe('提示原因'),
        }),
      ),
    }),
    files: [XLSX],
    handler: async ({ me, query }) => {
      const targets = await uninsuredTargets(
        pool,
        query.year,
        query.date ?? today(),
        await reportRegion(pool, me, query.region),
        me.township ?? null,
      );
      if (query.format === 'xlsx')
        return new FileAnswer(
          `${query.year}年度应保未保名单.xlsx`,
          XLSX,
          await workbookXlsx(uninsuredTargetSheets(query.year, targets)),
        );
      return { year: query.year, count: targets.length, targets };
    },
  });

  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/reports/coverage',
    tag,
    summary: '参保率（按县区、乡镇；?format=xlsx）',
    access: 'signed_in',
    query: ReportQuery,
    response: z.object({
      year: z.number().int().describe('参保年度'),
      rows: z.array(CoverageAnswer).describe('按县（区）、乡镇'),
      total: CoverageAnswer.describe('合计'),
    }),
    files: [XLSX],
    handler: async ({ me, query }) => {
      const report = await coverage(
        pool,
        query.year,
        query.date ?? today(),
        await reportRegion(pool, me, query.region),
        me.township ?? null,
      );
      if (query.format === 'xlsx')
        return new FileAnswer(
          `${query.year}年度参保率.xlsx`,
          XLSX,
          await workbookXlsx(coverageSheets(query.year, report)),
        );
      return { year: query.year, rows: report.rows.map(coverageAnswer), total: coverageAnswer(report.total) };
    },
  });
}
