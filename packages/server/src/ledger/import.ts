/**
 * Importing a department's ledger (台账) in one transaction: validate every row, stage the good ones with COPY,
 * check them against the register, then merge set-wise: new persons, new and changed category spells, and the end
 * of the spells of people the ledger no longer lists. `atomic` refuses the whole file when any row is bad;
 * `partial` imports the good rows and reports the bad ones. The same file imported again changes nothing.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import {
  CATEGORY_NAMES,
  cellText,
  DEPARTMENTS,
  type CategoryCode,
  LedgerValidator,
  mapHeader,
  type Cell,
  type Department,
  type LedgerField,
  type LedgerRow,
  type RowProblem,
  problem,
  SanbaoError,
} from '@sanbao/core';
import { from as copyFrom } from 'pg-copy-streams';
import type pg from 'pg';
import { connectUnpipelined, inTransaction, type Pool } from '../db/pool.js';
import { readRows } from './read.js';

type Queryable = pg.ClientBase;

export type ImportMode = 'atomic' | 'partial';

export interface ImportRequest {
  department: Department;
  /** The region the ledger covers (a county, or a city with its counties): people outside it are not touched. */
  region: string;
  ledgerDate: string;
  mode: ImportMode;
  fileName: string;
  actor: string;
  /** Called as rows are read and as the merge advances (rows read, or a phase name). */
  onProgress?: (event: { phase: 'reading'; rows: number } | { phase: 'merging' | 'done' }) => void;
}

export interface BadRow {
  rowNo: number;
  codes: string[];
  reasons: string;
  cells: string[];
}

export interface ImportResult {
  importId: number;
  status: 'imported' | 'refused' | 'duplicate';
  /** Refusals of the file itself (no header, empty file), as opposed to bad rows. */
  fileProblem?: { code: string; message: string };
  totalRows: number;
  goodRows: number;
  badRows: number;
  personsCreated: number;
  spellsCreated: number;
  spellsChanged: number;
  spellsEnded: number;
  /** The bad rows (all of them; the error report lists them). */
  problems: BadRow[];
  header: string[];
}

const COPY_COLUMNS = 'row_no, good, certno, name, code, begin_date, end_date, admdvs, township, gend, brdy';

/** One line of COPY's text format. */
function copyLine(values: (string | number | boolean | null)[]): string {
  return `${values
    .map((value) =>
      value === null
        ? '\\N'
        : String(value).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!),
    )
    .join('\t')}\n`;
}

function badRow(rowNo: number, problems: readonly RowProblem[], cells: readonly Cell[]): BadRow {
  return {
    rowNo,
    codes: [...new Set(problems.map((problem) => problem.code))],
    reasons: problems.map((problem) => problem.message).join('；'),
    cells: cells.map(cellText),
  };
}

async function regionsInScope(pool: Pool, region: string): Promise<Set<string>> {
  const { rows } = await pool.query<{ admdvs: string }>('select admdvs from regions where admdvs = $1 or parent = $1', [
    region,
  ]);
  return new Set(rows.map((row) => row.admdvs));
}

interface Staged {
  header: string[];
  columns: (LedgerField | null)[] | null;
  total: number;
  good: number;
  problems: BadRow[];
  fileProblem?: { code: string; message: string };
}

/** Reads, validates and COPYs every row into the temporary table `ledger_rows`; bad rows stay with their cells. */
async function stage(client: Queryable, bytes: Buffer, request: ImportRequest, regions: Set<string>): Promise<Staged> {
  const validator = new LedgerValidator({ department: request.department, ledgerDate: request.ledgerDate, regions });
  const staged: Staged = { header: [], columns: null, total: 0, good: 0, problems: [] };
  const copy = client.query(copyFrom(`copy ledger_rows (${COPY_COLUMNS}) from stdin`));
  const finished = once(copy, 'finish');
  let batch = '';
  const flush = async (): Promise<void> => {
    if (batch !== '' && !copy.write(batch)) await once(copy, 'drain');
    batch = '';
  };
  try {
    for await (const { rowNo, cells } of readRows(bytes)) {
      if (!staged.columns) {
        const header = mapHeader(cells);
        staged.header = cells.map(cellText);
        if (!header.ok) {
          staged.fileProblem = { code: 'LEDGER_HEADER', message: header.message };
          break;
        }
        staged.columns = header.columns;
        continue;
      }
      if (cells.every((cell) => cellText(cell) === '')) continue;
      staged.total++;
      const checked = validator.check(rowNo, staged.columns, cells);
      if (Array.isArray(checked)) {
        staged.problems.push(badRow(rowNo, checked, cells));
        // A person named in a bad row has not left the ledger: staged so that their spells are not ended.
        const certno = cellText(cells[staged.columns.indexOf('certno')]).toUpperCase();
        if (/^\d{17}[\dX]$/.test(certno)) {
          batch += copyLine([rowNo, false, certno, null, null, null, null, null, null, null, null]);
        }
      } else {
        staged.good++;
        batch += stagedLine(checked);
      }
      if (batch.length > 1 << 16) await flush();
      if (staged.total % 10_000 === 0) request.onProgress?.({ phase: 'reading', rows: staged.total });
    }
    if (!staged.columns && !staged.fileProblem) {
      staged.fileProblem = { code: 'LEDGER_EMPTY', message: '文件中没有数据（第一行应为台账模板的表头）' };
    }
    await flush();
  } finally {
    copy.end();
    await finished;
  }
  request.onProgress?.({ phase: 'reading', rows: staged.total });
  return staged;
}

