/**
 * Encounters (visits and stays) as the HIS and settlement paths read and write them: the row, the lock that every
 * change of a visit or stay takes first, the rule of which status allows what, and the identifiers drawn from the
 * database's sequences. The SQL of the encounters table for those paths is here; the statement that settles a visit
 * or stay writes it together with the settlement, in one statement (settlement/service.ts).
 */
import type { PoolClient } from '../db/pool.js';
import type { Institution } from '../institutions/repository.js';
import { Refusal } from '../refusal.js';

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

const COLUMNS =
  'psn_no, mdtrt_id, fixmedins_code, med_type, insutype, begntime, endtime, status, dise_codg, chronic_scheme, referral, ipt_otp_no, mdtrt_cert_type';

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
    `select ${COLUMNS} from encounters where psn_no = $1 and mdtrt_id = $2 for update`,
    [psnNo, mdtrtId],
  );
  const encounter = rows[0];
  if (!encounter) throw new Refusal('ENCOUNTER_NOT_FOUND', `人员 ${psnNo} 没有就诊ID ${mdtrtId}`);
  if (encounter.fixmedins_code !== institution.fixmedins_code) {
    throw new Refusal('FORBIDDEN', `就诊 ${mdtrtId} 属于其他定点医药机构`);
  }
  return encounter;
}

/** The encounter as it stands, read without a lock (a query changes nothing), or undefined. */
export async function encounterById(
  client: PoolClient,
  psnNo: string,
  mdtrtId: string,
): Promise<EncounterRow | undefined> {
  const { rows } = await client.query<EncounterRow>(
    `select ${COLUMNS} from encounters where psn_no = $1 and mdtrt_id = $2`,
    [psnNo, mdtrtId],
  );
  return rows[0];
}

