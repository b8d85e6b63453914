/**
 * Row-by-row checks of a department's ledger. Every problem of a row is reported, each with a stable code and a
 * Chinese reason, so that the department can fix the whole row at once.
 */
import { CATEGORY_NAMES, type CategoryCode } from '../codes.js';
import { ID_PROBLEMS, isValidDate, parseIdNumber } from '../ids.js';
import { categoryOfName, DEPARTMENTS, LEDGER_COLUMNS, type Department, type LedgerField } from './template.js';

/** A cell as the file readers give it: text, a number, or a date (spreadsheet date cells). */
export type Cell = string | number | Date | null | undefined;

export interface LedgerRow {
  rowNo: number;
  certno: string;
  name: string;
  category: CategoryCode;
  begin: string;
  end: string | null;
  admdvs: string;
  township: string;
  gender: '1' | '2';
  birthDate: string;
}

export interface RowProblem {
  rowNo: number;
  code: string;
  message: string;
}

export interface LedgerContext {
  department: Department;
  /** The ledger's date (台账日期): its list is the department's targets on that day. */
  ledgerDate: string;
  /** Region codes the importing user may write (the known regions inside the user's scope). */
  regions: ReadonlySet<string>;
}

/** Which column holds which field, from the header row; fails naming the required headers that are missing. */
export function mapHeader(
  headers: readonly Cell[],
): { ok: true; columns: (LedgerField | null)[] } | { ok: false; message: string } {
  const columns = headers.map((header) => {
    const text = cellText(header).replace(/\s/g, '');
    return LEDGER_COLUMNS.find((column) => column.header === text || column.field === text)?.field ?? null;
  });
  const missing = LEDGER_COLUMNS.filter((column) => column.required && !columns.includes(column.field));
  if (missing.length > 0) {
    return {
      ok: false,
      message: `表头缺少必填列：${missing.map((column) => column.header).join('、')}（请使用平台提供的台账模板）`,
    };
  }
  return { ok: true, columns };
}

export function cellText(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : cell.toISOString().slice(0, 10);
  return String(cell).trim();
}

const DATE_FORMATS = [
  /^(\d{4})-(\d{1,2})-(\d{1,2})$/,
  /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/,
  /^(\d{4})\.(\d{1,2})\.(\d{1,2})$/,
  /^(\d{4})年(\d{1,2})月(\d{1,2})日$/,
  /^(\d{4})(\d{2})(\d{2})$/,
];

/** yyyy-mm-dd from the usual ways dates are written in ledgers; null when it is not a date. */
export function parseLedgerDate(cell: Cell): string | null {
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? null : cell.toISOString().slice(0, 10);
  const text = cellText(cell);
  for (const format of DATE_FORMATS) {
    const match = format.exec(text);
    if (!match) continue;
    const iso = `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}`;
    return isValidDate(iso) ? iso : null;
  }
  return null;
}

const NAME = /^[\p{Script=Han}A-Za-z·•.\s]{2,30}$/u;

export class LedgerValidator {
  /** certno → the first row and name that used it, for duplicates and conflicting names within the file. */
  private readonly seen = new Map<string, { rowNo: number; name: string; categories: CategoryCode[] }>();

  constructor(private readonly context: LedgerContext) {}

  /** Every certno the file named, good rows or not: a person named in a bad row has not left the ledger. */
  get namedIdNumbers(): ReadonlySet<string> {
    return new Set(this.seen.keys());
  }

  check(rowNo: number, columns: readonly (LedgerField | null)[], cells: readonly Cell[]): LedgerRow | RowProblem[] {
    const value: Partial<Record<LedgerField, Cell>> = {};
    columns.forEach((field, index) => {
      if (field) value[field] = cells[index];
    });
    const problems: RowProblem[] = [];
    const problem = (code: string, message: string): void => {
      problems.push({ rowNo, code, message });
    };
    for (const column of LEDGER_COLUMNS) {
      if (column.required && cellText(value[column.field]) === '') problem('REQUIRED', `${column.header}不能为空`);
    }

    const rawId = value.certno;
    const certno = cellText(rawId).toUpperCase();
    const id = certno === '' ? null : parseIdNumber(certno);
    if (typeof rawId === 'number') {
      problem('ID_AS_NUMBER', '身份证号码以数字格式保存，末几位已丢失，请将该列设为文本格式后重新填写');
    } else if (id && !id.ok) {
      problem(ID_PROBLEMS[id.problem].code, ID_PROBLEMS[id.problem].message);
    }

    const name = cellText(value.name).replace(/\s+/g, ' ');
    if (name !== '' && !NAME.test(name)) problem('NAME_INVALID', `姓名“${name}”应为 2–30 个汉字或字母`);

    const { department, ledgerDate, regions } = this.context;
    const categoryText = cellText(value.category);
    const category = categoryText === '' ? null : categoryOfName(department, categoryText);
    if (categoryText !== '' && !category) {
      const allowed = (DEPARTMENTS[department].categories as readonly CategoryCode[])
        .map((code) => CATEGORY_NAMES[code])
        .join('、');
      problem(
        'CATEGORY_UNKNOWN',
        `人员类别“${categoryText}”不是${DEPARTMENTS[department].name}认定的类别（${allowed}）`,
      );
    }

    const begin = this.date(value.begin, '认定日期', problem);
    const end = this.date(value.end, '终止日期', problem);
    if (begin && begin > ledgerDate) problem('DATE_AFTER_LEDGER', `认定日期 ${begin} 晚于台账日期 ${ledgerDate}`);
    if (begin && end && end < begin) problem('DATE_ORDER', `终止日期 ${end} 早于认定日期 ${begin}`);

    const admdvs = cellText(value.admdvs);
    if (admdvs !== '' && !regions.has(admdvs)) {
      problem('REGION_UNKNOWN', `行政区划代码 ${admdvs} 不存在或不在本次导入的范围内`);
    }

    if (id?.ok) {
      const first = this.seen.get(certno);
      if (!first) {
        this.seen.set(certno, { rowNo, name, categories: category ? [category] : [] });
      } else {
        if (name !== '' && first.name !== '' && name !== first.name) {
          problem('NAME_CONFLICT', `同一身份证号码在第 ${first.rowNo} 行的姓名为“${first.name}”`);
        }
        if (category && first.categories.includes(category)) {
          problem('DUPLICATE_ROW', `与第 ${first.rowNo} 行重复（同一人、同一类别）`);
        } else if (category) {
          first.categories.push(category);
        }
      }
    }

    if (problems.length > 0 || !id?.ok || !category || !begin) return problems;
    return {
      rowNo,
      certno,
      name,
      category,
      begin,
      end,
      admdvs,
      township: cellText(value.township),
      gender: id.info.gender,
      birthDate: id.info.birthDate,
    };
  }

  private date(cell: Cell, header: string, problem: (code: string, message: string) => void): string | null {
    if (cellText(cell) === '') return null;
    const iso = parseLedgerDate(cell);
    if (!iso) problem('DATE_INVALID', `${header}“${cellText(cell)}”不是有效日期（应为 yyyy-mm-dd）`);
    return iso;
  }
}
