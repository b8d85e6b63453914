/**
 * Importing a department's ledger (台账) in one transaction: validate every row, stage the good ones with COPY,
 * check them against the register, then merge set-wise: new persons, new and changed category spells, and the end
 * of the spells of people the ledger no longer lists. `atomic` refuses the whole file when any row is bad;
 * `partial` imports the good rows and reports the bad ones. The same file imported again changes nothing. A file
 * that would end more than a fifth of the department's running spells in the region (a short list sent as if it
 * were the whole ledger) is refused unless the operator confirms the exact number; the settlements made since a
 * spell's new end date under that category are listed as needing re-settlement.
 *
 * This file runs the steps in order and records the import; reading and staging the rows is staging.ts, the plan,
 * the merge and the re-settlements are merge.ts.
 */
import { createHash } from 'node:crypto';
import { DEPARTMENTS, problem, SanbaoError } from '@sanbao/core';
import { connectUnpipelined, inTransaction, type Pool } from '../db/pool.js';
import type { ImportRequest, ImportResult, Queryable } from './import-types.js';
import { findResettlements, isMassEnd, MASS_END, merge, plan } from './merge.js';
import { recordSnapshot } from './snapshots.js';
import { checkAgainstRegister, createLedgerRows, shownBadRow, stage, type Staged } from './staging.js';

// Re-exported: the routes, the tests and the package's index import the import's names from here.
export type { BadRow, ImportMode, ImportRequest, ImportResult, Resettlement } from './import-types.js';
export { isMassEnd, MASS_END, resettlementsOf } from './merge.js';
export { shownBadRow } from './staging.js';

/** The region imported for and the counties under it. */
export async function regionsInScope(pool: Pool, region: string): Promise<Set<string>> {
  const { rows } = await pool.query<{ admdvs: string }>('select admdvs from regions where admdvs = $1 or parent = $1', [
    region,
  ]);
  return new Set(rows.map((row) => row.admdvs));
}

/** Records an import (imported or refused) with its bad rows; returns its id. */
export async function record(
  client: Queryable,
  request: ImportRequest,
  sha256: string,
  status: 'imported' | 'refused',
  staged: Staged,
  refusal: { code: string; message: string } | null,
): Promise<number> {
  const { rows } = await client.query<{ import_id: number }>(
    `insert into ledger_imports (source_dept, region, ledger_date, file_name, file_sha256, mode, status, total_rows, good_rows, bad_rows, actor, header,
                                 confirmed_end, refusal_code, refusal_message)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) returning import_id`,
    [
      request.department,
      request.region,
      request.ledgerDate,
      request.fileName,
      sha256,
      request.mode,
      status,
      staged.total,
      staged.good,
      staged.problems.length,
      request.actor,
      staged.header,
      request.confirmEnd ?? null,
      refusal?.code ?? null,
      refusal?.message ?? null,
    ],
  );
  const importId = rows[0]!.import_id;
  if (staged.problems.length > 0) {
    await client.query(
      `insert into ledger_import_problems (import_id, row_no, codes, reasons, cells)
       select $1, t.row_no, string_to_array(t.codes, ','), t.reasons, t.cells::json
         from unnest($2::int[], $3::text[], $4::text[], $5::text[]) as t(row_no, codes, reasons, cells)
       on conflict (import_id, row_no) do nothing`,
      [
        importId,
        staged.problems.map((p) => p.rowNo),
        staged.problems.map((p) => p.codes.join(',')),
        staged.problems.map((p) => p.reasons),
        staged.problems.map((p) => JSON.stringify(p.cells)),
      ],
    );
  }
  return importId;
}

/** The refusal of an import that would end too many spells, in words for the operator (without how to confirm). */
async function massEndProblem(
  pool: Pool,
  request: ImportRequest,
  planned: { ending: number; running: number },
): Promise<{ code: string; message: string }> {
  const { rows } = await pool.query<{ name: string }>('select name from regions where admdvs = $1', [request.region]);
  const share = ((planned.ending / planned.running) * 100).toFixed(1);
  const wrong =
    request.confirmEnd === undefined ? '' : `确认数量 ${request.confirmEnd} 与将终止的数量 ${planned.ending} 不符；`;
  return {
    code: 'LEDGER_MASS_END',
    message:
      `${wrong}本次导入将终止${rows[0]?.name ?? request.region}${DEPARTMENTS[request.department].name}` +
      `登记的 ${planned.running} 个有效人员类别中的 ${planned.ending} 个（${share}%），超过 ${MASS_END.percent}% 的安全上限，` +
      '未导入任何数据。台账应为本部门在台账日期的全部人员，请核对文件是否完整；确需终止的，请注明将终止的数量重新导入',
  };
}

