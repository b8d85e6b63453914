/**
 * The console's reads and writes of persons and their category spells, within a user's scope. ID numbers are found
 * through their keyed index and stored sealed; answers carry them masked.
 */
import type { CategoryCode, Department, WarningLevel, WarningStatus } from '@sanbao/core';
import type { User } from '../console/auth.js';
import { ApiError } from '../console/errors.js';
import { personInScope, personScopeValues, warningScopeValues, warningVisible } from '../console/scope.js';
import { inTransaction, type Pool } from '../db/pool.js';
import { certnoIndex, sealCertno } from '../security/identity.js';

export interface PersonListRow {
  psn_no: string;
  psn_name: string;
  /** Sealed: mask before answering. */
  certno: string;
  gend: string;
  brdy: string;
  admdvs: string;
  township: string;
  categories: string[] | null;
}

/** Persons in the user's scope whose name contains q, or whose psn_no or ID number is q; a page and the total. */
export async function searchPersons(
  pool: Pool,
  me: User,
  q: string | undefined,
  page: number,
  size: number,
): Promise<{ total: number; rows: PersonListRow[] }> {
  // An ID number is found through its index: the number itself is not stored.
  const byIndex = q && /^\d{17}[\dXx]$/.test(q) ? certnoIndex(q.toUpperCase()) : null;
  const where = `${personInScope(1)} and ($3::text is null or p.psn_name like $3 or p.psn_no = $4 or p.certno_index = $5)`;
  const params = [...personScopeValues(me), q ? `%${q}%` : null, q ?? null, byIndex];
  const [total, { rows }] = await Promise.all([
    pool.query<{ n: number }>(`select count(*)::int as n from persons p where ${where}`, params),
    pool.query<PersonListRow>(
      `select p.psn_no, p.psn_name, p.certno_sm4 as certno, p.gend, p.brdy, p.admdvs, p.township,
              (select array_agg(c.code order by c.begin_date) from person_categories c
                where c.psn_no = p.psn_no and (c.end_date is null or c.end_date >= current_date)) as categories
         from persons p where ${where} order by p.psn_no limit $6 offset $7`,
      [...params, size, (page - 1) * size],
    ),
  ]);
  return { total: total.rows[0]?.n ?? 0, rows };
}

export interface PersonDetailRows {
  person: Omit<PersonListRow, 'categories'> & { supplementary: boolean; admdvs_name: string };
  categories: {
    spell_id: number;
    code: CategoryCode;
    begin_date: string;
    end_date: string | null;
    source_dept: string;
  }[];
  enrollments: {
    year: number;
    insutype: string;
    begin_date: string;
    end_date: string | null;
    contribution: number;
    subsidy: number;
    subsidy_category: string | null;
  }[];
  years: {
    year: number;
    personal_burden: number;
    in_scope_burden: number;
    fund_paid: number;
    settlements: number;
    ytd: { admissions?: number; medfee?: number } | null;
    /** fen: the year's settlements of every kind summed, so net of cancellations and with top-ups. */
    hifp_pay: number;
    hifmi_pay: number;
    maf_pay: number;
  }[];
  settlements: {
    setl_id: string;
    kind: string;
    reverses: string | null;
    reversed_by: string | null;
    mdtrt_id: string;
    fixmedins_code: string;
    fixmedins_name: string;
    setl_time: Date;
    med_type: string;
    category: string;
    medfee_sumamt: number;
    hifp_pay: number;
    hifmi_pay: number;
    maf_pay: number;
    oth_pay: number;
    fund_pay_sumamt: number;
    psn_part_amt: number;
  }[];
  /** The warnings the user would see in the ledger (their region, township and department), every year. */
  warnings: {
    year: number;
    level: WarningLevel;
    /** fen. */
    amount: number;
    department: string;
    status: WarningStatus;
    raised_at: Date;
  }[];
  applications: {
    application_id: number;
    year: number;
    status: 'pending' | 'approved' | 'refused';
    applied_at: Date;
    decided_at: Date | null;
    /** fen; an approval's top-ups in all. */
    top_up: number | null;
  }[];
}

/**
 * One person in the user's scope with categories, enrollments, years (with each fund's net payments), the latest 100
 * settlements, the warnings in the user's scope and the assistance applications; or nothing.
 */
