/**
 * The console's reads of ledger imports: the record of every import within a user's region, a file's bad rows, the
 * previews of uploads and what each would do, and the before/after snapshot of an import.
 */
import { inScope } from '../console/scope.js';
import type { Pool } from '../db/pool.js';

export interface ImportListRow {
  import_id: number;
  source_dept: string;
  region: string;
  ledger_date: string;
  file_name: string;
  mode: string;
  status: string;
  total_rows: number;
  good_rows: number;
  bad_rows: number;
  persons_created: number;
  spells_created: number;
  spells_changed: number;
  spells_ended: number;
  resettlements: number;
  confirmed_end: number | null;
  refusal_code: string | null;
  refusal_message: string | null;
  actor: string;
  at: Date;
}

/** The latest 200 imports of the regions in a scope (null: all), newest first. */
export async function importsIn(pool: Pool, scope: string | null): Promise<ImportListRow[]> {
  const { rows } = await pool.query<ImportListRow>(
    `select import_id, source_dept, region, to_char(ledger_date, 'YYYY-MM-DD') as ledger_date, file_name, mode, status,
            total_rows, good_rows, bad_rows, persons_created, spells_created, spells_changed, spells_ended, resettlements,
            confirmed_end, refusal_code, refusal_message, actor, at
       from ledger_imports i
      where ${inScope('i.region', 1)}
      order by import_id desc limit 200`,
    [scope],
  );
  return rows;
}

/** One import's region (whose scope decides who may read it) and the file's header row; or nothing. */
export async function importOf(
  pool: Pool,
  importId: number,
): Promise<{ region: string; header: string[]; source_dept: string } | undefined> {
  const { rows } = await pool.query<{ region: string; header: string[]; source_dept: string }>(
    'select region, header, source_dept from ledger_imports where import_id = $1',
    [importId],
  );
  return rows[0];
}

export interface ProblemRow {
  row_no: number;
  codes: string[];
  reasons: string;
  /** As stored: ID numbers sealed until the report masks them. */
  cells: string[];
}

/** The bad rows an import recorded, in the order of the file. */
export async function importProblems(pool: Pool, importId: number): Promise<ProblemRow[]> {
  const { rows } = await pool.query<ProblemRow>(
    'select row_no, codes, reasons, cells from ledger_import_problems where import_id = $1 order by row_no',
    [importId],
  );
  return rows;
}

/** Imports of a scope (null: all), of one department when given, newest first, a page of them and how many. */
export async function importHistory(
  pool: Pool,
  filter: { scope: string | null; department: string | null; status: string | null },
  page: number,
  size: number,
): Promise<{ total: number; rows: (ImportListRow & { rows_held: number; snapshot_rows: number })[] }> {
  const where = `${inScope('i.region', 1)} and ($2::text is null or i.source_dept = $2) and ($3::text is null or i.status = $3)`;
  const values = [filter.scope, filter.department, filter.status];
  const counted = await pool.query<{ total: number }>(
    `select count(*)::int as total from ledger_imports i where ${where}`,
    values,
  );
  const { rows } = await pool.query<ImportListRow & { rows_held: number; snapshot_rows: number }>(
    `select import_id, source_dept, region, to_char(ledger_date, 'YYYY-MM-DD') as ledger_date, file_name, mode, status,
            total_rows, good_rows, bad_rows, persons_created, spells_created, spells_changed, spells_ended, resettlements,
            confirmed_end, refusal_code, refusal_message, actor, at, rows_held,
            (select count(*)::int from ledger_import_snapshots s where s.import_id = i.import_id) as snapshot_rows
       from ledger_imports i where ${where}
      order by import_id desc limit $4 offset $5`,
    [...values, size, (page - 1) * size],
  );
  return { total: counted.rows[0]!.total, rows };
}

/** A spell before and after (a preview's item, a snapshot's row, a held row): dates as yyyy-MM-dd. */
export interface SpellChangeRow {
  kind: string;
  row_no: number | null;
  psn_no: string | null;
  psn_name: string;
  /** Sealed until masked. */
  certno_sm4: string;
  code: string;
  before_code: string | null;
  before_begin: string | null;
  before_end: string | null;
  after_begin: string | null;
  after_end: string | null;
  note: string;
}

const DAY = (column: string): string => `to_char(${column}, 'YYYY-MM-DD')`;

export interface PreviewRow {
  preview_id: number;
  source_dept: string;
  region: string;
  region_name: string;
  ledger_date: string;
  file_name: string;
  mode: string;
  header: string[];
  total_rows: number;
  bad_rows: number;
  rows_held: number;
  rows_unchanged: number;
  persons_new: number;
  spells_new: number;
  spells_changed: number;
  spells_ended: number;
  spells_running: number;
  actor: string;
  created_at: Date;
  expires_at: Date;
  import_id: number | null;
}

