/**
 * Rosters and reports of enrollment: the subsidy roster (what the assistance fund pays and the tax department
 * collects, per township and category), and the 应保尽保 list of targets not insured for the year (coverage rates
 * are coverage.ts). Amounts are summed in fen by the database.
 */
import { CATEGORY_NAMES, type CategoryCode, type Fen } from '@sanbao/core';
import { inScope } from '../console/scope.js';
import type { Pool } from '../db/pool.js';
import { maskedCertno } from '../security/identity.js';
import type { Sheet } from '../xlsx.js';

// Re-exported: the enrollment routes import every report from here.
export { coverage, coverageSheets, percent, type CoverageRow } from './coverage.js';

const categoryName = (code: string | null): string =>
  code === null ? '' : (CATEGORY_NAMES[code as CategoryCode] ?? code);

export interface RosterTotals {
  persons: number;
  contribution: Fen;
  subsidy: Fen;
  person_pays: Fen;
}

export interface SubsidyRoster {
  year: number;
  totals: RosterTotals;
  groups: (RosterTotals & { admdvs: string; county: string; township: string; category: string; name: string })[];
  persons: {
    admdvs: string;
    township: string;
    psn_no: string;
    psn_name: string;
    /** Masked (341602********1238). */
    certno: string;
    category: string;
    contribution: Fen;
    subsidy: Fen;
    person_pays: Fen;
  }[];
}

