/**
 * The SQL of handing warnings down to their townships (下放) and taking them back (收回): choosing and locking the
 * warnings a batch is made of, writing the batch, reading batches and a warning's hand-downs within a user's scope;
 * the two remarks; and the ledger's counts by level and township. Amounts are fen and times Dates here.
 */
import type { WarningLevel } from '@sanbao/core';
import type { User } from '../console/auth.js';
import { warningInScope, warningScopeValues } from '../console/scope.js';
import type { Pool, PoolClient } from '../db/pool.js';
import { ledgerWhere, visibleWarning, WARNING_FROM, type WarningFilter } from './queries.js';

export type HandoverKind = 'down' | 'recall';
export type HandoverBasis = 'township' | 'selected' | 'filter' | 'feedback' | 'batch' | 'migration';

/** A warning chosen for a batch, locked. */
export interface Chosen {
  psn_no: string;
  year: number;
  township: string;
  handover_id: number | null;
}

const CHOSEN = 'w.psn_no, w.year, w.township, w.handover_id';

/** The warnings of the ledger's filter (with a level) in the user's view, locked. */
export async function lockFiltered(client: PoolClient, me: User, filter: WarningFilter): Promise<Chosen[]> {
  const { where, values } = ledgerWhere(me, filter);
  const { rows } = await client.query<Chosen>(
    `select ${CHOSEN} from ${WARNING_FROM} where ${where} order by w.psn_no for update of w`,
    values,
  );
  return rows;
}

/** The ticked warnings of a year in the user's view, locked (the ones not found are simply not there). */
export async function lockSelected(
  client: PoolClient,
  me: User,
  year: number,
  psnNos: readonly string[],
): Promise<Chosen[]> {
  const { rows } = await client.query<Chosen>(
    `select ${CHOSEN} from warnings w where ${visibleWarning(1)} and w.year = $4 and w.psn_no = any($5::text[])
      order by w.psn_no for update of w`,
    [...warningScopeValues(me), year, psnNos],
  );
  return rows;
}

/** The warnings in the user's scope still handed down by a batch, locked. */
export async function lockHandedDownBy(client: PoolClient, me: User, handoverId: number): Promise<Chosen[]> {
  const { rows } = await client.query<Chosen>(
    `select ${CHOSEN} from warnings w where ${warningInScope(1)} and w.handover_id = $4 order by w.psn_no for update of w`,
    [...warningScopeValues(me), handoverId],
  );
  return rows;
}

export interface NewHandover {
  kind: HandoverKind;
  basis: HandoverBasis;
  year: number;
  criteria: Record<string, unknown>;
  note: string;
  actor: string;
  at: Date;
  warnings: readonly { psn_no: string; year: number }[];
}

/**
 * Writes a batch with its warnings, which are then with their townships by it (a hand-down) or no longer with them
 * (a recall: marked recalled, so that the feedback runs do not send them again). The caller holds their locks.
 */
export async function insertHandover(client: PoolClient, batch: NewHandover): Promise<number> {
  const { rows } = await client.query<{ handover_id: number }>(
    `insert into warning_handovers (kind, basis, year, criteria, warnings, note, actor, at)
     values ($1, $2, $3, $4, $5, $6, $7, $8) returning handover_id`,
    [
      batch.kind,
      batch.basis,
      batch.year,
      JSON.stringify(batch.criteria),
      batch.warnings.length,
      batch.note,
      batch.actor,
      batch.at,
    ],
  );
  const handoverId = rows[0]!.handover_id;
  await client.query(
    `with items as (
       insert into warning_handover_items (handover_id, psn_no, year)
       select $1::bigint, psn_no, year from unnest($2::text[], $3::int[]) as t(psn_no, year) returning psn_no, year)
     update warnings w set handover_id = case when $4::boolean then $1::bigint end, recalled = not $4::boolean
       from items i where w.psn_no = i.psn_no and w.year = i.year`,
    [handoverId, batch.warnings.map((w) => w.psn_no), batch.warnings.map((w) => w.year), batch.kind === 'down'],
  );
  return handoverId;
}

export interface HandoverRow {
  handover_id: number;
  kind: HandoverKind;
  basis: HandoverBasis;
  year: number;
  criteria: Record<string, unknown>;
  note: string;
  actor: string;
  actor_name: string | null;
  at: Date;
  /** The batch's warnings in the user's scope. */
  warnings: number;
  /** Of those, how many are still handed down by this batch. */
  outstanding: number;
  townships: { township: string; warnings: number; outstanding: number }[];
}

export interface HandoverFilter {
  year?: number | undefined;
  kind?: HandoverKind | undefined;
  handoverId?: number | undefined;
}

