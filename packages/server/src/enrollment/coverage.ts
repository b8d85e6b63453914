/**
 * Coverage rates of enrollment (参保率), by county and township and in total: residents insured for the year, and
 * the assistance and monitoring targets among them. Rates are basis points rounded half-up.
 */
import { inScope } from '../console/scope.js';
import type { Pool } from '../db/pool.js';
import type { Sheet } from '../xlsx.js';

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
  township: string | null = null,
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
         from persons p where ${inScope('p.admdvs', 3)} and ($4::text is null or p.township = $4))
     select x.admdvs, r.name as county, x.township, count(*)::int as residents, count(*) filter (where insured)::int as insured,
            count(*) filter (where target)::int as targets, count(*) filter (where target and insured)::int as targets_insured
       from people x join regions r on r.admdvs = x.admdvs
      group by x.admdvs, r.name, x.township order by x.admdvs, x.township`,
    [year, date, region, township],
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
