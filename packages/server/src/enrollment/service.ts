/**
 * Enrollment per coverage year (当年缴费，次年享受) with the classified premium subsidy, and the monthly adjustment
 * that gives people certified after they paid the subsidy they now qualify for. The subsidy is paid by the medical
 * assistance fund (代缴): each one is posted against the fund, like a settlement.
 */
import {
  coverageStart,
  FUND_PAY_TYPES,
  premiumSubsidy,
  type CategorySpell,
  type Fen,
  type PolicyAtDate,
} from '@sanbao/core';
import { audit } from '../audit.js';
import { post } from '../funds/journal.js';
import { inTransaction, type Pool, type PoolClient } from '../db/pool.js';
import { ApiError } from '../console/errors.js';
import type { PolicyRegistry } from '../policies.js';

export const RESIDENT_INSUTYPE = '390';

export interface Enrollment {
  psn_no: string;
  year: number;
  insutype: string;
  begin_date: string;
  end_date: string;
  contribution: Fen;
  fiscal: Fen;
  subsidy: Fen;
  person_pays: Fen;
  subsidy_category: string | null;
  subsidy_rule: string;
  paid_on: string;
}

interface PersonForEnrollment {
  psn_no: string;
  brdy: string;
  policy_id: string;
  categories: CategorySpell[];
}

async function personForEnrollment(client: PoolClient | Pool, psnNo: string): Promise<PersonForEnrollment | null> {
  const { rows } = await client.query<PersonForEnrollment>(
    `select p.psn_no, to_char(p.brdy, 'YYYY-MM-DD') as brdy, r.policy_id,
            (select coalesce(json_agg(json_build_object('code', c.code, 'begin', c.begin_date, 'end', c.end_date) order by c.begin_date, c.spell_id), '[]')
               from person_categories c where c.psn_no = p.psn_no) as categories
       from persons p join regions r on r.admdvs = p.admdvs where p.psn_no = $1`,
    [psnNo],
  );
  return rows[0] ?? null;
}

/** The coverage year's standards (contribution, fiscal, subsidy rules) apply; the categories are those on the day paid. */
function policyForYear(policies: PolicyRegistry, policyId: string, year: number): PolicyAtDate {
  return policies.get(policyId).at(`${year}-01-01`);
}

/** Postings of a subsidy: the assistance fund pays the person's contribution to the year's premium account. */
async function postSubsidy(
  client: PoolClient,
  psnNo: string,
  reference: string,
  year: number,
  amount: Fen,
): Promise<void> {
  if (amount === 0) return;
  await post(client, psnNo, reference, {
    accounts: [`fund:${FUND_PAY_TYPES.assistance.code}`, `premium:${RESIDENT_INSUTYPE}:${year}`],
    amounts: [amount, -amount],
  });
}

/** What an enrollment would record, computed as `enroll` does, without writing; and whether the year is taken. */
export async function quoteEnrollment(
  pool: Pool,
  policies: PolicyRegistry,
  request: { psnNo: string; year: number; paidOn: string; tier?: Fen | undefined },
): Promise<Omit<Enrollment, 'person_pays'> & { person_pays: Fen; tiers: Fen[]; enrolled: boolean }> {
  const person = await personForEnrollment(pool, request.psnNo);
  if (!person) throw new ApiError('NOT_FOUND', `查无人员 ${request.psnNo}`);
  const policy = policyForYear(policies, person.policy_id, request.year);
  const subsidy = premiumSubsidy(policy, person.categories, request.paidOn, request.tier);
  const { rowCount } = await pool.query('select 1 from enrollments where psn_no = $1 and year = $2 and insutype = $3', [
    request.psnNo,
    request.year,
    RESIDENT_INSUTYPE,
  ]);
  return {
    psn_no: request.psnNo,
    year: request.year,
    insutype: RESIDENT_INSUTYPE,
    begin_date: coverageStart(policy, request.year, request.paidOn, person.brdy),
    end_date: `${request.year}-12-31`,
    contribution: subsidy.contribution,
    fiscal: subsidy.fiscal,
    subsidy: subsidy.subsidy,
    person_pays: subsidy.contribution - subsidy.subsidy,
    subsidy_category: subsidy.rule ? subsidy.category : null,
    subsidy_rule: subsidy.explanation,
    paid_on: request.paidOn,
    tiers: [...(policy.rules.premium.tiers ?? [])],
    enrolled: (rowCount ?? 0) > 0,
  };
}

