/** The enrollment screen's workbooks: a year's enrollments and a month's subsidy adjustments, amounts in yuan. */
import type { Fen } from '@sanbao/core';
import { maskedCertno } from '../security/identity.js';
import type { Sheet } from '../xlsx.js';
import { categoryName } from './console-shapes.js';
import type { AdjustmentRow, EnrollmentRow, Sums } from './queries.js';

const money = { money: true, width: 14 };
const PERSON_COLUMNS = [
  { header: '县（区）', width: 10 },
  { header: '乡镇（街道）', width: 14 },
  { header: '人员编号', width: 20, text: true },
  { header: '姓名', width: 10 },
  { header: '身份证号码', width: 22, text: true },
];

export function enrollmentSheets(year: number, rows: readonly EnrollmentRow[], total: number, sums: Sums): Sheet[] {
  return [
    {
      name: `${year}年度参保登记`,
      columns: [
        ...PERSON_COLUMNS,
        { header: '缴费日期', width: 12 },
        { header: '待遇开始日期', width: 12 },
        { header: '资助类别', width: 18 },
        { header: '个人缴费标准', ...money },
        { header: '财政补助', ...money },
        { header: '医疗救助资助', ...money },
        { header: '个人实缴', ...money },
      ],
      rows: [
        ...rows.map((r) => [
          r.county,
          r.township,
          r.psn_no,
          r.psn_name,
          maskedCertno(r.certno),
          r.paid_on,
          r.begin_date,
          categoryName(r.subsidy_category),
          r.contribution,
          r.fiscal,
          r.subsidy,
          r.person_pays,
        ]),
        ['合计', '', '', `${total} 人`, '', '', '', '', sums.contribution, null, sums.subsidy, sums.person_pays],
      ],
    },
  ];
}

export function adjustmentSheets(month: string, rows: readonly AdjustmentRow[], total: number, delta: Fen): Sheet[] {
  return [
    {
      name: `${month}资助调整`,
      columns: [
        ...PERSON_COLUMNS,
        { header: '参保年度', width: 10 },
        { header: '资助类别', width: 18 },
        { header: '调整前资助', ...money },
        { header: '调整后资助', ...money },
        { header: '补足金额', ...money },
      ],
      rows: [
        ...rows.map((r) => [
          r.county,
          r.township,
          r.psn_no,
          r.psn_name,
          maskedCertno(r.certno),
          r.year,
          categoryName(r.category),
          r.before,
          r.after,
          r.delta,
        ]),
        ['合计', '', '', `${total} 人`, '', null, '', null, null, delta],
      ],
    },
  ];
}
