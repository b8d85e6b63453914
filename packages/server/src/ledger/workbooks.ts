/** The XLSX files of the ledger exchange: each department's template, and the report of a file's bad rows. */
import { PassThrough } from 'node:stream';
import { CATEGORY_NAMES, DEPARTMENTS, LEDGER_COLUMNS, type CategoryCode, type Department } from '@sanbao/core';
import ExcelJS from 'exceljs';
import type { BadRow } from './import.js';

const BOLD_HEADER = {
  font: { bold: true },
  fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE6F0FF' } },
};

export async function templateXlsx(department: Department): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('台账');
  sheet.columns = LEDGER_COLUMNS.map((column) => ({
    header: column.header,
    key: column.field,
    width: column.field === 'certno' ? 22 : 16,
    // Text format: an 18-digit number would lose its last digits as a spreadsheet number.
    style: column.field === 'certno' || column.field === 'admdvs' ? { numFmt: '@' } : {},
  }));
  Object.assign(sheet.getRow(1), BOLD_HEADER);
  sheet.views = [{ state: 'frozen', ySplit: 1 }];

  const help = workbook.addWorksheet('填写说明');
  help.columns = [
    { header: '列名', width: 16 },
    { header: '必填', width: 8 },
    { header: '说明', width: 70 },
  ];
  Object.assign(help.getRow(1), BOLD_HEADER);
  for (const column of LEDGER_COLUMNS) help.addRow([column.header, column.required ? '是' : '否', column.help]);
  const { name, categories } = DEPARTMENTS[department];
  help.addRow([]);
  help.addRow([
    '人员类别',
    '',
    `${name}可填写：${categories.map((code) => CATEGORY_NAMES[code as CategoryCode]).join('、')}`,
  ]);
  help.addRow([
    '台账口径',
    '',
    '每次报送本部门在台账日期仍有效的全部人员；上次报送有、本次未列出的人员，其类别于台账日期前一日终止（历史记录保留）。',
  ]);
  help.addRow(['重复报送', '', '同一文件重复导入不产生任何变化。']);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export function templateCsv(): Buffer {
  // With a BOM, Excel opens the UTF-8 file with the right characters.
  return Buffer.from(`\uFEFF${LEDGER_COLUMNS.map((column) => column.header).join(',')}\r\n`, 'utf8');
}

/** The bad rows with their reasons first and the cells as sent; streamed, as a report may hold many rows. */
export async function errorReportXlsx(header: readonly string[], problems: readonly BadRow[]): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
  const sheet = workbook.addWorksheet('错误行');
  sheet.columns = [
    { header: '行号', width: 8 },
    { header: '错误代码', width: 22 },
    { header: '错误原因', width: 60 },
    ...header.map((text) => ({ header: text, width: 16, style: { numFmt: '@' } })),
  ];
  Object.assign(sheet.getRow(1), BOLD_HEADER);
  sheet.getRow(1).commit();
  for (const problem of problems) {
    sheet.addRow([problem.rowNo, problem.codes.join('、'), problem.reasons, ...problem.cells]).commit();
  }
  sheet.commit();
  await workbook.commit();
  return Buffer.concat(chunks);
}