export async function previewOf(pool: Pool, previewId: number): Promise<PreviewRow | undefined> {
  const { rows } = await pool.query<PreviewRow>(
    `select v.preview_id, v.source_dept, v.region, r.name as region_name, ${DAY('v.ledger_date')} as ledger_date, v.file_name,
            v.mode, v.header, v.total_rows, v.bad_rows, v.rows_held, v.rows_unchanged, v.persons_new, v.spells_new, v.spells_changed,
            v.spells_ended, v.spells_running, v.actor, v.created_at, v.expires_at, v.import_id
       from ledger_previews v join regions r on r.admdvs = v.region where v.preview_id = $1`,
    [previewId],
  );
  return rows[0];
}

/** A preview's items of one kind (all of them when size is null), in the order of the file. */
export async function previewItems(
  pool: Pool,
  previewId: number,
  kind: string,
  page: number,
  size: number | null,
): Promise<{ total: number; rows: SpellChangeRow[] }> {
  const counted = await pool.query<{ total: number }>(
    'select count(*)::int as total from ledger_preview_items where preview_id = $1 and kind = $2',
    [previewId, kind],
  );
  const { rows } = await pool.query<SpellChangeRow>(
    `select kind, row_no, psn_no, psn_name, certno_sm4, code, before_code, ${DAY('before_begin')} as before_begin,
            ${DAY('before_end')} as before_end, ${DAY('after_begin')} as after_begin, ${DAY('after_end')} as after_end, note
       from ledger_preview_items where preview_id = $1 and kind = $2
      order by seq limit $3 offset $4`,
    [previewId, kind, size, size === null ? 0 : (page - 1) * size],
  );
  return { total: counted.rows[0]!.total, rows };
}

/** A preview's bad rows (of the file, and those the register made bad), in the order of the file. */
export async function previewProblems(
  pool: Pool,
  previewId: number,
  page: number,
  size: number | null,
): Promise<{ total: number; rows: ProblemRow[] }> {
  const counted = await pool.query<{ total: number }>(
    'select count(*)::int as total from ledger_preview_problems where preview_id = $1',
    [previewId],
  );
  const { rows } = await pool.query<ProblemRow>(
    `select row_no, codes, reasons, cells from ledger_preview_problems where preview_id = $1
      order by row_no limit $2 offset $3`,
    [previewId, size, size === null ? 0 : (page - 1) * size],
  );
  return { total: counted.rows[0]!.total, rows };
}

/** An import's snapshot of one change (created, changed, ended) or its held rows (held), a page of them. */
export async function importChanges(
  pool: Pool,
  importId: number,
  change: string,
  page: number,
  size: number,
): Promise<{ counts: Record<string, number>; total: number; rows: SpellChangeRow[] }> {
  const counted = await pool.query<{ change: string; n: number }>(
    `select change, count(*)::int as n from ledger_import_snapshots where import_id = $1 group by change
     union all select 'held', count(*)::int from ledger_import_holds where import_id = $1`,
    [importId],
  );
  const counts: Record<string, number> = { created: 0, changed: 0, ended: 0, held: 0 };
  for (const row of counted.rows) counts[row.change] = row.n;
  const held = change === 'held';
  const { rows } = await pool.query<SpellChangeRow>(
    held
      ? `select 'held' as kind, h.row_no, h.psn_no, p.psn_name, p.certno_sm4, h.code, h.other_code as before_code,
                ${DAY('h.other_begin')} as before_begin, ${DAY('h.other_end')} as before_end,
                ${DAY('h.begin_date')} as after_begin, ${DAY('h.end_date')} as after_end, '' as note
           from ledger_import_holds h join persons p on p.psn_no = h.psn_no
          where h.import_id = $1 order by h.row_no limit $2 offset $3`
      : `select s.change as kind, null::int as row_no, s.psn_no, p.psn_name, p.certno_sm4, s.code, s.code as before_code,
                ${DAY('s.before_begin')} as before_begin, ${DAY('s.before_end')} as before_end,
                ${DAY('s.after_begin')} as after_begin, ${DAY('s.after_end')} as after_end, '' as note
           from ledger_import_snapshots s join persons p on p.psn_no = s.psn_no
          where s.import_id = $1 and s.change = $4 order by s.psn_no, s.spell_id limit $2 offset $3`,
    held ? [importId, size, (page - 1) * size] : [importId, size, (page - 1) * size, change],
  );
  return { counts, total: counts[change] ?? 0, rows };
}
