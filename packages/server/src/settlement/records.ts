/**
 * The settlement records and the person-years they accumulate into: the person-year row locked for a settlement,
 * the amount columns of a settlement row, a stored settlement read back as the engine's Settlement, and the top-up
 * records with what they add to the year. What is settled again starts from claims.ts.
 */
import {
  emptyYearToDate,
  SETTLEMENT_FIGURES,
  storeTrace,
  toSetldetail,
  type Settlement,
  type TraceStep,
  type YearToDate,
} from '@sanbao/core';
import type { PoolClient } from '../db/pool.js';
import { postingsOf } from '../funds/journal.js';

/**
 * The person-year row, created if new, locked until the transaction ends, and the settlement's sequence number,
 * drawn under that lock so that setl_id order is the order in which a person's settlements were made.
 */
export async function lockPersonYear(
  client: PoolClient,
  psnNo: string,
  year: number,
): Promise<{ ytd: YearToDate; sequence: number }> {
  // Both leave in the same write; when the row exists (nearly always) the insert writes nothing.
  const creating = client.query({
    name: 'settlement-create-year',
    text: 'insert into person_years (psn_no, year, ytd) values ($1, $2, $3) on conflict (psn_no, year) do nothing',
    values: [psnNo, year, emptyYearToDate(year)],
  });
  const locking = client.query<{ ytd: YearToDate; sequence: number }>({
    name: 'settlement-lock-year',
    text: "select ytd, nextval('setl_seq') as sequence from person_years where psn_no = $1 and year = $2 for update",
    values: [psnNo, year],
  });
  const [, { rows }] = await Promise.all([creating, locking]);
  const row = rows[0];
  if (!row) throw new Error('person-year row not returned');
  return row;
}

/** The person-year's accumulators (empty for a year without settlements), locked until the transaction ends with `lock`. */
export async function readPersonYear(
  client: PoolClient,
  psnNo: string,
  year: number,
  options: { lock?: boolean } = {},
): Promise<YearToDate> {
  const { rows } = await client.query<{ ytd: YearToDate }>(
    `select ytd from person_years where psn_no = $1 and year = $2 ${options.lock ? 'for update' : ''}`,
    [psnNo, year],
  );
  return rows[0]?.ytd ?? emptyYearToDate(year);
}

export async function storeYearToDate(
  client: PoolClient,
  psnNo: string,
  ytd: YearToDate,
  settlementsDelta: 1 | -1,
): Promise<void> {
  await client.query(
    `update person_years set ytd = $3, personal_burden = $4, in_scope_burden = $5, fund_paid = $6, settlements = settlements + $7, updated_at = now()
      where psn_no = $1 and year = $2`,
    [psnNo, ytd.year, ytd, ytd.personalBurden, ytd.inScopeBurden, ytd.fundPaid, settlementsDelta],
  );
}

/** The figure columns of a settlement row, in core's one order (the layers, documents and accumulators follow them). */
export const AMOUNT_COLUMNS = SETTLEMENT_FIGURES.join(', ');

/** The same columns of another row with every amount's sign turned (the ratio kept): a cancellation's figures. */
export const NEGATED_AMOUNT_COLUMNS = SETTLEMENT_FIGURES.map((name) =>
  name === 'pool_prop_selfpay' ? name : `-${name}`,
).join(', ');

/** A settlement's figures as the values of AMOUNT_COLUMNS. */
export function amountsOf(s: Settlement): number[] {
  return SETTLEMENT_FIGURES.map((name) => s[name]);
}

export interface StoredSettlement extends Settlement {
  setl_id: string;
  mdtrt_id: string;
  fixmedins_code: string;
  reverses: string | null;
  reversed_by: string | null;
  kind: string;
  year: number;
  ytd_before: YearToDate;
  ytd_after: YearToDate;
  msgid: string;
  closes: boolean;
  /** A cancellation: how many fee lines it gave back. */
  released_lines: number | null;
  setl_time_full: string;
  setldetail: unknown;
}

