/**
 * The staff console's front page (工作台): what the three funds paid today, this month and in each of the last twelve
 * months, per county this year, and what is waiting for the user — applications to decide, open warnings, ledger
 * imports whose re-settlements are not done. All within the user's scope, as every console read.
 */
import { SETTLEMENT_AMOUNT_NAMES } from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { declareRoute } from '../console/kit.js';
import { region } from '../console/parse.js';
import { IsoDay, Yuan, yuan } from '../console/units.js';
import type { Pool } from '../db/pool.js';
import { chinaDate } from '../time.js';
import {
  FUNDS,
  importsAwaitingResettlement,
  openWarnings,
  pendingApplications,
  regions,
  settlementDays,
  type DayRow,
  type RegionRow,
} from './queries.js';

const tag = '工作台';
const Count = z.number().int();

const FundAmounts = z.object({
  hifp_pay: Yuan.describe(`${SETTLEMENT_AMOUNT_NAMES.hifp_pay}（基本医保，元）`),
  hifmi_pay: Yuan.describe(`${SETTLEMENT_AMOUNT_NAMES.hifmi_pay}（大病保险，元）`),
  maf_pay: Yuan.describe(`${SETTLEMENT_AMOUNT_NAMES.maf_pay}（医疗救助，元）`),
});

const Period = FundAmounts.extend({
  hifp_person_times: Count.describe('基本医保支付人次（基本医保有支付的结算笔数减其撤销笔数）'),
  hifmi_person_times: Count.describe('大病保险支付人次（大病保险有支付的结算笔数减其撤销笔数）'),
  maf_person_times: Count.describe('医疗救助支付人次（医疗救助有支付的结算笔数减其撤销笔数；依申请救助补付不计人次）'),
  settlements: Count.describe('结算人次（结算笔数减撤销笔数）'),
  medfee_sumamt: Yuan.describe('医疗费总额（元）'),
  psn_part_amt: Yuan.describe('个人负担总金额（元）'),
}).describe('金额为结算、撤销（负数）与补付的合计；冲正作废的记录不计');

const Figures = FundAmounts.extend({
  person_times: Count.describe('结算人次（结算笔数减撤销笔数）'),
});

const DashboardAnswer = z.object({
  year: Count.describe('本年度（按县区汇总与预警所依年度）'),
  today: Period.extend({ date: IsoDay.describe('今日（北京时间）') }).describe('今日结算'),
  month: Period.extend({ from: IsoDay.describe('本月首日'), to: IsoDay.describe('今日') }).describe('本月结算'),
  pending_applications: Count.describe('待审核的依申请救助'),
  open_warnings: z
    .object({
      blue: Count.describe('蓝码'),
      yellow: Count.describe('黄码'),
      red: Count.describe('红码'),
    })
    .describe('本年度未办结（非 closed）的因病返贫致贫预警，按级别'),
  ledger_imports: z
    .object({
      awaiting_resettlement: Count.describe('尚有待重新结算记录的台账导入次数'),
      resettlements: Count.describe('待重新结算（尚未撤销）的结算记录数'),
    })
    .describe('台账导入：导入后列出的需重新结算记录中，尚未撤销重结的'),
  monthly: z
    .array(
      Figures.extend({
        month: z
          .string()
          .regex(/^\d{4}-\d{2}$/)
          .describe('月份（yyyy-MM）'),
      }),
    )
    .describe('最近 12 个自然月（含本月），由早到晚；无结算的月份金额为 0.00'),
  by_county: z
    .array(
      Figures.extend({
        admdvs: z.string().describe('县（市、区）区划'),
        name: z.string().describe('县（市、区）名称'),
      }),
    )
    .describe('本年度按参保县（市、区）汇总；县区用户只见本县区'),
});

type Totals = Record<(typeof FUNDS)[number] | 'medfee_sumamt' | 'psn_part_amt', number> &
  Record<'settlements' | 'hifp_times' | 'hifmi_times' | 'maf_times', number>;
const TOTAL_KEYS = [
  ...FUNDS,
  'medfee_sumamt',
  'psn_part_amt',
  'settlements',
  'hifp_times',
  'hifmi_times',
  'maf_times',
] as const;

function zero(): Totals {
  return Object.fromEntries(TOTAL_KEYS.map((key) => [key, 0])) as Totals;
}

function add(totals: Totals, row: DayRow): void {
  for (const key of TOTAL_KEYS) totals[key] += Number(row[key]);
}

function period(t: Totals): z.input<typeof Period> {
  return {
    hifp_pay: yuan(t.hifp_pay),
    hifmi_pay: yuan(t.hifmi_pay),
    maf_pay: yuan(t.maf_pay),
    hifp_person_times: t.hifp_times,
    hifmi_person_times: t.hifmi_times,
    maf_person_times: t.maf_times,
    settlements: t.settlements,
    medfee_sumamt: yuan(t.medfee_sumamt),
    psn_part_amt: yuan(t.psn_part_amt),
  };
}

function figures(t: Totals): z.input<typeof Figures> {
  return {
    hifp_pay: yuan(t.hifp_pay),
    hifmi_pay: yuan(t.hifmi_pay),
    maf_pay: yuan(t.maf_pay),
    person_times: t.settlements,
  };
}