export async function importLedger(pool: Pool, bytes: Buffer, request: ImportRequest): Promise<ImportResult> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const empty = { personsCreated: 0, spellsCreated: 0, spellsChanged: 0, spellsEnded: 0 };
  const earlier = await pool.query<{ import_id: number; total_rows: number; good_rows: number; bad_rows: number }>(
    `select import_id, total_rows, good_rows, bad_rows from ledger_imports
      where source_dept = $1 and region = $2 and ledger_date = $3 and file_sha256 = $4 and status = 'imported'`,
    [request.department, request.region, request.ledgerDate, sha256],
  );
  const previous = earlier.rows[0];
  if (previous) {
    return {
      importId: previous.import_id,
      status: 'duplicate',
      totalRows: previous.total_rows,
      goodRows: previous.good_rows,
      badRows: previous.bad_rows,
      ...empty,
      problems: [],
      header: [],
      resettlements: [],
    };
  }
  const regions = await regionsInScope(pool, request.region);
  if (regions.size === 0) {
    throw new SanbaoError([problem('REGION_UNKNOWN', `行政区划 ${request.region} 未登记，无法导入其台账`)]);
  }
  const client = await connectUnpipelined(pool);
  let staged: Staged | undefined;
  let massEnd: { ending: number; running: number } | undefined;
  try {
    await client.query('begin');
    await createLedgerRows(client);
    staged = await stage(client, bytes, request, regions);
    if (!staged.fileProblem) await checkAgainstRegister(client, staged);
    if (!staged.fileProblem && !(request.mode === 'atomic' && staged.problems.length > 0) && staged.good > 0) {
      await client.query('analyze ledger_rows');
      const planned = await plan(client, request);
      if (isMassEnd(planned.ending, planned.running) && request.confirmEnd !== planned.ending) {
        massEnd = planned;
        staged.fileProblem = await massEndProblem(pool, request, planned);
      }
    }
    if (staged.fileProblem || (request.mode === 'atomic' && staged.problems.length > 0) || staged.good === 0) {
      await client.query('rollback');
    } else {
      request.onProgress?.({ phase: 'merging' });
      const importId = await record(client, request, sha256, 'imported', staged, null);
      const merged = await merge(client, request, importId);
      await recordSnapshot(client, importId);
      const resettlements = await findResettlements(client, importId);
      await client.query(
        `update ledger_imports set persons_created = $2, spells_created = $3, spells_changed = $4, spells_ended = $5,
                resettlements = $6 where import_id = $1`,
        [
          importId,
          merged.personsCreated,
          merged.spellsCreated,
          merged.spellsChanged,
          merged.spellsEnded,
          resettlements.length,
        ],
      );
      await client.query('commit');
      request.onProgress?.({ phase: 'done' });
      return {
        importId,
        status: 'imported',
        totalRows: staged.total,
        goodRows: staged.good,
        badRows: staged.problems.length,
        ...merged,
        problems: staged.problems.map(shownBadRow),
        header: staged.header,
        resettlements,
      };
    }
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
  // Refused: nothing of the file is kept but the record of the refusal and its reasons.
  const refused = staged;
  const refusal =
    refused.fileProblem ??
    (refused.good === 0
      ? { code: 'LEDGER_REFUSED', message: `文件没有可导入的正确行（${refused.problems.length} 行有误），未导入` }
      : {
          code: 'LEDGER_REFUSED',
          message: `文件有 ${refused.problems.length} 行有误，按整体导入方式未导入任何数据`,
        });
  const importId = await inTransaction(pool, (c) => record(c, request, sha256, 'refused', refused, refusal));
  request.onProgress?.({ phase: 'done' });
  return {
    importId,
    status: 'refused',
    ...(refused.fileProblem ? { fileProblem: refused.fileProblem } : {}),
    ...(massEnd ? { massEnd } : {}),
    totalRows: refused.total,
    goodRows: refused.good,
    badRows: refused.problems.length,
    ...empty,
    problems: refused.problems.map(shownBadRow),
    header: refused.header,
    resettlements: [],
  };
}
