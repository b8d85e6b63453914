/** The console's reads of stored settlements, within a user's scope (the person's region and township). */
import {
  SETTLEMENT_AMOUNTS,
  type InstitutionLevel,
  type NationalSetldetail,
  type SettlementAmount,
  type StoredTrace,
} from '@sanbao/core';
import type { User } from '../console/auth.js';
import { inScope, personInScope, personScopeValues } from '../console/scope.js';
import type { Pool, PoolClient } from '../db/pool.js';

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
  /** The visit or stay. */
  begntime: Date;
  endtime: Date | null;
  dise_codg: string[];
  ipt_otp_no: string | null;
  /** The institution's level and region name. */
  fixmedins_level: InstitutionLevel;
  fixmedins_admdvs_name: string;
  /** The person: '1' male, '2' female; birth date yyyy-MM-dd; insured region's name; township. */
  gend: string;
  brdy: string;
  admdvs_name: string;
  township: string;
}

const LIST_COLUMNS = `s.setl_id, s.kind, s.psn_no, p.psn_name, p.certno_sm4 as certno, s.mdtrt_id, s.fixmedins_code,
  i.name as fixmedins_name, s.setl_time, s.med_type, s.category, ${SETTLEMENT_AMOUNTS.map((name) => `s.${name}`).join(', ')}`;

/** The amounts a list of settlements sums, one per fund among them (what the list's footer shows). */
export const LISTED_SUMS = [
  'medfee_sumamt',
  'hifp_pay',
  'hifmi_pay',
  'maf_pay',
  'fund_pay_sumamt',
  'psn_part_amt',
] as const;
type ListedSum = (typeof LISTED_SUMS)[number];
const FUND_COLUMNS = ['hifp_pay', 'hifmi_pay', 'maf_pay'] as const;
type FundColumn = (typeof FUND_COLUMNS)[number];

/**
 * A page of settlements in the user's scope matching the filter, newest first, with their count, their sums and each
 * fund's person-times (settlements it paid, less their cancellations; records voided by 冲正 2601 come in pairs and
 * count for nothing, so a reinstated settlement counts once).
 */
export async function listSettlements(
  pool: Pool,
  me: User,
  filter: SettlementFilter,
  page: number,
  size: number,
): Promise<{
  total: number;
  sums: Record<ListedSum, number>;
  personTimes: Record<'settlements' | 'hifp_pay' | 'hifmi_pay' | 'maf_pay', number>;
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
    pool.query<Record<ListedSum | 'n' | `${'settlements' | FundColumn}_times`, number>>(
      `select count(*)::int as n,
              ${LISTED_SUMS.map((name) => `coalesce(sum(s.${name}), 0)::bigint as ${name}`).join(', ')},
              (count(*) filter (where s.kind = 'settlement' and not s.voided)
                - count(*) filter (where s.kind = 'cancellation' and not s.voided))::int as settlements_times,
              ${FUND_COLUMNS.map(
                (name) => `(count(*) filter (where s.kind = 'settlement' and s.${name} > 0 and not s.voided)
                  - count(*) filter (where s.kind = 'cancellation' and s.${name} < 0 and not s.voided))::int as ${name}_times`,
              ).join(', ')}
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
    sums: Object.fromEntries(LISTED_SUMS.map((name) => [name, Number(sum?.[name] ?? 0)])) as Record<ListedSum, number>,
    personTimes: {
      settlements: sum?.settlements_times ?? 0,
      hifp_pay: sum?.hifp_pay_times ?? 0,
      hifmi_pay: sum?.hifmi_pay_times ?? 0,
      maf_pay: sum?.maf_pay_times ?? 0,
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
            s.setldetail, s.trace, e.begntime, e.endtime, e.dise_codg, e.ipt_otp_no, i.level as fixmedins_level,
            ir.name as fixmedins_admdvs_name, p.gend, p.brdy, pr.name as admdvs_name, p.township
       from settlements s join persons p using (psn_no) join institutions i on i.fixmedins_code = s.fixmedins_code
       join encounters e on e.psn_no = s.psn_no and e.mdtrt_id = s.mdtrt_id
       join regions ir on ir.admdvs = i.admdvs join regions pr on pr.admdvs = p.admdvs
      where s.psn_no = $3 and s.setl_id = $4 and ${personInScope(1)}`,
    [...personScopeValues(me), psnNo, setlId],
  );
  return rows[0];
}

export interface HistoryRow {
  setl_id: string;
  kind: string;
  reverses: string | null;
  tops_up: string | null;
  setl_time: Date;
  fund_pay_sumamt: number;
  psn_part_amt: number;
}

/**
 * The records of one settlement, oldest first: the settlement itself, its cancellation (and a 2601 reversal of that
 * cancellation, which reinstated it), and its top-ups — found from any of them. Read from the visit's records (one
 * index range), then followed along their links: a cancellation to what it reverses, a top-up to what it tops up.
 */
export async function settlementHistory(
  pool: Pool,
  psnNo: string,
  mdtrtId: string,
  setlId: string,
): Promise<HistoryRow[]> {
  const { rows } = await pool.query<HistoryRow>(
    `select setl_id, kind, reverses, tops_up, setl_time, fund_pay_sumamt, psn_part_amt
       from settlements where psn_no = $1 and mdtrt_id = $2 order by setl_time, setl_id`,
    [psnNo, mdtrtId],
  );
  const byId = new Map(rows.map((row) => [row.setl_id, row]));
  const origin = (row: HistoryRow): string => {
    let at = row;
    for (let steps = 0; steps < rows.length; steps++) {
      const linked = at.tops_up ?? at.reverses;
      const next = linked === null ? undefined : byId.get(linked);
      if (!next) break;
      at = next;
    }
    return at.setl_id;
  };
  const start = byId.get(setlId);
  if (!start) return [];
  const root = origin(start);
  return rows.filter((row) => origin(row) === root);
}

/**
 * Who settled a 零星报销 at the counter (for its sheet): the clerk's name, the note, and the reviewer's reason if it was
 * reversed; null for a settlement a HIS made.
 */
export async function manualOf(
  db: Pick<PoolClient, 'query'>,
  psnNo: string,
  setlId: string,
): Promise<{ clerk_name: string; note: string; cancel_reason: string | null } | null> {
  const { rows } = await db.query<{ clerk_name: string; note: string; cancel_reason: string | null }>(
    `select coalesce(u.display_name, m.clerk) as clerk_name, m.note, m.cancel_reason
       from manual_settlements m left join users u on u.username = m.clerk
      where m.psn_no = $1 and m.setl_id = $2`,
    [psnNo, setlId],
  );
  return rows[0] ?? null;
}
