/** The SQL the HIS transactions and the settlement service share. */
import type { CategoryCode, CategorySpell } from '@sanbao/core';
import type { PoolClient } from './db/pool.js';
import { Refusal } from './refusal.js';
import { identityKey, openCertno } from './security/identity.js';

/** A designated institution (定点医药机构) as the register holds it; its level decides its ratios. */
export interface Institution {
  fixmedins_code: string;
  name: string;
  level: 'township' | 'county' | 'city' | 'province';
  admdvs: string;
}

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

export interface EncounterRow {
  psn_no: string;
  mdtrt_id: string;
  fixmedins_code: string;
  med_type: string;
  insutype: string;
  begntime: Date;
  endtime: Date | null;
  status: 'open' | 'discharged' | 'settled' | 'cancelled';
  dise_codg: string[];
  chronic_scheme: string | null;
  referral: string | null;
  ipt_otp_no: string | null;
  /** The voucher type presented when the visit or stay was opened (null before it was recorded). */
  mdtrt_cert_type: string | null;
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

export async function findPerson(client: PoolClient, psnNo: string): Promise<PersonRow> {
  const person = await personById(client, psnNo);
  if (!person) throw new Refusal('PERSON_NOT_FOUND', `查无人员编号 ${psnNo}`);
  return person;
}

export async function categoriesOf(client: PoolClient, psnNo: string): Promise<CategorySpell[]> {
  const { rows } = await client.query<{ code: CategoryCode; begin_date: string; end_date: string | null }>(
    'select code, begin_date, end_date from person_categories where psn_no = $1 order by begin_date, spell_id',
    [psnNo],
  );
  return rows.map((row) => ({ code: row.code, begin: row.begin_date, end: row.end_date }));
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

/**
 * The encounter, locked, and checked to belong to the calling institution. Locks are taken in one order everywhere:
 * the encounter, then the person-year.
 */
export async function lockEncounter(
  client: PoolClient,
  institution: Institution,
  psnNo: string,
  mdtrtId: string,
): Promise<EncounterRow> {
  const { rows } = await client.query<EncounterRow>(
    `select psn_no, mdtrt_id, fixmedins_code, med_type, insutype, begntime, endtime, status, dise_codg, chronic_scheme, referral, ipt_otp_no, mdtrt_cert_type
       from encounters where psn_no = $1 and mdtrt_id = $2 for update`,
    [psnNo, mdtrtId],
  );
  const encounter = rows[0];
  if (!encounter) throw new Refusal('ENCOUNTER_NOT_FOUND', `人员 ${psnNo} 没有就诊ID ${mdtrtId}`);
  if (encounter.fixmedins_code !== institution.fixmedins_code) {
    throw new Refusal('FORBIDDEN', `就诊 ${mdtrtId} 属于其他定点医药机构`);
  }
  return encounter;
}

export function requireStatus(encounter: EncounterRow, allowed: EncounterRow['status'][], action: string): void {
  if (!allowed.includes(encounter.status)) {
    const names = { open: '就诊中', discharged: '已出院', settled: '已结算', cancelled: '已撤销' } as const;
    throw new Refusal('STATE', `就诊 ${encounter.mdtrt_id} ${names[encounter.status]}，不能${action}`);
  }
}

/** Sortable identifiers: prefix + yyyyMMdd (China) + a database sequence. */
export async function nextId(
  client: PoolClient,
  sequence: 'mdtrt_seq' | 'setl_seq' | 'refmsg_seq' | 'sign_seq',
  prefix: string,
  today: string,
): Promise<string> {
  const { rows } = await client.query<{ n: number }>(`select nextval('${sequence}') as n`);
  return `${prefix}${today.replaceAll('-', '')}${String(rows[0]?.n ?? 0).padStart(10, '0')}`;
}