/** The twelve calendar months (yyyy-MM) ending with the one of `today`, earliest first. */
function lastTwelveMonths(today: string): string[] {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  return Array.from({ length: 12 }, (_, index) => {
    const shifted = year * 12 + (month - 1) - (11 - index);
    return `${Math.floor(shifted / 12)}-${String((shifted % 12) + 1).padStart(2, '0')}`;
  });
}

/** The start of a China day (yyyy-MM-dd) as a moment. */
const dayStart = (day: string): Date => new Date(`${day}T00:00:00+08:00`);

/**
 * The region tree's counties: a county is a region directly under a city, and a city is a region at the top of the
 * tree or directly under a province (a code ending in 0000).
 */
class RegionTree {
  private readonly byCode: Map<string, RegionRow>;
  constructor(rows: RegionRow[]) {
    this.byCode = new Map(rows.map((row) => [row.admdvs, row]));
  }

  private isCity(code: string): boolean {
    const row = this.byCode.get(code);
    if (!row) return false;
    return row.parent === null ? !code.endsWith('0000') : row.parent.endsWith('0000');
  }

  counties(): RegionRow[] {
    return [...this.byCode.values()].filter((row) => row.parent !== null && this.isCity(row.parent));
  }

  /** Is `code` the region `ancestor` or under it? */
  within(code: string, ancestor: string): boolean {
    for (let at: string | null | undefined = code, steps = 0; at && steps < 32; steps++) {
      if (at === ancestor) return true;
      at = this.byCode.get(at)?.parent;
    }
    return false;
  }

  /** The county a region is or lies under; null for a city or province itself. */
  countyOf(code: string): string | null {
    for (let at: string | null | undefined = code, steps = 0; at && steps < 32; steps++) {
      const parent: string | null | undefined = this.byCode.get(at)?.parent;
      if (parent && this.isCity(parent)) return at;
      at = parent;
    }
    return null;
  }

  /** Does a county share regions with a scope (null: everywhere) — it lies in the scope, or the scope in it? */
  overlaps(county: string, scope: string | null): boolean {
    return scope === null || this.within(county, scope) || this.within(scope, county);
  }
}

export function registerDashboardRoutes(app: FastifyInstance, pool: Pool, clock: () => Date): void {
  declareRoute(app, pool, {
    method: 'GET',
    url: '/api/dashboard',
    tag,
    summary: '工作台：今日与本月三重保障支付及人次、近 12 个月趋势、本年度按县区汇总、待办事项（管辖范围内）',
    description:
      '金额为结算、撤销与补付记录的合计（撤销记为负数，在撤销当日计入；冲正作废的记录不计）；人次为结算笔数减撤销笔数，补付不计人次。' +
      '乡镇用户只含本乡镇人员；部门用户的结算数据为其区划内全部，预警只含分送本部门的。',
    access: 'signed_in',
    query: z.object({ admdvs: region.optional().describe('参保地区划（含下级；只在本人管辖范围内缩小）') }).strict(),
    response: DashboardAnswer,
    handler: async ({ me, query }) => {
      const narrowed = query.admdvs ?? null;
      const today = chinaDate(clock());
      const year = Number(today.slice(0, 4));
      const monthStart = `${today.slice(0, 7)}-01`;
      const months = lastTwelveMonths(today);
      const from = dayStart(`${months[0]}-01`);
      const until = new Date(dayStart(today).getTime() + 86_400_000);
      const [days, warnings, pending, imports, tree] = await Promise.all([
        settlementDays(pool, me, narrowed, from, until),
        openWarnings(pool, me, narrowed, year),
        pendingApplications(pool, me, narrowed),
        importsAwaitingResettlement(pool, me, narrowed),
        regions(pool).then((rows) => new RegionTree(rows)),
      ]);

      const todays = zero();
      const monthToDate = zero();
      const byMonth = new Map(months.map((month) => [month, zero()]));
      const counties = tree
        .counties()
        .filter((county) => tree.overlaps(county.admdvs, me.scope_admdvs) && tree.overlaps(county.admdvs, narrowed));
      const byCounty = new Map(counties.map((county) => [county.admdvs, zero()]));
      for (const row of days) {
        if (row.day === today) add(todays, row);
        if (row.day >= monthStart) add(monthToDate, row);
        const month = byMonth.get(row.day.slice(0, 7));
        if (month) add(month, row);
        const county = row.day.startsWith(`${year}-`) ? byCounty.get(tree.countyOf(row.admdvs) ?? '') : undefined;
        if (county) add(county, row);
      }
      return {
        year,
        today: { date: today, ...period(todays) },
        month: { from: monthStart, to: today, ...period(monthToDate) },
        pending_applications: pending,
        open_warnings: warnings,
        ledger_imports: { awaiting_resettlement: imports.imports, resettlements: imports.settlements },
        monthly: months.map((month) => ({ month, ...figures(byMonth.get(month) ?? zero()) })),
        by_county: counties.map((county) => ({
          admdvs: county.admdvs,
          name: county.name,
          ...figures(byCounty.get(county.admdvs) ?? zero()),
        })),
      };
    },
  });
}