export async function enroll(
  pool: Pool,
  policies: PolicyRegistry,
  request: { psnNo: string; year: number; paidOn: string; tier?: Fen | undefined; actor: string },
): Promise<Enrollment> {
  return inTransaction(pool, async (client) => {
    const person = await personForEnrollment(client, request.psnNo);
    if (!person) throw new ApiError('NOT_FOUND', `查无人员 ${request.psnNo}`);
    const policy = policyForYear(policies, person.policy_id, request.year);
    const subsidy = premiumSubsidy(policy, person.categories, request.paidOn, request.tier);
    const begin = coverageStart(policy, request.year, request.paidOn, person.brdy);
    const { rows } = await client.query<Enrollment>(
      `insert into enrollments (psn_no, year, insutype, begin_date, end_date, contribution, fiscal, subsidy, subsidy_category, subsidy_rule, tier, paid_on)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       on conflict (psn_no, year, insutype) do nothing
       returning psn_no, year, insutype, to_char(begin_date, 'YYYY-MM-DD') as begin_date, to_char(end_date, 'YYYY-MM-DD') as end_date,
                 contribution, fiscal, subsidy, person_pays, subsidy_category, subsidy_rule, to_char(paid_on, 'YYYY-MM-DD') as paid_on`,
      [
        request.psnNo,
        request.year,
        RESIDENT_INSUTYPE,
        begin,
        `${request.year}-12-31`,
        subsidy.contribution,
        subsidy.fiscal,
        subsidy.subsidy,
        subsidy.rule ? subsidy.category : null,
        subsidy.explanation,
        request.tier ?? null,
        request.paidOn,
      ],
    );
    const enrollment = rows[0];
    if (!enrollment)
      throw new ApiError('ALREADY_ENROLLED', `人员 ${request.psnNo} 已参加 ${request.year} 年度城乡居民医保`);
    await postSubsidy(client, request.psnNo, `EN${request.year}`, request.year, subsidy.subsidy);
    await audit(client, request.actor, 'enrollment.create', {
      psn_no: request.psnNo,
      year: request.year,
      subsidy: subsidy.subsidy,
      category: subsidy.category,
    });
    return enrollment;
  });
}

export interface AdjustmentResult {
  month: string;
  adjusted: number;
  total: Fen;
  rows: { psn_no: string; year: number; category: string; before: Fen; after: Fen; delta: Fen }[];
}

/**
 * The monthly adjustment for `month` (yyyy-MM): every enrollment of the coverage year running that month whose
 * person, by the categories in force on its first day, qualifies for more subsidy than recorded, gets the difference.
 * A subsidy is never taken back mid-year (a stable-exit person keeps this year's; next year's follows the rules).
 */
export async function adjustSubsidies(
  pool: Pool,
  policies: PolicyRegistry,
  request: { month: string; region: string | null; actor: string },
): Promise<AdjustmentResult> {
  const date = `${request.month}-01`;
  const year = Number(request.month.slice(0, 4));
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{
      psn_no: string;
      insutype: string;
      subsidy: Fen;
      tier: Fen | null;
      policy_id: string;
      categories: CategorySpell[];
    }>(
      `select e.psn_no, e.insutype, e.subsidy, e.tier, r.policy_id,
              (select json_agg(json_build_object('code', c.code, 'begin', c.begin_date, 'end', c.end_date) order by c.begin_date, c.spell_id)
                 from person_categories c where c.psn_no = e.psn_no) as categories
         from enrollments e join persons p on p.psn_no = e.psn_no join regions r on r.admdvs = p.admdvs
        where e.year = $1 and e.subsidy < e.contribution and e.end_date >= $2::date
          and ($3::text is null or p.admdvs = $3 or r.parent = $3)
          and exists (select 1 from person_categories c where c.psn_no = e.psn_no and c.begin_date <= $2::date and (c.end_date is null or c.end_date >= $2::date))
          and not exists (select 1 from subsidy_adjustments a where a.psn_no = e.psn_no and a.year = e.year and a.insutype = e.insutype and a.month = $4)
        for update of e`,
      [year, date, request.region, request.month],
    );
    const result: AdjustmentResult = { month: request.month, adjusted: 0, total: 0, rows: [] };
    for (const row of rows) {
      const due = premiumSubsidy(
        policyForYear(policies, row.policy_id, year),
        row.categories,
        date,
        row.tier ?? undefined,
      );
      if (due.subsidy <= row.subsidy) continue;
      const delta = due.subsidy - row.subsidy;
      await client.query(
        'update enrollments set subsidy = $4, subsidy_category = $5, subsidy_rule = $6 where psn_no = $1 and year = $2 and insutype = $3',
        [row.psn_no, year, row.insutype, due.subsidy, due.category, `${due.explanation}（${request.month} 月调整）`],
      );
      await client.query(
        `insert into subsidy_adjustments (psn_no, year, insutype, month, category, before, after, delta, actor)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [row.psn_no, year, row.insutype, request.month, due.category, row.subsidy, due.subsidy, delta, request.actor],
      );
      await postSubsidy(client, row.psn_no, `AD${request.month.replace('-', '')}`, year, delta);
      result.adjusted++;
      result.total += delta;
      result.rows.push({
        psn_no: row.psn_no,
        year,
        category: due.category,
        before: row.subsidy,
        after: due.subsidy,
        delta,
      });
    }
    return result;
  });
}
