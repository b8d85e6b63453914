/**
 * The persons register as the HIS and settlement paths read and write it: the person (their ID number sealed, opened
 * only for the replies that carry it), how a voucher or an ID number finds them, their categories and their
 * enrollments. The SQL of these tables for those paths is here and nowhere else.
 */
import type { CategoryCode, CategorySpell } from '@sanbao/core';
import type { PoolClient } from '../db/pool.js';
import { Refusal } from '../refusal.js';
import { certnoIndex, identityKey, openCertno } from '../security/identity.js';

export interface PersonRow {
  psn_no: string;
  /** The ID number, opened from persons.certno_sm4: for the HIS replies that carry it; never stored again. */
  certno: string;
  psn_name: string;
  gend: '1' | '2';
  brdy: string;
  admdvs: string;
  township: string;
  supplementary: boolean;
  policy_id: string;
}

/** The person with their region's policy (and their ID number, opened), or undefined. */
export async function personById(client: PoolClient, psnNo: string): Promise<PersonRow | undefined> {
  const { rows } = await client.query<Omit<PersonRow, 'certno'> & { certno_sm4: string }>(
    `select p.psn_no, p.certno_sm4, p.psn_name, p.gend, p.brdy, p.admdvs, p.township, p.supplementary, r.policy_id
       from persons p join regions r on r.admdvs = p.admdvs where p.psn_no = $1`,
    [psnNo],
  );
  const row = rows[0];
  if (!row) return undefined;
  const { certno_sm4: sealed, ...person } = row;
  return { ...person, certno: openCertno(sealed) };
}

export async function findPerson(client: PoolClient, psnNo: string): Promise<PersonRow> {
  const person = await personById(client, psnNo);
  if (!person) throw new Refusal('PERSON_NOT_FOUND', `查无人员编号 ${psnNo}`);
  return person;
}

/** Who a person is to the HIS: their number and their region (the region decides who may serve them). */
export interface PersonRegion {
  psn_no: string;
  admdvs: string;
}

/** The person an ID number names, looked up by its index (the number itself is never stored in clear). */
export async function personByIdNumber(client: PoolClient, certno: string): Promise<PersonRegion | undefined> {
  const { rows } = await client.query<PersonRegion>('select psn_no, admdvs from persons where certno_index = $1', [
    certnoIndex(certno),
  ]);
  return rows[0];
}

/** The person an electronic voucher names while it is valid, by the voucher's digest. */
export async function personByVoucherDigest(
  client: PoolClient,
  digest: string,
  now: Date,
): Promise<PersonRegion | undefined> {
  const { rows } = await client.query<PersonRegion>(
    `select p.psn_no, p.admdvs from vouchers v join persons p using (psn_no)
        where v.token_sm3 = $1 and v.expires_at > $2`,
    [digest, now],
  );
  return rows[0];
}

/** A person to register: gender and birth date default to those the ID number gives. */
export interface NewPerson {
  psnNo: string;
  certno: string;
  name: string;
  gend?: '1' | '2';
  brdy?: string;
  admdvs: string;
  township?: string;
  supplementary?: boolean;
}

/**
 * Registers persons in one statement, their ID numbers sealed and indexed (never in clear). A person whose ID number
 * is registered already is an error (unique persons_certno_index), or skipped with `skipExisting`. Returns the
 * psn_no of each person inserted.
 */
export async function insertPersons(
  db: Pick<PoolClient, 'query'>,
  persons: readonly NewPerson[],
  options: { skipExisting?: boolean } = {},
): Promise<string[]> {
  if (persons.length === 0) return [];
  const key = identityKey();
  const protectedIds = key.protectMany(persons.map((p) => p.certno.toUpperCase()));
  const birthOf = (certno: string): string => `${certno.slice(6, 10)}-${certno.slice(10, 12)}-${certno.slice(12, 14)}`;
  const genderOf = (certno: string): '1' | '2' => (Number(certno.charAt(16)) % 2 === 1 ? '1' : '2');
  const { rows } = await db.query<{ psn_no: string }>(
    `insert into persons (psn_no, certno_index, certno_sm4, psn_name, gend, brdy, admdvs, township, supplementary)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::text[], $8::text[], $9::boolean[])
     ${options.skipExisting ? 'on conflict (certno_index) do nothing' : ''}
     returning psn_no`,
    [
      persons.map((p) => p.psnNo),
      protectedIds.map((id) => id.index),
      protectedIds.map((id) => id.sealed),
      persons.map((p) => p.name),
      persons.map((p) => p.gend ?? genderOf(p.certno)),
      persons.map((p) => p.brdy ?? birthOf(p.certno)),
      persons.map((p) => p.admdvs),
      persons.map((p) => p.township ?? ''),
      persons.map((p) => p.supplementary ?? false),
    ],
  );
  return rows.map((row) => row.psn_no);
}

export async function categoriesOf(client: PoolClient, psnNo: string): Promise<CategorySpell[]> {
  const { rows } = await client.query<{ code: CategoryCode; begin_date: string; end_date: string | null }>(
    'select code, begin_date, end_date from person_categories where psn_no = $1 order by begin_date, spell_id',
    [psnNo],
  );
  return rows.map((row) => ({ code: row.code, begin: row.begin_date, end: row.end_date }));
}

/** Gives the person a category spell certified by `sourceDept`; returns the new spell's id. */
export async function addCategorySpell(
  client: PoolClient,
  psnNo: string,
  spell: CategorySpell,
  sourceDept: string,
): Promise<number> {
  const { rows } = await client.query<{ spell_id: number }>(
    `insert into person_categories (psn_no, code, begin_date, end_date, source_dept) values ($1, $2, $3, $4, $5)
     returning spell_id`,
    [psnNo, spell.code, spell.begin, spell.end, sourceDept],
  );
  const spellId = rows[0]?.spell_id;
  if (spellId === undefined) throw new Error('category spell not returned');
  return spellId;
}

/** Refuses unless the person is insured (an enrollment of the year covers the date). */
export async function requireCoverage(
  client: PoolClient,
  psnNo: string,
  date: string,
  insutype: string,
): Promise<void> {
  const { rowCount } = await client.query(
    'select 1 from enrollments where psn_no = $1 and insutype = $2 and begin_date <= $3 and end_date >= $3',
    [psnNo, insutype, date],
  );
  if (!rowCount) throw new Refusal('NOT_INSURED', `人员 ${psnNo} 在 ${date} 未参加险种 ${insutype}`);
}

export interface EnrollmentRow {
  year: number;
  insutype: string;
  begin_date: string;
  end_date: string;
}

/** The person's enrollments, the latest year first. */
export async function enrollmentsOf(client: PoolClient, psnNo: string): Promise<EnrollmentRow[]> {
  const { rows } = await client.query<EnrollmentRow>(
    'select year, insutype, begin_date, end_date from enrollments where psn_no = $1 order by year desc',
    [psnNo],
  );
  return rows;
}