/** Batches with a warning in the user's scope (counted within it), newest first, with the count of all that match. */
export async function handoverPage(
  db: Pool | PoolClient,
  me: User,
  filter: HandoverFilter,
  page: number,
  size: number,
): Promise<{ total: number; rows: HandoverRow[] }> {
  const values = [...warningScopeValues(me), filter.year ?? null, filter.kind ?? null, filter.handoverId ?? null];
  const visible = `visible as (
      select i.handover_id, w.township, (w.handover_id is not distinct from i.handover_id) as outstanding
        from warning_handover_items i join warnings w on w.psn_no = i.psn_no and w.year = i.year
        join warning_handovers b on b.handover_id = i.handover_id
       where ${warningInScope(1)} and ($4::int is null or b.year = $4) and ($5::text is null or b.kind = $5)
         and ($6::bigint is null or b.handover_id = $6))`;
  const [total, { rows }] = await Promise.all([
    db.query<{ n: number }>(`with ${visible} select count(distinct handover_id)::int as n from visible`, values),
    db.query<HandoverRow>(
      `with ${visible},
       per_township as (
         select handover_id, township, count(*)::int as n, (count(*) filter (where outstanding))::int as o
           from visible group by handover_id, township)
       select h.handover_id, h.kind, h.basis, h.year, h.criteria, h.note, h.actor, u.display_name as actor_name, h.at,
              sum(t.n)::int as warnings, sum(t.o)::int as outstanding,
              json_agg(json_build_object('township', t.township, 'warnings', t.n, 'outstanding', t.o) order by t.township) as townships
         from warning_handovers h join per_township t using (handover_id)
         left join users u on 'user:' || u.username = h.actor
        group by h.handover_id, u.display_name
        order by h.handover_id desc limit $7 offset $8`,
      [...values, size, (page - 1) * size],
    ),
  ]);
  return { total: total.rows[0]?.n ?? 0, rows };
}

export interface WarningHandover {
  handover_id: number;
  kind: HandoverKind;
  basis: HandoverBasis;
  note: string;
  actor: string;
  actor_name: string | null;
  at: Date;
}

/** The batches a person-year's warning went down or came back in, oldest first. */
export async function warningHandovers(pool: Pool, psnNo: string, year: number): Promise<WarningHandover[]> {
  const { rows } = await pool.query<WarningHandover>(
    `select h.handover_id, h.kind, h.basis, h.note, h.actor, u.display_name as actor_name, h.at
       from warning_handover_items i join warning_handovers h using (handover_id)
       left join users u on 'user:' || u.username = h.actor
      where i.psn_no = $1 and i.year = $2 order by h.handover_id`,
    [psnNo, year],
  );
  return rows;
}

export type RemarkSide = 'township' | 'bureau';

export interface Remarks {
  township_remark: string;
  township_remark_by: string | null;
  township_remark_at: Date | null;
  bureau_remark: string;
  bureau_remark_by: string | null;
  bureau_remark_at: Date | null;
}

/** The two remarks of a person-year's warning, with who wrote them (display names) and when. */
export async function remarksOf(pool: Pool, psnNo: string, year: number): Promise<Remarks> {
  const { rows } = await pool.query<Remarks>(
    `select w.township_remark, coalesce(tu.display_name, w.township_remark_by) as township_remark_by, w.township_remark_at,
            w.bureau_remark, coalesce(bu.display_name, w.bureau_remark_by) as bureau_remark_by, w.bureau_remark_at
       from warnings w
       left join users tu on 'user:' || tu.username = w.township_remark_by
       left join users bu on 'user:' || bu.username = w.bureau_remark_by
      where w.psn_no = $1 and w.year = $2`,
    [psnNo, year],
  );
  return rows[0]!;
}

/** Writes one side's remark (the columns are chosen from the side, never from the request's text). */
export async function writeRemark(
  client: PoolClient,
  side: RemarkSide,
  remark: { psnNo: string; year: number; text: string; actor: string; at: Date },
): Promise<void> {
  const column = side === 'township' ? 'township_remark' : 'bureau_remark';
  await client.query(
    `update warnings set ${column} = $3, ${column}_by = $4, ${column}_at = $5 where psn_no = $1 and year = $2`,
    [remark.psnNo, remark.year, remark.text, remark.actor, remark.at],
  );
}

export interface CountRow {
  township: string;
  level: WarningLevel;
  warnings: number;
  /** Not handed down. */
  pending: number;
}

/** The ledger's warnings (every level) in the user's view by township and level, for the filter without its level. */
export async function ledgerCounts(pool: Pool, me: User, filter: WarningFilter): Promise<CountRow[]> {
  const { where, values } = ledgerWhere(me, { ...filter, level: undefined });
  const { rows } = await pool.query<CountRow>(
    `select w.township, w.level, count(*)::int as warnings, (count(*) filter (where w.handover_id is null))::int as pending
       from ${WARNING_FROM} where ${where} group by w.township, w.level order by w.township, w.level`,
    values,
  );
  return rows;
}
