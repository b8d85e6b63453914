/**
 * The first step of a ledger import: every row read and validated, and COPYed into the temporary table
 * `ledger_rows` with its ID number indexed and sealed (the number itself never staged); bad rows kept with their
 * cells, ID numbers sealed. Then the rows of persons registered under another name are turned bad.
 */
import { once } from 'node:events';
import {
  CATEGORY_NAMES,
  cellText,
  type CategoryCode,
  LedgerValidator,
  mapHeader,
  type Cell,
  type LedgerField,
  type LedgerRow,
  type RowProblem,
} from '@sanbao/core';
import { from as copyFrom } from 'pg-copy-streams';
import { identityKey, maskIdNumbers, sealIdNumbers } from '../security/identity.js';
import type { BadRow, ImportRequest, Queryable } from './import-types.js';
import {
  hasControlCharacters,
  LedgerFormatError,
  readRows,
  showControlCharacters,
  withoutControlCharacters,
} from './read.js';

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

/**
 * The temporary table of the staged rows (dropped at commit). `held` marks a good row the preview holds back for a
 * clerk (preview-plan.ts): it is staged as not good, so that the merge neither applies it nor ends its person's spells.
 */
export async function createLedgerRows(client: Queryable): Promise<void> {
  await client.query(`create temp table ledger_rows (row_no integer, good boolean, certno_index text collate "C", certno_sm4 text,
      name text, code text, begin_date date, end_date date, admdvs text, township text, gend text, brdy date,
      held boolean not null default false) on commit drop`);
}

/** What staging found: the header as sent and its fields, the rows counted, the bad ones, or the file's problem. */
export interface Staged {
  header: string[];
  columns: (LedgerField | null)[] | null;
  total: number;
  good: number;
  problems: BadRow[];
  fileProblem?: { code: string; message: string };
}

/** Reads, validates and COPYs every row into the temporary table `ledger_rows`; bad rows stay with their cells. */
export async function stage(
  client: Queryable,
  bytes: Buffer,
  request: ImportRequest,
  regions: Set<string>,
): Promise<Staged> {
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
export async function checkAgainstRegister(client: Queryable, staged: Staged): Promise<void> {
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
