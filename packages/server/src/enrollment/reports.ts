/**
 * Rosters and reports of enrollment: the subsidy roster (what the assistance fund pays and the tax department
 * collects, per township and category), the 应保尽保 list of targets not insured for the year, and coverage rates.
 * Amounts are summed in fen by the database; rates are basis points rounded half-up.
 */
import { CATEGORY_NAMES, type CategoryCode, type Fen } from '@sanbao/core';
import { inScope } from '../console/scope.js';
import type { Pool } from '../db/pool.js';
import { maskedCertno } from '../security/identity.js';
import type { Sheet } from '../xlsx.js';

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

export async function subsidyRoster(pool: Pool, year: number, region: string | null): Promise<SubsidyRoster> {
  const { rows } = await pool.query<SubsidyRoster['persons'][number] & { county: string }>(
    // certno: sealed (certno_sm4) until masked below.
    `select p.admdvs, r.name as county, p.township, p.psn_no, p.psn_name, p.certno_sm4 as certno, e.subsidy_category as category,
            e.contribution, e.subsidy, e.person_pays
       from enrollments e join persons p on p.psn_no = e.psn_no join regions r on r.admdvs = p.admdvs
      where e.year = $1 and e.subsidy > 0 and ${inScope('p.admdvs', 2)}
      order by p.admdvs, p.township, e.subsidy_category, p.psn_no`,
    [year, region],
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

/**
 * 应保尽保: people in any assistance or monitoring category on `date` (stable-exit people included: they must stay
 * insured too) with no enrollment for `year`, with a first guess at why, for the township's follow-up.
 */
export async function uninsuredTargets(
  pool: Pool,
  year: number,
  date: string,
  region: string | null,
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
        and ${inScope('p.admdvs', 3)}
        and not exists (select 1 from enrollments e where e.psn_no = p.psn_no and e.year = $1)
      group by p.psn_no, r.name
      order by p.admdvs, p.township, p.psn_no`,
    [year, date, region],
  );
  return rows.map(({ codes, ...row }) => ({
    ...row,
    certno: maskedCertno(row.certno),
    categories: codes.map(categoryName).join('、'),
    reason:
      row.certified >= `${year}-01-01`
        ? '本年度新认定，尚未参保'
        : row.last_year === year - 1
          ? '上年度已参保，本年度未续保'
          : row.last_year === null
            ? '无参保记录'
            : `最近参保为 ${row.last_year} 年度`,
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

export interface CoverageRow {
  admdvs: string;
  county: string;
  township: string;
  residents: number;
  insured: number;
  /** Basis points: 9974 = 99.74%. */
  rate_bp: number;
  targets: number;
  targets_insured: number;
  targets_rate_bp: number;
}

const basisPoints = (part: number, whole: number): number =>
  whole === 0 ? 0 : Math.floor((part * 10_000 * 2 + whole) / (2 * whole)); // half-up

export const percent = (bp: number): string => `${(bp / 100).toFixed(2)}%`;

/** Coverage by county and township (and in total): residents insured for the year, and targets insured. */
export async function coverage(
  pool: Pool,
  year: number,
  date: string,
  region: string | null,
): Promise<{ rows: CoverageRow[]; total: CoverageRow }> {
  const { rows } = await pool.query<{
    admdvs: string;
    county: string;
    township: string;
    residents: number;
    insured: number;
    targets: number;
    targets_insured: number;
  }>(
    `with people as (
       select p.psn_no, p.admdvs, p.township,
              exists (select 1 from enrollments e where e.psn_no = p.psn_no and e.year = $1) as insured,
              exists (select 1 from person_categories c where c.psn_no = p.psn_no and c.code <> 'ordinary'
                         and c.begin_date <= $2::date and (c.end_date is null or c.end_date >= $2::date)) as target
         from persons p where ${inScope('p.admdvs', 3)})
     select x.admdvs, r.name as county, x.township, count(*)::int as residents, count(*) filter (where insured)::int as insured,
            count(*) filter (where target)::int as targets, count(*) filter (where target and insured)::int as targets_insured
       from people x join regions r on r.admdvs = x.admdvs
      group by x.admdvs, r.name, x.township order by x.admdvs, x.township`,
    [year, date, region],
  );
  const withRates = (row: Omit<CoverageRow, 'rate_bp' | 'targets_rate_bp'>): CoverageRow => ({
    ...row,
    rate_bp: basisPoints(row.insured, row.residents),
    targets_rate_bp: basisPoints(row.targets_insured, row.targets),
  });
  const sum = (key: 'residents' | 'insured' | 'targets' | 'targets_insured'): number =>
    rows.reduce((total, row) => total + row[key], 0);
  return {
    rows: rows.map(withRates),
    total: withRates({
      admdvs: region ?? '',
      county: '合计',
      township: '',
      residents: sum('residents'),
      insured: sum('insured'),
      targets: sum('targets'),
      targets_insured: sum('targets_insured'),
    }),
  };
}

export function coverageSheets(year: number, report: { rows: CoverageRow[]; total: CoverageRow }): Sheet[] {
  return [
    {
      name: `${year}年度参保率`,
      columns: [
        { header: '县（区）', width: 10 },
        { header: '乡镇（街道）', width: 14 },
        { header: '登记居民', width: 10 },
        { header: '已参保', width: 10 },
        { header: '参保率', width: 10 },
        { header: '救助对象', width: 10 },
        { header: '已参保对象', width: 10 },
        { header: '对象参保率', width: 10 },
      ],
      rows: [...report.rows, report.total].map((row) => [
        row.county,
        row.township,
        row.residents,
        row.insured,
        percent(row.rate_bp),
        row.targets,
        row.targets_insured,
        percent(row.targets_rate_bp),
      ]),
    },
  ];
}