/** One stored settlement row as the engine's Settlement (residents have no personal account: acct_pay 0). */
export async function storedSettlement(
  client: PoolClient,
  psnNo: string,
  setlId: string,
): Promise<StoredSettlement | undefined> {
  const { rows } = await client.query<Omit<StoredSettlement, 'acct_pay'>>(
    `select setl_id, mdtrt_id, fixmedins_code, reverses, reversed_by, kind, year, med_type, category, msgid, closes, released_lines, setldetail,
            to_char(setl_time at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as setl_time,
            to_char(setl_time at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') as setl_time_full,
            ${AMOUNT_COLUMNS}, ytd_before, ytd_after, layers
       from settlements where psn_no = $1 and setl_id = $2`,
    [psnNo, setlId],
  );
  const row = rows[0];
  return row ? { ...row, acct_pay: 0 } : undefined;
}

/** A top-up of a settlement after an approved application (依申请救助): paid to the person, posted in the journal. */
export interface TopUp {
  psnNo: string;
  setlId: string;
  mdtrtId: string;
  fixmedinsCode: string;
  /** The settlement it tops up. */
  topsUp: string;
  applicationId: number;
  year: number;
  at: Date;
  medType: string;
  /** What the top-up adds, as a settlement of the difference. */
  settlement: Settlement;
  policyId: string;
  fingerprint: string;
  trace: readonly TraceStep[];
  ytdBefore: YearToDate;
  ytdAfter: YearToDate;
  requestId: string;
}

/** `count` new setl_ids of today, drawn from the sequence every settlement's number comes from. */
export async function newSettlementIds(client: PoolClient, today: string, count: number): Promise<string[]> {
  const { rows } = await client.query<{ n: string }>(
    "select nextval('setl_seq')::text as n from generate_series(1, $1)",
    [count],
  );
  return rows.map((row) => `ST${today.replaceAll('-', '')}${row.n.padStart(10, '0')}`);
}

/**
 * The year's accumulators after its top-ups, at the time of the approval: they move by exactly what the top-ups
 * paid, and the count of settlements stays (a top-up adds to a settlement, it is not one).
 */
export async function storeTopUpYear(
  client: PoolClient,
  psnNo: string,
  year: number,
  ytd: YearToDate,
  at: Date,
): Promise<void> {
  await client.query(
    `update person_years set ytd = $3, personal_burden = $4, in_scope_burden = $5, fund_paid = $6, updated_at = $7
      where psn_no = $1 and year = $2`,
    [psnNo, year, ytd, ytd.personalBurden, ytd.inScopeBurden, ytd.fundPaid, at],
  );
}

/** Writes a top-up record and its postings (to `payable:person:<psn_no>`) in one statement. */
export async function writeTopUp(client: PoolClient, topUp: TopUp): Promise<void> {
  const s = topUp.settlement;
  const postings = postingsOf(s, `person:${topUp.psnNo}`, 1);
  await client.query(
    `with settlement as (
       insert into settlements (psn_no, setl_id, mdtrt_id, fixmedins_code, kind, tops_up, application_id, year, setl_time, med_type, category,
          policy_id, policy_fingerprint, ${AMOUNT_COLUMNS}, layers, setldetail, trace, ytd_before, ytd_after, msgid)
       values ($1, $2, $3, $4, 'top_up', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24,
          $25, $26, $27, $28, $29, $30, $31, $32, $33)
       returning setl_id)
     insert into fund_postings (psn_no, setl_id, account, amount)
     select $1, (select setl_id from settlement), account, amount from unnest($34::text[], $35::bigint[]) as t(account, amount)`,
    [
      topUp.psnNo,
      topUp.setlId,
      topUp.mdtrtId,
      topUp.fixmedinsCode,
      topUp.topsUp,
      topUp.applicationId,
      topUp.year,
      topUp.at,
      topUp.medType,
      s.category,
      topUp.policyId,
      topUp.fingerprint,
      ...amountsOf(s),
      JSON.stringify(s.layers),
      JSON.stringify(toSetldetail(s, null)),
      JSON.stringify(storeTrace(topUp.trace)),
      topUp.ytdBefore,
      topUp.ytdAfter,
      topUp.requestId,
      postings.accounts,
      postings.amounts,
    ],
  );
}
