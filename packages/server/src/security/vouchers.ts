/**
 * Electronic medical-insurance vouchers (医保电子凭证, mdtrt_cert_type 01): short-lived tokens the platform issues to a
 * person (the console, at the counter) and hospitals present at 1101/2201/2401 (his/vouchers.ts). Only the token's
 * SM3 digest is stored.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PoolClient } from '../db/pool.js';

/** An electronic voucher is valid this long after it was issued. */
export const VOUCHER_MINUTES = 30;

export function voucherDigest(token: string): string {
  return createHash('sm3').update(token).digest('hex');
}

/** Issues an electronic voucher for the person; the token is returned once and only its digest is stored. */
export async function issueVoucher(
  client: Pick<PoolClient, 'query'>,
  psnNo: string,
  issuedBy: string,
): Promise<{ token: string; expiresAt: Date }> {
  const token = `EC${randomBytes(20).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + VOUCHER_MINUTES * 60_000);
  await client.query('insert into vouchers (token_sm3, psn_no, issued_by, expires_at) values ($1, $2, $3, $4)', [
    voucherDigest(token),
    psnNo,
    issuedBy,
    expiresAt,
  ]);
  return { token, expiresAt };
}
