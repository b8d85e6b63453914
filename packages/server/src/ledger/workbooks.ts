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