function stagedLine(row: LedgerRow): string {
  return copyLine([
    row.rowNo,
    true,
    row.certno,
    row.name,
    row.category,
    row.begin,
    row.end,
    row.admdvs,
    row.township,
    row.gender,
    row.birthDate,
  ]);
}

/** Rows whose person is registered under another name: refused, the register is not overwritten by a ledger. */
async function checkAgainstRegister(client: Queryable, staged: Staged): Promise<void> {
  const { rows } = await client.query<Record<string, string | null> & { row_no: number; registered: string }>(
    `update ledger_rows l set good = false from persons p
      where l.good and p.certno = l.certno and p.psn_name <> l.name
      returning l.row_no, p.psn_name as registered, l.certno, l.name, l.code as category, to_char(l.begin_date, 'YYYY-MM-DD') as begin,
                to_char(l.end_date, 'YYYY-MM-DD') as "end", l.admdvs, l.township`,
  );
  for (const row of rows) {
    staged.good--;
    staged.problems.push({
      rowNo: row.row_no,
      codes: ['NAME_MISMATCH'],
      reasons: `姓名“${row.name}”与参保登记的姓名“${row.registered}”不一致`,
      cells: (staged.columns ?? []).map((field) =>
        field === 'category' ? CATEGORY_NAMES[row['category'] as CategoryCode] : field ? (row[field] ?? '') : '',
      ),
    });
  }
  staged.problems.sort((a, b) => a.rowNo - b.rowNo);
}

interface Merged {
  personsCreated: number;
  spellsCreated: number;
  spellsChanged: number;
  spellsEnded: number;
}

/**
 * The merge. `latest` is each person's newest spell of each of the department's categories, taken before any
 * change; every statement below reads it, so their order does not change what they do.
 */
