/**
 * The preview of a ledger upload: the file read and every row checked as an import does (staging.ts), compared with
 * the register (survey.ts), and kept for PREVIEW_HOURS under the preview's id — its staged rows, its bad rows and
 * what it would do — for the operator to look at and confirm (confirm.ts). Nothing is written to persons or
 * person_categories: the transaction holding the staged rows writes only the preview's own tables.
 */
import { createHash } from 'node:crypto';
import { ApiError } from '../console/errors.js';
import { connectUnpipelined, type Pool } from '../db/pool.js';
import { regionsInScope } from './import.js';
import type { BadRow, ImportRequest, Queryable } from './import-types.js';
import { checkAgainstRegister, createLedgerRows, stage, type Staged } from './staging.js';
import { survey, type Survey } from './survey.js';

/** How long a preview is kept to be confirmed. */
export const PREVIEW_HOURS = 2;

export type PreviewRequest = Omit<ImportRequest, 'confirmEnd' | 'onProgress'>;

export type PreviewOutcome = { previewId: number } | { refused: { code: string; message: string } };

/** A ledger already imported as this very file: importing it again would change nothing. */
export async function importedAlready(
  client: Pick<Queryable, 'query'>,
  request: PreviewRequest,
  sha256: string,
): Promise<number | null> {
  const { rows } = await client.query<{ import_id: number }>(
    `select import_id from ledger_imports
      where source_dept = $1 and region = $2 and ledger_date = $3 and file_sha256 = $4 and status = 'imported'`,
    [request.department, request.region, request.ledgerDate, sha256],
  );
  return rows[0]?.import_id ?? null;
}

/** Bad rows into the preview's table: `fromFile` those of the file itself, otherwise those the register made bad. */
export async function storeProblems(
  client: Queryable,
  previewId: number,
  problems: readonly BadRow[],
  fromFile: boolean,
): Promise<void> {
  if (problems.length === 0) return;
  await client.query(
    `insert into ledger_preview_problems (preview_id, row_no, codes, reasons, cells, from_file)
     select $1, t.row_no, string_to_array(t.codes, ','), t.reasons, t.cells::json, $6
       from unnest($2::int[], $3::text[], $4::text[], $5::text[]) as t(row_no, codes, reasons, cells)
     on conflict (preview_id, row_no) do nothing`,
    [
      previewId,
      problems.map((p) => p.rowNo),
      problems.map((p) => p.codes.join(',')),
      problems.map((p) => p.reasons),
      problems.map((p) => JSON.stringify(p.cells)),
      fromFile,
    ],
  );
}

async function storeFindings(client: Queryable, previewId: number, found: Survey, staged: Staged): Promise<void> {
  await client.query(
    `insert into ledger_preview_items (preview_id, kind, seq, row_no, psn_no, psn_name, certno_sm4, code, spell_id,
                                       before_code, before_begin, before_end, after_begin, after_end, note)
     select $1, kind, row_number() over (partition by kind order by row_no nulls last, psn_no, code, spell_id), row_no, psn_no,
            psn_name, certno_sm4, code, spell_id, before_code, before_begin, before_end, after_begin, after_end, note
       from preview_items`,
    [previewId],
  );
  await client.query(
    `update ledger_previews set bad_rows = $2, rows_held = $3, rows_unchanged = $4, persons_new = $5, spells_new = $6,
            spells_changed = $7, spells_ended = $8, spells_running = $9, digest = $10
      where preview_id = $1`,
    [
      previewId,
      staged.problems.length,
      found.held,
      found.unchanged,
      found.personsNew,
      found.newSpells,
      found.changed,
      found.ended,
      found.running,
      found.digest,
    ],
  );
}

export async function previewLedger(
  pool: Pool,
  bytes: Buffer,
  request: PreviewRequest,
  now: Date,
): Promise<PreviewOutcome> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const earlier = await importedAlready(pool, request, sha256);
  if (earlier !== null)
    throw new ApiError(
      'DUPLICATE',
      `同一文件已于导入记录 ${earlier} 导入（同一部门、区划与台账日期），再次导入不会有任何变化`,
    );
  const regions = await regionsInScope(pool, request.region);
  if (regions.size === 0) throw new ApiError('REGION_UNKNOWN', `行政区划 ${request.region} 未登记，无法导入其台账`);
  // Previews past their time go, with their staged rows.
  await pool.query('delete from ledger_previews where expires_at < $1', [now]);
  const client = await connectUnpipelined(pool);
  try {
    await client.query('begin');
    await createLedgerRows(client);
    const staged = await stage(client, bytes, request, regions);
    if (staged.fileProblem) {
      await client.query('rollback');
      return { refused: staged.fileProblem };
    }
    const { rows } = await client.query<{ preview_id: number }>(
      `insert into ledger_previews (source_dept, region, ledger_date, file_name, file_sha256, mode, header, columns, total_rows,
                                    good_rows, bad_rows, digest, actor, created_at, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '', $12, $13, $13::timestamptz + make_interval(hours => $14))
       returning preview_id`,
      [
        request.department,
        request.region,
        request.ledgerDate,
        request.fileName,
        sha256,
        request.mode,
        staged.header,
        (staged.columns ?? []).map((field) => field ?? ''),
        staged.total,
        staged.good,
        staged.problems.length,
        request.actor,
        now,
        PREVIEW_HOURS,
      ],
    );
    const previewId = rows[0]!.preview_id;
    // The rows as the file's checks left them: a confirmation checks them against the register again.
    await client.query(
      `insert into ledger_preview_rows (preview_id, row_no, good, certno_index, certno_sm4, name, code, begin_date, end_date,
                                        admdvs, township, gend, brdy)
       select $1, row_no, good, certno_index, certno_sm4, name, code, begin_date, end_date, admdvs, township, gend, brdy
         from ledger_rows`,
      [previewId],
    );
    await storeProblems(client, previewId, staged.problems, true);
    const fromFile = staged.problems.length;
    await checkAgainstRegister(client, staged);
    const registerProblems = staged.problems.filter((problem) => problem.codes.includes('NAME_MISMATCH'));
    if (staged.problems.length > fromFile) await storeProblems(client, previewId, registerProblems, false);
    await client.query('analyze ledger_rows');
    const found = await survey(client, request);
    await storeFindings(client, previewId, found, staged);
    await client.query('commit');
    return { previewId };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