/** The encounter under a share lock: it cannot change (nor its settlement be cancelled) until the transaction ends. */
export async function shareEncounter(
  client: PoolClient,
  psnNo: string,
  mdtrtId: string,
): Promise<EncounterRow | undefined> {
  const { rows } = await client.query<EncounterRow>(
    `select ${COLUMNS} from encounters where psn_no = $1 and mdtrt_id = $2 for share`,
    [psnNo, mdtrtId],
  );
  return rows[0];
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

/** A visit or stay to open: times are China times (yyyy-MM-dd HH:mm:ss) as the interface gives them. */
export interface NewEncounter {
  psnNo: string;
  mdtrtId: string;
  fixmedinsCode: string;
  medType: string;
  insutype: string;
  begntime: string;
  diagnoses: string[];
  chronicScheme: string | null;
  iptOtpNo: string | null;
  /** The message that opened it. */
  msgid: string;
  certType: string;
}

export async function insertEncounter(client: PoolClient, encounter: NewEncounter): Promise<void> {
  await client.query(
    `insert into encounters (psn_no, mdtrt_id, fixmedins_code, med_type, insutype, begntime, status, dise_codg, chronic_scheme, ipt_otp_no, created_msgid, mdtrt_cert_type)
     values ($1, $2, $3, $4, $5, $6::timestamp at time zone 'Asia/Shanghai', 'open', $7, $8, $9, $10, $11)`,
    [
      encounter.psnNo,
      encounter.mdtrtId,
      encounter.fixmedinsCode,
      encounter.medType,
      encounter.insutype,
      encounter.begntime,
      encounter.diagnoses,
      encounter.chronicScheme,
      encounter.iptOtpNo,
      encounter.msgid,
      encounter.certType,
    ],
  );
}

/** 2203: the visit's medical type, diagnoses and chronic scheme. */
export async function recordVisitInfo(
  client: PoolClient,
  psnNo: string,
  mdtrtId: string,
  info: { medType: string; diagnoses: string[]; chronicScheme: string | null },
): Promise<void> {
  await client.query(
    'update encounters set med_type = $3, dise_codg = $4, chronic_scheme = $5 where psn_no = $1 and mdtrt_id = $2',
    [psnNo, mdtrtId, info.medType, info.diagnoses, info.chronicScheme],
  );
}

/** The stay discharged at `endtime` (China time) with its diagnoses. */
export async function recordDischarge(
  client: PoolClient,
  psnNo: string,
  mdtrtId: string,
  endtime: string,
  diagnoses: string[],
): Promise<void> {
  await client.query(
    "update encounters set status = 'discharged', endtime = $3::timestamp at time zone 'Asia/Shanghai', dise_codg = $4 where psn_no = $1 and mdtrt_id = $2",
    [psnNo, mdtrtId, endtime, diagnoses],
  );
}

/** 2405: the stay is open again, its discharge undone. */
export async function undoDischarge(client: PoolClient, psnNo: string, mdtrtId: string): Promise<void> {
  await client.query("update encounters set status = 'open', endtime = null where psn_no = $1 and mdtrt_id = $2", [
    psnNo,
    mdtrtId,
  ]);
}

/**
 * 2403: the admission corrected, each change given or null for none (times in China time). Answers whether the
 * stay's times are still in order as changed: either may have moved, so only the row as changed can tell.
 */
export async function correctAdmission(
  client: PoolClient,
  psnNo: string,
  mdtrtId: string,
  change: {
    begntime: string | null;
    endtime: string | null;
    medType: string | null;
    iptNo: string | null;
    diagnoses: string[];
  },
): Promise<boolean> {
  const { rows } = await client.query<{ ordered: boolean }>(
    `update encounters set
        begntime = coalesce($3::timestamp at time zone 'Asia/Shanghai', begntime),
        endtime = coalesce($4::timestamp at time zone 'Asia/Shanghai', endtime),
        med_type = coalesce($5, med_type), ipt_otp_no = coalesce($6, ipt_otp_no), dise_codg = $7
      where psn_no = $1 and mdtrt_id = $2
      returning endtime is null or endtime >= begntime as ordered`,
    [psnNo, mdtrtId, change.begntime, change.endtime, change.medType, change.iptNo, change.diagnoses],
  );
  return rows[0]?.ordered === true;
}

/** The visit or stay withdrawn (2202, 2404, 2601 of an opening): it stays on record, cancelled. */
export async function markCancelled(client: PoolClient, psnNo: string, mdtrtId: string): Promise<void> {
  await client.query("update encounters set status = 'cancelled' where psn_no = $1 and mdtrt_id = $2", [
    psnNo,
    mdtrtId,
  ]);
}

/** After its settlement is cancelled: the visit is open again, the stay discharged again (if it was). */
export async function reopenAfterCancellation(client: PoolClient, psnNo: string, mdtrtId: string): Promise<void> {
  await client.query(
    "update encounters set status = case when endtime is null then 'open' else 'discharged' end where psn_no = $1 and mdtrt_id = $2",
    [psnNo, mdtrtId],
  );
}

/** The visit or stay closed by a settlement that stands again (2601 of its cancellation). */
export async function markSettled(client: PoolClient, psnNo: string, mdtrtId: string): Promise<void> {
  await client.query("update encounters set status = 'settled' where psn_no = $1 and mdtrt_id = $2", [psnNo, mdtrtId]);
}

/** Locks, in mdtrt_id order, the person's stays that have a settlement in the year; returns their mdtrt_ids. */
export async function lockSettledStays(client: PoolClient, psnNo: string, year: number): Promise<string[]> {
  const { rows } = await client.query<{ mdtrt_id: string }>(
    `select mdtrt_id from encounters
      where psn_no = $1 and mdtrt_id in (select mdtrt_id from settlements where psn_no = $1 and year = $2 and kind = 'settlement')
      order by mdtrt_id for update`,
    [psnNo, year],
  );
  return rows.map((row) => row.mdtrt_id);
}

/** Locks the encounters without waiting: fails with PostgreSQL's 55P03 when another transaction holds one. */
export async function lockEncountersNowait(client: PoolClient, psnNo: string, mdtrtIds: string[]): Promise<void> {
  await client.query('select 1 from encounters where psn_no = $1 and mdtrt_id = any($2) for update nowait', [
    psnNo,
    mdtrtIds,
  ]);
}