async function merge(client: Queryable, request: ImportRequest, importId: number): Promise<Merged> {
  const categories = DEPARTMENTS[request.department].categories as readonly string[];
  const personsCreated =
    (
      await client.query(
        `insert into persons (psn_no, certno, psn_name, gend, brdy, admdvs, township)
         select 'P' || admdvs || 'L' || lpad(nextval('psn_seq')::text, 9, '0'), certno, name, gend, brdy, admdvs, township
           from (select distinct on (certno) * from ledger_rows where good order by certno, row_no) l
          where not exists (select 1 from persons p where p.certno = l.certno)`,
      )
    ).rowCount ?? 0;
  await client.query(
    `update persons p set township = l.township
       from (select distinct on (certno) certno, township from ledger_rows where good and township <> '' order by certno, row_no) l
      where p.certno = l.certno and p.township <> l.township`,
  );
  await client.query(`create temp table rows_by_person on commit drop as
      select p.psn_no, l.code, l.begin_date, l.end_date from ledger_rows l join persons p on p.certno = l.certno where l.good`);
  await client.query(
    `create temp table latest on commit drop as
      select distinct on (c.psn_no, c.code) c.psn_no, c.code, c.spell_id, c.begin_date, c.end_date
        from person_categories c join persons p on p.psn_no = c.psn_no
       where c.source_dept = $1 and c.code = any($2) and (p.admdvs = $3 or p.admdvs in (select admdvs from regions where parent = $3))
       order by c.psn_no, c.code, c.begin_date desc, c.spell_id desc`,
    [request.department, categories, request.region],
  );
  // People named only in bad rows: their spells stay as they are.
  await client.query(`create temp table named_in_bad_rows on commit drop as
      select distinct p.psn_no from ledger_rows l join persons p on p.certno = l.certno where not l.good`);
  await client.query('analyze rows_by_person; analyze latest; analyze named_in_bad_rows');
  const count = async (sql: string, values: unknown[] = []): Promise<number> =>
    (await client.query(sql, [importId, ...values])).rowCount ?? 0;
  // The same spell (same first day): the ledger's end date holds.
  let spellsChanged = await count(
    `update person_categories c set end_date = r.end_date, import_id = $1
       from rows_by_person r join latest l on l.psn_no = r.psn_no and l.code = r.code
      where c.psn_no = l.psn_no and c.spell_id = l.spell_id and r.begin_date = l.begin_date and c.end_date is distinct from r.end_date`,
  );
  // An earlier first day than the register's: the department corrected it.
  spellsChanged += await count(
    `update person_categories c set begin_date = r.begin_date, end_date = r.end_date, import_id = $1
       from rows_by_person r join latest l on l.psn_no = r.psn_no and l.code = r.code
      where c.psn_no = l.psn_no and c.spell_id = l.spell_id and r.begin_date < l.begin_date`,
  );
  // A later first day: a new spell; the previous one, if still running, ends the day before.
  let spellsEnded = await count(
    `update person_categories c set end_date = r.begin_date - 1, import_id = $1
       from rows_by_person r join latest l on l.psn_no = r.psn_no and l.code = r.code
      where c.psn_no = l.psn_no and c.spell_id = l.spell_id and r.begin_date > l.begin_date
        and (l.end_date is null or l.end_date >= r.begin_date)`,
  );
  const spellsCreated = await count(
    `insert into person_categories (psn_no, code, begin_date, end_date, source_dept, import_id)
     select r.psn_no, r.code, r.begin_date, r.end_date, $2, $1
       from rows_by_person r left join latest l on l.psn_no = r.psn_no and l.code = r.code
      where l.psn_no is null or r.begin_date > l.begin_date`,
    [request.department],
  );
  // Not on the ledger any more (and not named in a bad row): the category ends the day before the ledger's date.
  spellsEnded += await count(
    `update person_categories c set end_date = greatest(c.begin_date, $2::date - 1), import_id = $1
       from latest l
      where c.psn_no = l.psn_no and c.spell_id = l.spell_id and (l.end_date is null or l.end_date >= $2::date)
        and not exists (select 1 from rows_by_person r where r.psn_no = l.psn_no and r.code = l.code)
        and not exists (select 1 from named_in_bad_rows b where b.psn_no = l.psn_no)`,
    [request.ledgerDate],
  );
  return { personsCreated, spellsCreated, spellsChanged, spellsEnded };
}

async function record(
  client: Queryable,
  request: ImportRequest,
  sha256: string,
  status: 'imported' | 'refused',
  staged: Staged,
): Promise<number> {
  const { rows } = await client.query<{ import_id: number }>(
    `insert into ledger_imports (source_dept, region, ledger_date, file_name, file_sha256, mode, status, total_rows, good_rows, bad_rows, actor, header)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning import_id`,
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
    };
  }
  const regions = await regionsInScope(pool, request.region);
  if (regions.size === 0) {
    throw new SanbaoError([problem('REGION_UNKNOWN', `行政区划 ${request.region} 未登记，无法导入其台账`)]);
  }
  const client = await connectUnpipelined(pool);
  let staged: Staged | undefined;
  try {
    await client.query('begin');
    await client.query(`create temp table ledger_rows (row_no integer, good boolean, certno text, name text, code text,
        begin_date date, end_date date, admdvs text, township text, gend text, brdy date) on commit drop`);
    staged = await stage(client, bytes, request, regions);
    if (!staged.fileProblem) await checkAgainstRegister(client, staged);
    if (staged.fileProblem || (request.mode === 'atomic' && staged.problems.length > 0) || staged.good === 0) {
      await client.query('rollback');
    } else {
      request.onProgress?.({ phase: 'merging' });
      await client.query('analyze ledger_rows');
      const importId = await record(client, request, sha256, 'imported', staged);
      const merged = await merge(client, request, importId);
      await client.query(
        'update ledger_imports set persons_created = $2, spells_created = $3, spells_changed = $4, spells_ended = $5 where import_id = $1',
        [importId, merged.personsCreated, merged.spellsCreated, merged.spellsChanged, merged.spellsEnded],
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
        problems: staged.problems,
        header: staged.header,
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
  const importId = await inTransaction(pool, (c) => record(c, request, sha256, 'refused', refused));
  request.onProgress?.({ phase: 'done' });
  return {
    importId,
    status: 'refused',
    ...(refused.fileProblem ? { fileProblem: refused.fileProblem } : {}),
    totalRows: refused.total,
    goodRows: refused.good,
    badRows: refused.problems.length,
    ...empty,
    problems: refused.problems,
    header: refused.header,
  };
}
