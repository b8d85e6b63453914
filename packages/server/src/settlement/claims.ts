/**
 * Stored settlements back to the claims the engine settled: what settling a person's year again starts from (a top-up
 * after an approved application today; a simulation or a re-settlement after a category changed tomorrow). Every
 * caller reads them here, so that they all settle again exactly what was settled.
 */
import { MED_TYPES, type Claim, type Fen, type InstitutionLevel, type Referral } from '@sanbao/core';
import type { PoolClient } from '../db/pool.js';

/** A standing settlement and the claim it settled. */
export interface StoredClaim {
  setlId: string;
  mdtrtId: string;
  fixmedinsCode: string;
  /** The claim as the engine settled it: its date is the settlement's (China), its bill the settlement's. */
  claim: Claim;
}

interface ClaimRow {
  setl_id: string;
  mdtrt_id: string;
  fixmedins_code: string;
  med_type: string;
  setl_date: string;
  adm_date: string;
  level: InstitutionLevel;
  referral: Referral | null;
  medfee_sumamt: Fen;
  fulamt_ownpay_amt: Fen;
  overlmt_selfpay: Fen;
  preselfpay_amt: Fen;
  inscp_scp_amt: Fen;
  dise_codg: string[];
  chronic_scheme: string | null;
}

/**
 * The person's standing settlements of the year (kind 'settlement', not cancelled; top-ups are not claims) in the
 * order they were made, each as the claim the engine settled: the bill stored with it, the institution's level, the
 * encounter's admission date, referral, diagnoses and chronic scheme.
 */
export async function storedClaims(client: PoolClient, psnNo: string, year: number): Promise<StoredClaim[]> {
  const { rows } = await client.query<ClaimRow>(
    `select s.setl_id, s.mdtrt_id, s.fixmedins_code, s.med_type,
            to_char(s.setl_time at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as setl_date,
            to_char(e.begntime at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as adm_date,
            i.level, e.referral, s.medfee_sumamt, s.fulamt_ownpay_amt, s.overlmt_selfpay, s.preselfpay_amt, s.inscp_scp_amt,
            e.dise_codg, e.chronic_scheme
       from settlements s join encounters e using (psn_no, mdtrt_id) join institutions i on i.fixmedins_code = s.fixmedins_code
      where s.psn_no = $1 and s.year = $2 and s.kind = 'settlement' and s.reversed_by is null
      order by s.setl_id`,
    [psnNo, year],
  );
  return rows.map((row) => {
    const kind = MED_TYPES[row.med_type];
    if (!kind) throw new Error(`stored settlement ${row.setl_id} has unknown med_type ${row.med_type}`);
    return {
      setlId: row.setl_id,
      mdtrtId: row.mdtrt_id,
      fixmedinsCode: row.fixmedins_code,
      claim: {
        medType: row.med_type,
        encounter: kind.encounter,
        setlDate: row.setl_date,
        admDate: row.adm_date,
        level: row.level,
        referral: row.referral,
        medfee: row.medfee_sumamt,
        fullOwnPay: row.fulamt_ownpay_amt,
        overLimit: row.overlmt_selfpay,
        preSelfPay: row.preselfpay_amt,
        inScope: row.inscp_scp_amt,
        diagnoses: row.dise_codg,
        chronicScheme: row.chronic_scheme,
      },
    };
  });
}
