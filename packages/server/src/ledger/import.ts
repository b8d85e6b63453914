/**
 * Importing a department's ledger (台账) in one transaction: validate every row, stage the good ones with COPY,
 * check them against the register, then merge set-wise: new persons, new and changed category spells, and the end
 * of the spells of people the ledger no longer lists. `atomic` refuses the whole file when any row is bad;
 * `partial` imports the good rows and reports the bad ones. The same file imported again changes nothing. A file
 * that would end more than a fifth of the department's running spells in the region (a short list sent as if it
 * were the whole ledger) is refused unless the operator confirms the exact number; the settlements made since a
 * spell's new end date under that category are listed as needing re-settlement.
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
import { identityKey, maskIdNumbers, sealIdNumbers } from '../security/identity.js';
import {
  hasControlCharacters,
  LedgerFormatError,
  readRows,
  showControlCharacters,
  withoutControlCharacters,
} from './read.js';

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
  /**
   * The number of running spells the operator confirms the import may end, when it would end more than
   * MASS_END allows; any other number refuses such an import as no number does.
   */
  confirmEnd?: number | undefined;
  /** Called as rows are read and as the merge advances (rows read, or a phase name). */
  onProgress?: (event: { phase: 'reading'; rows: number } | { phase: 'merging' | 'done' }) => void;
}

export interface BadRow {
  rowNo: number;
  codes: string[];
  reasons: string;
  /**
   * The cells as sent, ID numbers masked (341602********1238): the row number finds the row in the department's file.
   * Stored sealed (the ID column whole, and any ID number elsewhere, as `sm4:<sealed>`).
   */
  cells: string[];
}

/** A settlement made under a category after the day this import ended it: to be settled again. */
export interface Resettlement {
  psnNo: string;
  psnName: string;
  setlId: string;
  mdtrtId: string;
  fixmedinsCode: string;
  /** yyyy-MM-dd HH:mm:ss, China time. */
  setlTime: string;
  category: CategoryCode;
  /** The spell's last day as the import left it. */
  spellEnd: string;
}

/** When an import asks for confirmation: more than `percent` % of the running spells, and at least `minimum` of them. */
export const MASS_END = { percent: 20, minimum: 10 } as const;

export interface ImportResult {
  importId: number;
  status: 'imported' | 'refused' | 'duplicate';
  /**
   * Refusals of the file as a whole, as opposed to bad rows: no header, empty, not a ledger file (LEDGER_FORMAT), or
   * ending too many spells without the confirmed number (LEDGER_MASS_END, with `massEnd`).
   */
  fileProblem?: { code: string; message: string };
  /** The import would end `ending` of the `running` spells of the department in the region. */
  massEnd?: { ending: number; running: number };
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
  /** Settlements made under a category after the day this import ended it (需重新结算). */
  resettlements: Resettlement[];
}

/** Staged rows carry the ID number's index and sealed form, computed here, never the number itself. */
const COPY_COLUMNS =
  'row_no, good, certno_index, certno_sm4, name, code, begin_date, end_date, admdvs, township, gend, brdy';

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

/** A bad row as stored: its ID column sealed whole, whatever it holds, and ID numbers in other cells sealed. */
function badRow(rowNo: number, problems: readonly RowProblem[], cells: readonly Cell[], certnoColumn: number): BadRow {
  return {
    rowNo,
    codes: [...new Set(problems.map((problem) => problem.code))],
    reasons: problems.map((problem) => problem.message).join('；'),
    cells: cells.map((cell, index) => {
      const text = showControlCharacters(cellText(cell));
      if (index !== certnoColumn) return sealIdNumbers(text);
      return text === '' ? '' : `sm4:${identityKey().seal(text)}`;
    }),
  };
}

/** A bad row as shown (the import's answer, the error report): ID numbers masked. */
export function shownBadRow(row: BadRow): BadRow {
  return { ...row, cells: row.cells.map(maskIdNumbers) };
}

