/** The demo's hospitals and the HIS transactions they send, through the endpoint itself (authenticated, logged). */
import type { Pool } from '../db/pool.js';
import { callService } from '../his/endpoint.js';
import { insertInstitutions } from '../institutions/repository.js';
import { sealSecret } from '../his/credentials.js';
import { chinaDateTime } from '../time.js';
import type { PolicyRegistry } from '../policies.js';
import { openCertno } from '../security/identity.js';

export interface Hospital {
  code: string;
  name: string;
  level: string;
  admdvs: string;
  lat: number;
  lon: number;
}

export function demoSecret(code: string): string {
  return `demo-${code}`;
}

/** Registers the demo's hospitals, each with its demo secret. */
export async function insertHospitals(pool: Pool, hospitals: readonly Hospital[]): Promise<void> {
  await insertInstitutions(
    pool,
    hospitals.map((hospital) => ({ ...hospital, sealedSecret: sealSecret(demoSecret(hospital.code)) })),
  );
}

/** Sends one HIS transaction as an institution of the demo (its demo secret) and returns the output. */
export type HisCall = (code: string, infno: string, input: Record<string, unknown>) => Promise<Record<string, unknown>>;

export function hisCaller(pool: Pool, policies: PolicyRegistry, today: Date, city: string): HisCall {
  let sequence = 0;
  return async (code, infno, input) => {
    sequence += 1;
    const envelope = {
      infno,
      msgid: `${code}${chinaDateTime(today).replace(/\D/g, '')}${String(sequence).padStart(4, '0')}`,
      mdtrtarea_admvs: city,
      insuplc_admdvs: city,
      opter: 'demo',
      opter_name: '演示',
      inf_time: chinaDateTime(today),
      fixmedins_code: code,
      fixmedins_name: code,
      input,
    };
    const auth = `Basic ${Buffer.from(`${code}:${demoSecret(code)}`).toString('base64')}`;
    const { reply } = await callService({ pool, policies, clock: () => today }, envelope, auth);
    if (reply.infcode !== 0) throw new Error(`demo ${infno} failed: ${reply.err_msg}`);
    return reply.output;
  };
}

/** A stay as a HIS makes it: admission, discharge and settlement (amounts in yuan); returns the settlement's setlinfo. */
export async function settleStay(
  his: HisCall,
  code: string,
  psnNo: string,
  /** The ID number on the card the person presents (the voucher, type 02). */
  certno: string,
  today: Date,
  bill: { medfee: number; selfPaid: number; diagnosis?: string },
): Promise<Record<string, unknown>> {
  const now = chinaDateTime(today);
  const admission = await his(code, '2401', {
    mdtrtinfo: {
      psn_no: psnNo,
      insutype: '390',
      begntime: now,
      mdtrt_cert_type: '02',
      mdtrt_cert_no: certno,
      med_type: '21',
      ipt_no: `ZY${psnNo}`,
    },
    diseinfo: bill.diagnosis ? [{ diag_code: bill.diagnosis }] : [],
  });
  const mdtrtId = String((admission['result'] as Record<string, unknown>)['mdtrt_id']);
  await his(code, '2402', {
    dscginfo: { mdtrt_id: mdtrtId, psn_no: psnNo, insutype: '390', endtime: now },
    diseinfo: [],
  });
  const settled = await his(code, '2304', {
    data: {
      psn_no: psnNo,
      mdtrt_id: mdtrtId,
      mdtrt_cert_type: '02',
      mdtrt_cert_no: certno,
      medfee_sumamt: bill.medfee,
      fulamt_ownpay_amt: bill.selfPaid,
      overlmt_selfpay: 0,
      preselfpay_amt: 0,
      psn_setlway: '01',
      insutype: '390',
      acct_used_flag: '0',
      mid_setl_flag: '0',
    },
  });
  return settled['setlinfo'] as Record<string, unknown>;
}

/** A stay for one resident in 97 insured this year, at a hospital picked at random, with a random bill. */
export async function settleHistory(
  pool: Pool,
  his: HisCall,
  institutions: { code: string; level: string }[],
  residents: string[],
  today: Date,
  rand: () => number,
): Promise<void> {
  const insured = await pool.query<{ psn_no: string; certno_sm4: string }>(
    'select e.psn_no, p.certno_sm4 from enrollments e join persons p using (psn_no) where e.psn_no = any($1) and e.year = $2',
    [residents.filter((_, index) => index % 97 === 0), Number(chinaDateTime(today).slice(0, 4))],
  );
  for (const { psn_no: psnNo, certno_sm4: sealed } of insured.rows) {
    const certno = openCertno(sealed);
    const institution = institutions[Math.floor(rand() * institutions.length)] as { code: string; level: string };
    const medfee = Math.round(2000 * Math.exp(1.2 * rand() + (institution.level === 'township' ? 0 : 1)) * 100) / 100;
    const selfPaid = Math.round(medfee * 0.08 * rand() * 100) / 100;
    await settleStay(his, institution.code, psnNo, certno, today, { medfee, selfPaid });
  }
}