export async function personDetail(pool: Pool, me: User, psnNo: string): Promise<PersonDetailRows | undefined> {
  const found = await pool.query<PersonDetailRows['person']>(
    `select p.psn_no, p.psn_name, p.certno_sm4 as certno, p.gend, p.brdy, p.admdvs, r.name as admdvs_name, p.township,
            p.supplementary
       from persons p join regions r on r.admdvs = p.admdvs where p.psn_no = $3 and ${personInScope(1)}`,
    [...personScopeValues(me), psnNo],
  );
  const person = found.rows[0];
  if (!person) return undefined;
  const [categories, enrollments, years, settlements, warnings, applications] = await Promise.all([
    pool.query<PersonDetailRows['categories'][number]>(
      'select spell_id, code, begin_date, end_date, source_dept from person_categories where psn_no = $1 order by begin_date, spell_id',
      [psnNo],
    ),
    pool.query<PersonDetailRows['enrollments'][number]>(
      'select year, insutype, begin_date, end_date, contribution, subsidy, subsidy_category from enrollments where psn_no = $1 order by year desc',
      [psnNo],
    ),
    // A cancellation carries its settlement's amounts negated, so the plain sum over every kind is the net payment.
    pool.query<PersonDetailRows['years'][number]>(
      `select y.year, y.personal_burden, y.in_scope_burden, y.fund_paid, y.settlements, y.ytd,
              coalesce(s.hifp_pay, 0) as hifp_pay, coalesce(s.hifmi_pay, 0) as hifmi_pay, coalesce(s.maf_pay, 0) as maf_pay
         from person_years y
         left join (select year, sum(hifp_pay)::bigint as hifp_pay, sum(hifmi_pay)::bigint as hifmi_pay,
                           sum(maf_pay)::bigint as maf_pay
                      from settlements where psn_no = $1 group by year) s on s.year = y.year
        where y.psn_no = $1 order by y.year desc`,
      [psnNo],
    ),
    pool.query<PersonDetailRows['settlements'][number]>(
      `select s.setl_id, s.kind, s.reverses, s.reversed_by, s.mdtrt_id, s.fixmedins_code, i.name as fixmedins_name,
              s.setl_time, s.med_type, s.category, s.medfee_sumamt, s.hifp_pay, s.hifmi_pay, s.maf_pay, s.oth_pay,
              s.fund_pay_sumamt, s.psn_part_amt
         from settlements s join institutions i on i.fixmedins_code = s.fixmedins_code
        where s.psn_no = $1 order by s.setl_id desc limit 100`,
      [psnNo],
    ),
    // The ledger's own scope (console/scope.ts): a township or department user sees only their warnings here too.
    pool.query<PersonDetailRows['warnings'][number]>(
      `select w.year, w.level, w.amount, w.department, w.status, w.raised_at from warnings w
        where w.psn_no = $4 and ${warningVisible(1)} order by w.year desc`,
      [...warningScopeValues(me), psnNo],
    ),
    pool.query<PersonDetailRows['applications'][number]>(
      `select application_id, year, status, applied_at, decided_at, top_up from assistance_applications
        where psn_no = $1 order by application_id desc`,
      [psnNo],
    ),
  ]);
  return {
    person,
    categories: categories.rows,
    enrollments: enrollments.rows,
    years: years.rows,
    settlements: settlements.rows,
    warnings: warnings.rows,
    applications: applications.rows,
  };
}

export interface NewConsolePerson {
  psnNo: string;
  certno: string;
  name: string;
  gender: string;
  birthDate: string;
  admdvs: string;
  township: string;
}

/** Registers a person; false when the ID number is already registered. */
export async function insertConsolePerson(pool: Pool, person: NewConsolePerson): Promise<boolean> {
  const inserted = await pool.query(
    `insert into persons (psn_no, certno_index, certno_sm4, psn_name, gend, brdy, admdvs, township)
     values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (certno_index) do nothing returning psn_no`,
    [
      person.psnNo,
      certnoIndex(person.certno),
      sealCertno(person.certno),
      person.name,
      person.gender,
      person.birthDate,
      person.admdvs,
      person.township,
    ],
  );
  return (inserted.rowCount ?? 0) > 0;
}

export interface NewSpell {
  psnNo: string;
  code: CategoryCode;
  begin: string;
  end: string | null;
  department: Department;
}

/**
 * Records a category spell unless the person already has the same category over an overlapping span (the overlap
 * is reported with its dates). One writer per person at a time, so two overlapping registrations cannot both pass.
 */
export async function insertSpell(
  pool: Pool,
  spell: NewSpell,
  overlapMessage: (existing: { begin_date: string; end_date: string | null }) => string,
): Promise<number> {
  return inTransaction(pool, async (client) => {
    await client.query('select 1 from persons where psn_no = $1 for update', [spell.psnNo]);
    const overlapping = await client.query<{ begin_date: string; end_date: string | null }>(
      `select begin_date, end_date from person_categories
        where psn_no = $1 and code = $2 and begin_date <= coalesce($4::date, 'infinity') and coalesce(end_date, 'infinity') >= $3::date
        limit 1`,
      [spell.psnNo, spell.code, spell.begin, spell.end],
    );
    const existing = overlapping.rows[0];
    if (existing) throw new ApiError('DUPLICATE', overlapMessage(existing));
    const { rows } = await client.query<{ spell_id: number }>(
      'insert into person_categories (psn_no, code, begin_date, end_date, source_dept) values ($1, $2, $3, $4, $5) returning spell_id',
      [spell.psnNo, spell.code, spell.begin, spell.end, spell.department],
    );
    return rows[0]!.spell_id;
  });
}
