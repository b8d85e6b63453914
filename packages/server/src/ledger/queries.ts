/** The console's reads of ledger imports: the record of every import within a user's region, and a file's bad rows. */
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
): Promise<{ region: string; header: string[] } | undefined> {
  const { rows } = await pool.query<{ region: string; header: string[] }>(
    'select region, header from ledger_imports where import_id = $1',
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
