/**
 * The fund journal: every settlement, cancellation and top-up is posted in double entry — each fund (fund_pay_type)
 * debited with what it pays, the payee credited with what the funds owe it — and the entries of one settlement sum to
 * zero. The database holds the rule for every writer (migration 015): postings that do not balance are refused, and
 * postings are never changed or removed, only reversed by the postings of a cancellation.
 */
import { fundTotals, type Settlement } from '@sanbao/core';
import type { PoolClient } from '../db/pool.js';

export interface Postings {
  accounts: string[];
  /** In fen, the same order as the accounts; they sum to zero. */
  amounts: number[];
}

/**
 * The postings of a settlement (sign 1) or of its reversal (sign −1): each fund that pays, and the payee
 * (`payable:<institution>`, or `payable:person:<psn_no>` for a top-up paid to the person).
 */
export function postingsOf(settlement: Settlement, payee: string, sign: 1 | -1): Postings {
  const rows = fundTotals(settlement).filter((row) => row.paid !== 0);
  if (rows.length === 0) return { accounts: [], amounts: [] };
  const accounts = rows.map((row) => `fund:${row.code}`);
  const amounts = rows.map((row) => sign * row.paid);
  accounts.push(`payable:${payee}`);
  amounts.push(-amounts.reduce((sum, amount) => sum + amount, 0));
  return { accounts, amounts };
}

/** Writes the postings of one settlement record (nothing when no fund pays). */
export async function post(client: PoolClient, psnNo: string, setlId: string, postings: Postings): Promise<void> {
  if (postings.accounts.length === 0) return;
  await client.query(
    'insert into fund_postings (psn_no, setl_id, account, amount) select $1, $2, account, amount from unnest($3::text[], $4::bigint[]) as t(account, amount)',
    [psnNo, setlId, postings.accounts, postings.amounts],
  );
}
