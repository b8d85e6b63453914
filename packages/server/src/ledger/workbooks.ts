/** The XLSX files of the ledger exchange: each department's template, and the report of a file's bad rows. */
import { CATEGORY_NAMES, DEPARTMENTS, LEDGER_COLUMNS, type CategoryCode, type Department } from '@sanbao/core';
import { maskIdNumbers } from '../security/identity.js';
import { workbookXlsx } from '../xlsx.js';
import type { BadRow } from './import-types.js';

export function templateXlsx(department: Department): Promise<Buffer> {
  const { name, categories } = DEPARTMENTS[department];
  return workbookXlsx([
    {
      name: '台账',
      columns: LEDGER_COLUMNS.map((column) => ({
        header: column.header,
        width: column.field === 'certno' ? 22 : 16,
        text: column.field === 'certno' || column.field === 'admdvs',
      })),
      rows: [],
    },
    {
      name: '填写说明',
      columns: [
        { header: '列名', width: 16 },
        { header: '必填', width: 8 },
        { header: '说明', width: 70 },
      ],
      rows: [
        ...LEDGER_COLUMNS.map((column) => [column.header, column.required ? '是' : '否', column.help]),
        [],
        ['人员类别', '', `${name}可填写：${categories.map((code) => CATEGORY_NAMES[code as CategoryCode]).join('、')}`],
        [
          '台账口径',
          '',
          '每次报送本部门在台账日期仍有效的全部人员；上次报送有、本次未列出的人员，其类别于台账日期前一日终止（历史记录保留）。',
        ],
        ['重复报送', '', '同一文件重复导入不产生任何变化。'],
      ],
    },
  ]);
}

export function templateCsv(): Buffer {
  // With a BOM, Excel opens the UTF-8 file with the right characters.
  return Buffer.from(`\uFEFF${LEDGER_COLUMNS.map((column) => column.header).join(',')}\r\n`, 'utf8');
}

/** The bad rows with their reasons first and the cells as sent, ID numbers masked (whether given clear or sealed). */
export function errorReportXlsx(header: readonly string[], problems: readonly BadRow[]): Promise<Buffer> {
  return workbookXlsx([
    {
      name: '错误行',
      columns: [
        { header: '行号', width: 8 },
        { header: '错误代码', width: 22 },
        { header: '错误原因', width: 60 },
        ...header.map((text) => ({ header: text, width: 16, text: true })),
      ],
      rows: problems.map((problem) => [
        problem.rowNo,
        problem.codes.join('、'),
        problem.reasons,
        ...problem.cells.map(maskIdNumbers),
      ]),
    },
  ]);
}

/** A spell before and after, as the preview's sheets show it. */
export interface PreviewSheetRow {
  row: number | null;
  psn_no: string | null;
  psn_name: string;
  certno: string;
  category_name: string;
  before: { category_name: string; department_name: string; begin: string | null; end: string | null } | null;
  after: { begin: string | null; end: string | null };
  note: string;
}

const SPELL_COLUMNS = [
  { header: '行号', width: 8 },
  { header: '人员编号', width: 20, text: true },
  { header: '姓名', width: 10 },
  { header: '身份证号码', width: 22, text: true },
  { header: '人员类别', width: 18 },
  { header: '原认定日期', width: 12 },
  { header: '原终止日期', width: 12 },
  { header: '认定日期', width: 12 },
  { header: '终止日期', width: 12 },
  { header: '说明', width: 50 },
];

const HELD_COLUMNS = [
  { header: '行号', width: 8 },
  { header: '人员编号', width: 20, text: true },
  { header: '姓名', width: 10 },
  { header: '身份证号码', width: 22, text: true },
  { header: '台账所报类别', width: 18 },
  { header: '认定日期', width: 12 },
  { header: '终止日期', width: 12 },
  { header: '其他部门', width: 16 },
  { header: '其他部门认定的类别', width: 18 },
  { header: '其认定日期', width: 12 },
  { header: '待核查原因', width: 60 },
];

/**
 * A preview as a workbook: its counts, then one sheet per kind — 新增, 变更, 取消, 待核查 — and the bad rows with
 * their reasons and cells (ID numbers masked).
 */
export function previewXlsx(preview: {
  summary: [string, string | number][];
  kinds: { name: string; rows: PreviewSheetRow[]; held?: boolean }[];
  header: readonly string[];
  problems: readonly BadRow[];
}): Promise<Buffer> {
  const day = (value: string | null | undefined): string => value ?? '';
  return workbookXlsx([
    {
      name: '概况',
      columns: [
        { header: '项目', width: 24 },
        { header: '内容', width: 40 },
      ],
      rows: preview.summary,
    },
    ...preview.kinds.map(({ name, rows, held }) =>
      held
        ? {
            name,
            columns: HELD_COLUMNS,
            rows: rows.map((r) => [
              r.row,
              r.psn_no ?? '',
              r.psn_name,
              r.certno,
              r.category_name,
              day(r.after.begin),
              day(r.after.end),
              r.before?.department_name ?? '',
              r.before?.category_name ?? '',
              day(r.before?.begin),
              r.note,
            ]),
          }
        : {
            name,
            columns: SPELL_COLUMNS,
            rows: rows.map((r) => [
              r.row,
              r.psn_no ?? '（新登记）',
              r.psn_name,
              r.certno,
              r.category_name,
              day(r.before?.begin),
              day(r.before?.end),
              day(r.after.begin),
              day(r.after.end),
              r.note,
            ]),
          },
    ),
    {
      name: '错误',
      columns: [
        { header: '行号', width: 8 },
        { header: '错误代码', width: 22 },
        { header: '错误原因', width: 60 },
        ...preview.header.map((text) => ({ header: text, width: 16, text: true })),
      ],
      rows: preview.problems.map((problem) => [
        problem.rowNo,
        problem.codes.join('、'),
        problem.reasons,
        ...problem.cells.map(maskIdNumbers),
      ]),
    },
  ]);
}