/** The row's problem when cells hold control characters (NUL and the like, from a damaged or converted file). */
function controlProblem(rowNo: number, header: readonly string[], cells: readonly Cell[]): RowProblem | null {
  const columns = cells.flatMap((cell, index) =>
    typeof cell === 'string' && hasControlCharacters(cell) ? [header[index] || `第 ${index + 1} 列`] : [],
  );
  if (columns.length === 0) return null;
  return {
    rowNo,
    code: 'CONTROL_CHARACTER',
    message: `${columns.join('、')}含有不可见的控制字符（如 NUL，报告中显示为 ␀ 等符号），请删除后重新报送`,
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
  const key = identityKey();
  const staged: Staged = { header: [], columns: null, total: 0, good: 0, problems: [] };
  const copy = client.query(copyFrom(`copy ledger_rows (${COPY_COLUMNS}) from stdin`));
  const finished = once(copy, 'finish');
  let batch = '';
  // Good rows wait here to have their ID numbers indexed and sealed together (a fraction of the cost one by one).
  let good: LedgerRow[] = [];
  const flush = async (): Promise<void> => {
    const ids = key.protectMany(good.map((row) => row.certno));
    good.forEach((row, i) => (batch += stagedLine(row, ids[i]!)));
    good = [];
    if (batch !== '' && !copy.write(batch)) await once(copy, 'drain');
    batch = '';
  };
  try {
    for await (const { rowNo, cells: sent } of readRows(bytes)) {
      // Control characters are reported (the row is bad) and left out of what is checked and stored.
      const dirty = sent.some((cell) => typeof cell === 'string' && hasControlCharacters(cell));
      const cells = dirty
        ? sent.map((cell) => (typeof cell === 'string' ? withoutControlCharacters(cell) : cell))
        : sent;
      const control = dirty && staged.columns ? controlProblem(rowNo, staged.header, sent) : null;
      if (!staged.columns) {
        const header = mapHeader(cells);
        staged.header = sent.map((cell) => showControlCharacters(cellText(cell)));
        if (!header.ok) {
          staged.fileProblem = { code: 'LEDGER_HEADER', message: header.message };
          break;
        }
        staged.columns = header.columns;
        continue;
      }
      if (sent.every((cell) => cellText(cell) === '')) continue;
      staged.total++;
      const checked = validator.check(rowNo, staged.columns, cells);
      if (Array.isArray(checked) || control) {
        const certnoColumn = staged.columns.indexOf('certno');
        staged.problems.push(
          badRow(
            rowNo,
            [...(control ? [control] : []), ...(Array.isArray(checked) ? checked : [])],
            sent,
            certnoColumn,
          ),
        );
        // A person named in a bad row has not left the ledger: staged so that their spells are not ended.
        const certno = cellText(cells[certnoColumn]).toUpperCase();
        if (/^\d{17}[\dX]$/.test(certno)) {
          batch += copyLine([rowNo, false, key.index(certno), null, null, null, null, null, null, null, null, null]);
        }
      } else {
        staged.good++;
        good.push(checked);
      }
      if (good.length >= 1024 || batch.length > 1 << 16) await flush();
      if (staged.total % 10_000 === 0) request.onProgress?.({ phase: 'reading', rows: staged.total });
    }
    if (!staged.columns && !staged.fileProblem) {
      staged.fileProblem = { code: 'LEDGER_EMPTY', message: '文件中没有数据（第一行应为台账模板的表头）' };
    }
    await flush();
  } catch (error) {
    if (!(error instanceof LedgerFormatError)) throw error;
    staged.fileProblem = { code: 'LEDGER_FORMAT', message: error.message };
  } finally {
    copy.end();
    await finished;
  }
  request.onProgress?.({ phase: 'reading', rows: staged.total });
  return staged;
}

/** A good row, with its ID number's index and sealed form (for a person the merge creates). */
function stagedLine(row: LedgerRow, { index, sealed }: { index: string; sealed: string }): string {
  return copyLine([
    row.rowNo,
    true,
    index,
    sealed,
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
      where l.good and p.certno_index = l.certno_index and p.psn_name <> l.name
      returning l.row_no, p.psn_name as registered, 'sm4:' || l.certno_sm4 as certno, l.name, l.code as category, to_char(l.begin_date, 'YYYY-MM-DD') as begin,
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
 * What the merge will read, taken before any change: `latest`, each registered person's newest spell of each of the
 * department's categories in the region; `rows_by_person`, the good rows of registered persons (the merge adds those
 * of the persons it creates); and `leaving`, the running spells of persons the ledger no longer lists (and who are
 * not named in a bad row), which the merge ends. Returns how many spells would end and how many are running.
 */
async function plan(client: Queryable, request: ImportRequest): Promise<{ ending: number; running: number }> {
  const categories = DEPARTMENTS[request.department].categories as readonly string[];
  await client.query(`create temp table rows_by_person on commit drop as
      select p.psn_no, l.code, l.begin_date, l.end_date from ledger_rows l join persons p on p.certno_index = l.certno_index where l.good`);
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
      select distinct p.psn_no from ledger_rows l join persons p on p.certno_index = l.certno_index where not l.good`);
  await client.query('analyze rows_by_person; analyze latest; analyze named_in_bad_rows');
  // Running on the ledger's date, not on the ledger any more, not named in a bad row.
  await client.query(
    `create temp table leaving on commit drop as
      select l.psn_no, l.spell_id from latest l
       where (l.end_date is null or l.end_date >= $1::date)
         and not exists (select 1 from rows_by_person r where r.psn_no = l.psn_no and r.code = l.code)
         and not exists (select 1 from named_in_bad_rows b where b.psn_no = l.psn_no)`,
    [request.ledgerDate],
  );
  const { rows } = await client.query<{ ending: number; running: number }>(
    `select (select count(*)::int from leaving) as ending,
            (select count(*)::int from latest where end_date is null or end_date >= $1::date) as running`,
    [request.ledgerDate],
  );
  return rows[0]!;
}

/** Whether ending `ending` of `running` spells needs the operator's confirmation. */
export function isMassEnd(ending: number, running: number): boolean {
  return ending >= MASS_END.minimum && ending * 100 > running * MASS_END.percent;
}

/** The merge, on what `plan` took: every statement reads the state before any change, so their order does not matter. */
async function merge(client: Queryable, request: ImportRequest, importId: number): Promise<Merged> {
  // New persons, and their rows for the statements below.
  const created = await client.query<{ persons: number }>(
    `with created as (
       insert into persons (psn_no, certno_index, certno_sm4, psn_name, gend, brdy, admdvs, township)
       select 'P' || admdvs || 'L' || lpad(nextval('psn_seq')::text, 9, '0'), certno_index, certno_sm4, name, gend, brdy, admdvs, township
         from (select distinct on (certno_index) * from ledger_rows where good order by certno_index, row_no) l
        where not exists (select 1 from persons p where p.certno_index = l.certno_index)
       returning psn_no, certno_index),
     added as (
       insert into rows_by_person (psn_no, code, begin_date, end_date)
       select c.psn_no, l.code, l.begin_date, l.end_date from created c join ledger_rows l on l.certno_index = c.certno_index where l.good)
     select count(*)::int as persons from created`,
  );
  const personsCreated = created.rows[0]!.persons;
  await client.query(
    `update persons p set township = l.township
       from (select distinct on (certno_index) certno_index, township from ledger_rows
              where good and township <> '' order by certno_index, row_no) l
      where p.certno_index = l.certno_index and p.township <> l.township`,
  );
  await client.query('analyze rows_by_person');
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
       from leaving l where c.psn_no = l.psn_no and c.spell_id = l.spell_id`,
    [request.ledgerDate],
  );
  return { personsCreated, spellsCreated, spellsChanged, spellsEnded };
}

/**
 * Settlements to be made again: each settlement (not reversed) whose deciding category is one this import ended,
 * made after the spell's new last day, on a day no other spell of that category covers. Recorded with the import.
 */
async function findResettlements(client: Queryable, importId: number): Promise<Resettlement[]> {
  await client.query(
    `insert into ledger_import_resettlements (import_id, psn_no, setl_id, code, spell_end)
     select distinct on (s.psn_no, s.setl_id) $1::bigint, s.psn_no, s.setl_id, c.code, c.end_date
       from person_categories c
       join settlements s on s.psn_no = c.psn_no and s.category = c.code
        and s.kind = 'settlement' and s.reversed_by is null
        and (s.setl_time at time zone 'Asia/Shanghai')::date > c.end_date
      where c.import_id = $1 and c.end_date is not null
        and not exists (
          select 1 from person_categories o
           where o.psn_no = s.psn_no and o.code = s.category
             and o.begin_date <= (s.setl_time at time zone 'Asia/Shanghai')::date
             and (o.end_date is null or o.end_date >= (s.setl_time at time zone 'Asia/Shanghai')::date))
      order by s.psn_no, s.setl_id, c.end_date`,
    [importId],
  );
  return resettlementsOf(client, importId);
}

/** The settlements an import listed as needing re-settlement, in the order they were made. */
export async function resettlementsOf(client: Pick<Queryable, 'query'>, importId: number): Promise<Resettlement[]> {
  const { rows } = await client.query<Resettlement>(
    `select r.psn_no as "psnNo", p.psn_name as "psnName", r.setl_id as "setlId", s.mdtrt_id as "mdtrtId",
            s.fixmedins_code as "fixmedinsCode", to_char(s.setl_time at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') as "setlTime",
            r.code as category, to_char(r.spell_end, 'YYYY-MM-DD') as "spellEnd"
       from ledger_import_resettlements r
       join settlements s on s.psn_no = r.psn_no and s.setl_id = r.setl_id
       join persons p on p.psn_no = r.psn_no
      where r.import_id = $1
      order by s.setl_time, r.psn_no, r.setl_id`,
    [importId],
  );
  return rows;
}

async function record(
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
    await client.query(`create temp table ledger_rows (row_no integer, good boolean, certno_index text collate "C", certno_sm4 text,
        name text, code text, begin_date date, end_date date, admdvs text, township text, gend text, brdy date) on commit drop`);
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
