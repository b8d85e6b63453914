/**
 * Confirming a preview: its staged rows (the file is not read again) are checked against the register once more and
 * surveyed as the preview was; when the digest differs — another import, a category registered or ended, a person
 * registered since — nothing is written (409), as the merge would not do what was shown. Otherwise the import is
 * recorded and merged exactly as an import of the file would be, without the rows held for a clerk (待核查), and
 * its before/after snapshot and held rows are kept with it. One confirmation per preview, one at a time per
 * department and region.
 */
import type { LedgerField } from '@sanbao/core';
import { ApiError } from '../console/errors.js';
import { connectUnpipelined, type Pool } from '../db/pool.js';
import { record } from './import.js';
import type { ImportRequest, ImportResult } from './import-types.js';
import { findResettlements, isMassEnd, merge } from './merge.js';
import { importedAlready } from './preview.js';
import { recordHolds, recordSnapshot } from './snapshots.js';
import { checkAgainstRegister, createLedgerRows, shownBadRow, type Staged } from './staging.js';
import { survey } from './survey.js';

interface StoredPreview {
  preview_id: number;
  source_dept: ImportRequest['department'];
  region: string;
  ledger_date: string;
  file_name: string;
  file_sha256: string;
  mode: ImportRequest['mode'];
  header: string[];
  columns: string[];
  total_rows: number;
  good_rows: number;
  digest: string;
  expires_at: Date;
  import_id: number | null;
}

export type ConfirmOutcome =
  | { imported: ImportResult & { rowsHeld: number } }
  | { massEnd: { ending: number; running: number } }
  | { refused: { code: 'LEDGER_REFUSED'; message: string } };

const STALE =
  '预览之后登记信息已有变化（其他导入、类别登记或人员登记），按预览导入将与所见不符，未导入任何数据；请重新上传预览';

export async function confirmPreview(
  pool: Pool,
  previewId: number,
  options: { actor: string; confirmEnd?: number | undefined; now: Date },
): Promise<ConfirmOutcome> {
  const client = await connectUnpipelined(pool);
  try {
    await client.query('begin');
    const { rows } = await client.query<StoredPreview>(
      `select preview_id, source_dept, region, to_char(ledger_date, 'YYYY-MM-DD') as ledger_date, file_name, file_sha256, mode,
              header, columns, total_rows, good_rows, digest, expires_at, import_id
         from ledger_previews where preview_id = $1 for update`,
      [previewId],
    );
    const preview = rows[0];
    if (!preview || (preview.import_id === null && preview.expires_at < options.now))
      throw new ApiError('NOT_FOUND', `预览 ${previewId} 不存在或已过期，请重新上传预览`);
    if (preview.import_id !== null)
      throw new ApiError('STATE', `该预览已确认导入（导入记录 ${preview.import_id}），不能重复确认`);
    // One confirmation or import at a time for a department's ledger of a region.
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [
      `ledger:${preview.source_dept}:${preview.region}`,
    ]);
    const request: ImportRequest = {
      department: preview.source_dept,
      region: preview.region,
      ledgerDate: preview.ledger_date,
      mode: preview.mode,
      fileName: preview.file_name,
      actor: options.actor,
      confirmEnd: options.confirmEnd,
    };
    const earlier = await importedAlready(client, request, preview.file_sha256);
    if (earlier !== null) throw new ApiError('STATE', `同一文件已于导入记录 ${earlier} 导入，${STALE}`);

    await createLedgerRows(client);
    await client.query(
      `insert into ledger_rows (row_no, good, certno_index, certno_sm4, name, code, begin_date, end_date, admdvs, township, gend, brdy)
       select row_no, good, certno_index, certno_sm4, name, code, begin_date, end_date, admdvs, township, gend, brdy
         from ledger_preview_rows where preview_id = $1`,
      [previewId],
    );
    const problems = await client.query<{ row_no: number; codes: string[]; reasons: string; cells: string[] }>(
      'select row_no, codes, reasons, cells from ledger_preview_problems where preview_id = $1 and from_file order by row_no',
      [previewId],
    );
    const staged: Staged = {
      header: preview.header,
      columns: preview.columns.map((field) => (field === '' ? null : (field as LedgerField))),
      total: preview.total_rows,
      good: preview.good_rows,
      problems: problems.rows.map((row) => ({
        rowNo: row.row_no,
        codes: row.codes,
        reasons: row.reasons,
        cells: row.cells,
      })),
    };
    await checkAgainstRegister(client, staged);
    await client.query('analyze ledger_rows');
    const found = await survey(client, request);
    if (found.digest !== preview.digest) throw new ApiError('STATE', STALE);
    staged.good -= found.held;

    if (request.mode === 'atomic' && staged.problems.length > 0) {
      await client.query('rollback');
      const message = `文件有 ${staged.problems.length} 行有误，按整体导入方式不能导入；请改正后重新上传，或选择“部分导入”`;
      return { refused: { code: 'LEDGER_REFUSED', message } };
    }
    if (staged.good === 0) {
      await client.query('rollback');
      return { refused: { code: 'LEDGER_REFUSED', message: '没有可导入的行（全部有误或待核查），未导入' } };
    }
    if (isMassEnd(found.ended, found.running) && options.confirmEnd !== found.ended) {
      await client.query('rollback');
      return { massEnd: { ending: found.ended, running: found.running } };
    }

    const importId = await record(client, request, preview.file_sha256, 'imported', staged, null);
    const merged = await merge(client, request, importId);
    await recordSnapshot(client, importId);
    const rowsHeld = await recordHolds(client, importId);
    const resettlements = await findResettlements(client, importId);
    await client.query(
      `update ledger_imports set good_rows = $2, persons_created = $3, spells_created = $4, spells_changed = $5,
              spells_ended = $6, resettlements = $7, rows_held = $8, preview_id = $9
        where import_id = $1`,
      [
        importId,
        staged.good,
        merged.personsCreated,
        merged.spellsCreated,
        merged.spellsChanged,
        merged.spellsEnded,
        resettlements.length,
        rowsHeld,
        previewId,
      ],
    );
    await client.query('update ledger_previews set import_id = $2 where preview_id = $1', [previewId, importId]);
    // The staged rows (sealed ID numbers) are not needed any more; what the preview showed stays until it expires.
    await client.query('delete from ledger_preview_rows where preview_id = $1', [previewId]);
    await client.query('commit');
    return {
      imported: {
        importId,
        status: 'imported',
        totalRows: staged.total,
        goodRows: staged.good,
        badRows: staged.problems.length,
        ...merged,
        problems: staged.problems.map(shownBadRow),
        header: staged.header,
        resettlements,
        rowsHeld,
      },
    };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