export async function subsidyRoster(
  pool: Pool,
  year: number,
  region: string | null,
  township: string | null = null,
): Promise<SubsidyRoster> {
  const { rows } = await pool.query<SubsidyRoster['persons'][number] & { county: string }>(
    // certno: sealed (certno_sm4) until masked below.
    `select p.admdvs, r.name as county, p.township, p.psn_no, p.psn_name, p.certno_sm4 as certno, e.subsidy_category as category,
            e.contribution, e.subsidy, e.person_pays
       from enrollments e join persons p on p.psn_no = e.psn_no join regions r on r.admdvs = p.admdvs
      where e.year = $1 and e.subsidy > 0 and ${inScope('p.admdvs', 2)} and ($3::text is null or p.township = $3)
      order by p.admdvs, p.township, e.subsidy_category, p.psn_no`,
    [year, region, township],
  );
  const totals: RosterTotals = { persons: 0, contribution: 0, subsidy: 0, person_pays: 0 };
  const groups = new Map<string, SubsidyRoster['groups'][number]>();
  for (const row of rows) {
    const key = `${row.admdvs}\u0000${row.township}\u0000${row.category}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        admdvs: row.admdvs,
        county: row.county,
        township: row.township,
        category: row.category,
        name: categoryName(row.category),
        persons: 0,
        contribution: 0,
        subsidy: 0,
        person_pays: 0,
      };
      groups.set(key, group);
    }
    for (const sum of [group, totals]) {
      sum.persons++;
      sum.contribution += row.contribution;
      sum.subsidy += row.subsidy;
      sum.person_pays += row.person_pays;
    }
  }
  return {
    year,
    totals,
    groups: [...groups.values()],
    persons: rows.map((row) => ({ ...row, certno: maskedCertno(row.certno) })),
  };
}

export function subsidyRosterSheets(roster: SubsidyRoster): Sheet[] {
  const money = { money: true, width: 14 };
  return [
    {
      name: '汇总',
      columns: [
        { header: '县（区）', width: 12 },
        { header: '乡镇（街道）', width: 14 },
        { header: '资助类别', width: 18 },
        { header: '人数', width: 8 },
        { header: '个人缴费标准合计', ...money },
        { header: '医疗救助资助金额', ...money },
        { header: '个人实缴金额', ...money },
      ],
      rows: [
        ...roster.groups.map((g) => [
          g.county,
          g.township,
          g.name,
          g.persons,
          g.contribution,
          g.subsidy,
          g.person_pays,
        ]),
        [
          '合计',
          '',
          '',
          roster.totals.persons,
          roster.totals.contribution,
          roster.totals.subsidy,
          roster.totals.person_pays,
        ],
      ],
    },
    {
      name: '花名册',
      columns: [
        { header: '县（区）代码', width: 12 },
        { header: '乡镇（街道）', width: 14 },
        { header: '人员编号', width: 20 },
        { header: '姓名', width: 10 },
        { header: '身份证号码', width: 22 },
        { header: '资助类别', width: 18 },
        { header: '个人缴费标准', ...money },
        { header: '资助金额', ...money },
        { header: '个人实缴', ...money },
      ],
      rows: roster.persons.map((p) => [
        p.admdvs,
        p.township,
        p.psn_no,
        p.psn_name,
        p.certno,
        categoryName(p.category),
        p.contribution,
        p.subsidy,
        p.person_pays,
      ]),
    },
  ];
}

export interface UninsuredTarget {
  admdvs: string;
  county: string;
  township: string;
  psn_no: string;
  psn_name: string;
  /** Masked (341602********1238). */
  certno: string;
  categories: string;
  departments: string;
  certified: string;
  last_year: number | null;
  reason: string;
}

/** The first guess at why a target is not insured for `year`, for the township's follow-up. */
export function uninsuredReason(certified: string, lastYear: number | null, year: number): string {
  if (certified >= `${year}-01-01`) return '本年度新认定，尚未参保';
  if (lastYear === year - 1) return '上年度已参保，本年度未续保';
  if (lastYear === null) return '无参保记录';
  return `最近参保为 ${lastYear} 年度`;
}

/**
 * 应保尽保: people in any assistance or monitoring category on `date` (stable-exit people included: they must stay
 * insured too) with no enrollment for `year`, with a first guess at why, for the township's follow-up.
 */
export async function uninsuredTargets(
  pool: Pool,
  year: number,
  date: string,
  region: string | null,
  township: string | null = null,
): Promise<UninsuredTarget[]> {
  const { rows } = await pool.query<Omit<UninsuredTarget, 'reason' | 'categories'> & { codes: string[] }>(
    // certno: sealed (certno_sm4) until masked below.
    `select p.admdvs, r.name as county, p.township, p.psn_no, p.psn_name, p.certno_sm4 as certno,
            array_agg(distinct c.code order by c.code) as codes,
            string_agg(distinct c.source_dept, '、') as departments,
            to_char(min(c.begin_date), 'YYYY-MM-DD') as certified,
            (select max(e.year) from enrollments e where e.psn_no = p.psn_no and e.year < $1) as last_year
       from person_categories c join persons p on p.psn_no = c.psn_no join regions r on r.admdvs = p.admdvs
      where c.code <> 'ordinary' and c.begin_date <= $2::date and (c.end_date is null or c.end_date >= $2::date)
        and ${inScope('p.admdvs', 3)} and ($4::text is null or p.township = $4)
        and not exists (select 1 from enrollments e where e.psn_no = p.psn_no and e.year = $1)
      group by p.psn_no, r.name
      order by p.admdvs, p.township, p.psn_no`,
    [year, date, region, township],
  );
  return rows.map(({ codes, ...row }) => ({
    ...row,
    certno: maskedCertno(row.certno),
    categories: codes.map(categoryName).join('、'),
    reason: uninsuredReason(row.certified, row.last_year, year),
  }));
}

export function uninsuredTargetSheets(year: number, targets: readonly UninsuredTarget[]): Sheet[] {
  return [
    {
      name: `${year}年度应保未保`,
      columns: [
        { header: '县（区）', width: 10 },
        { header: '乡镇（街道）', width: 14 },
        { header: '人员编号', width: 20 },
        { header: '姓名', width: 10 },
        { header: '身份证号码', width: 22 },
        { header: '人员类别', width: 22 },
        { header: '认定部门', width: 18 },
        { header: '认定日期', width: 12 },
        { header: '最近参保年度', width: 12 },
        { header: '提示原因', width: 26 },
        // Filled in by the township after its visit.
        { header: '核实情况', width: 20 },
        { header: '处理结果', width: 20 },
        { header: '走访人', width: 10 },
        { header: '走访日期', width: 12 },
      ],
      rows: targets.map((t) => [
        t.county,
        t.township,
        t.psn_no,
        t.psn_name,
        t.certno,
        t.categories,
        t.departments,
        t.certified,
        t.last_year,
        t.reason,
        '',
        '',
        '',
        '',
      ]),
    },
  ];
}
