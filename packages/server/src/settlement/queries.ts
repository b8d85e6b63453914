/** The console's reads of stored settlements, within a user's scope (the person's region and township). */
import { SETTLEMENT_AMOUNTS, type NationalSetldetail, type SettlementAmount, type StoredTrace } from '@sanbao/core';
import type { User } from '../console/auth.js';
import { inScope, personInScope, personScopeValues } from '../console/scope.js';
import type { Pool } from '../db/pool.js';

export interface SettlementFilter {
  psnNo?: string | undefined;
  fixmedinsCode?: string | undefined;
  medType?: string | undefined;
  /** The person's region (a county): its settlements and those of regions under it. */
  admdvs?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface SettlementListRow extends Record<SettlementAmount, number> {
  setl_id: string;
  kind: string;
  psn_no: string;
  psn_name: string;
  certno: string;
  mdtrt_id: string;
  fixmedins_code: string;
  fixmedins_name: string;
  setl_time: Date;
  med_type: string;
  category: string;
}

export interface SettlementDetailRow extends SettlementListRow {
  reverses: string | null;
  reversed_by: string | null;
  tops_up: string | null;
  year: number;
  admdvs: string;
  policy_id: string;
  pool_prop_selfpay: number;
  setldetail: NationalSetldetail[];
  trace: StoredTrace;
}

const LIST_COLUMNS = `s.setl_id, s.kind, s.psn_no, p.psn_name, p.certno_sm4 as certno, s.mdtrt_id, s.fixmedins_code,
  i.name as fixmedins_name, s.setl_time, s.med_type, s.category, ${SETTLEMENT_AMOUNTS.map((name) => `s.${name}`).join(', ')}`;

/** A page of settlements in the user's scope matching the filter, newest first, with their count and sums. */
export async function listSettlements(
  pool: Pool,
  me: User,
  filter: SettlementFilter,
  page: number,
  size: number,
): Promise<{
  total: number;
  sums: Record<'medfee_sumamt' | 'fund_pay_sumamt' | 'psn_part_amt', number>;
  rows: SettlementListRow[];
}> {
  const where = `${personInScope(1)} and ($3::text is null or s.psn_no = $3) and ($4::text is null or s.fixmedins_code = $4)
    and ($5::date is null or s.setl_time >= $5::date) and ($6::date is null or s.setl_time < $6::date + 1)
    and ($7::text is null or s.med_type = $7)
    and ${inScope('p.admdvs', 8)}`;
  const params = [
    ...personScopeValues(me),
    filter.psnNo ?? null,
    filter.fixmedinsCode ?? null,
    filter.from ?? null,
    filter.to ?? null,
    filter.medType ?? null,
    filter.admdvs ?? null,
  ];
  const [totals, { rows }] = await Promise.all([
    pool.query<{ n: number; medfee_sumamt: number; fund_pay_sumamt: number; psn_part_amt: number }>(
      `select count(*)::int as n, coalesce(sum(s.medfee_sumamt), 0)::bigint as medfee_sumamt,
              coalesce(sum(s.fund_pay_sumamt), 0)::bigint as fund_pay_sumamt, coalesce(sum(s.psn_part_amt), 0)::bigint as psn_part_amt
         from settlements s join persons p using (psn_no) where ${where}`,
      params,
    ),
    pool.query<SettlementListRow>(
      `select ${LIST_COLUMNS}
         from settlements s join persons p using (psn_no) join institutions i on i.fixmedins_code = s.fixmedins_code
        where ${where} order by s.setl_time desc, s.setl_id desc limit $9 offset $10`,
      [...params, size, (page - 1) * size],
    ),
  ]);
  const sum = totals.rows[0];
  return {
    total: sum?.n ?? 0,
    sums: {
      medfee_sumamt: sum?.medfee_sumamt ?? 0,
      fund_pay_sumamt: sum?.fund_pay_sumamt ?? 0,
      psn_part_amt: sum?.psn_part_amt ?? 0,
    },
    rows,
  };
}

/** One settlement of a person in the user's scope, with its documents; or nothing. */
export async function findSettlement(
  pool: Pool,
  me: User,
  psnNo: string,
  setlId: string,
): Promise<SettlementDetailRow | undefined> {
  const { rows } = await pool.query<SettlementDetailRow>(
    `select ${LIST_COLUMNS}, s.reverses, s.reversed_by, s.tops_up, s.year, p.admdvs, s.policy_id, s.pool_prop_selfpay,
            s.setldetail, s.trace
       from settlements s join persons p using (psn_no) join institutions i on i.fixmedins_code = s.fixmedins_code
      where s.psn_no = $3 and s.setl_id = $4 and ${personInScope(1)}`,
    [...personScopeValues(me), psnNo, setlId],
  );
  return rows[0];
}
