/**
 * The one-stop settlement sheet (一站式结算单) as a PDF on one A4 page, laid out as the console prints it: the title by
 * kind of settlement, 金额单位 and 经办人 in the header, the person, the stay, the bill's parts, each fund's payment and
 * what the person pays with the amount in capitals, and whether this copy is a reprint (补打). Chinese text needs a CJK
 * font on the server (Debian: fonts-noto-cjk); the font's path is configurable.
 */
import { existsSync } from 'node:fs';
import { yuanInCapitals } from '@sanbao/core';
import type { z } from 'zod';
import PDFDocument from 'pdfkit';
import { ApiError } from '../console/errors.js';
import type { Detail } from './detail.js';

/** Debian's fonts-noto-cjk; a .ttc names its face, a .ttf or .otf needs none. */
export const DEFAULT_PDF_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
const TTC_FACE = 'NotoSansCJKsc-Regular';

export interface SheetData {
  title: string;
  setlId: string;
  clerk: string;
  printedAt: string;
  copy: number;
  /** Label–value pairs, three to a row, or one spanning the row. */
  rows: [string, string][][];
  /** What the person pays: the amount and the same in capitals. */
  personal: string;
}

/** "1234567.5" → "1,234,567.50". */
export function grouped(yuanText: string): string {
  const [whole = '0', fraction = '00'] = yuanText.replace('-', '').split('.');
  return `${yuanText.startsWith('-') ? '-' : ''}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${fraction.padEnd(2, '0')}`;
}

/** Refuses before anything is recorded when the server has no CJK font to write the sheet with. */
export function requirePdfFont(fontPath = DEFAULT_PDF_FONT): void {
  if (!existsSync(fontPath))
    throw new ApiError(
      'SERVICE_UNAVAILABLE',
      `服务器未安装中文字体（${fontPath}），不能生成 PDF；请使用「打印结算单」由浏览器打印或另存为 PDF`,
    );
}

export function renderSheetPdf(sheet: SheetData, fontPath = DEFAULT_PDF_FONT): Promise<Buffer> {
  requirePdfFont(fontPath);
  const doc = new PDFDocument({ size: 'A4', margin: 40, info: { Title: sheet.title, Creator: '三保一站式结算平台' } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.registerFont('cjk', fontPath, fontPath.endsWith('.ttc') ? TTC_FACE : undefined);
  doc.font('cjk');

  const left = 40;
  const width = doc.page.width - 80;
  doc.fontSize(17).text(sheet.title, left, 44, { width, align: 'center', characterSpacing: 1 });
  doc.fontSize(9);
  doc.text(`结算编号：${sheet.setlId}`, left, 78, { width, lineBreak: false });
  doc.text('金额单位：元', left, 78, { width, align: 'right', lineBreak: false });
  doc.text(`经办人：${sheet.clerk}    打印时间：${sheet.printedAt}`, left, 92, { width, lineBreak: false });
  if (sheet.copy > 1)
    doc.text(`补打（第 ${sheet.copy} 次打印）`, left, 92, { width, align: 'right', lineBreak: false });

  const labelWidth = width * 0.14;
  const valueWidth = width * (1 / 3) - labelWidth;
  const height = 22;
  let y = 108;
  const cell = (
    x: number,
    w: number,
    text: string,
    options: { shade?: boolean; align?: 'left' | 'right' } = {},
  ): void => {
    if (options.shade) doc.rect(x, y, w, height).fillAndStroke('#f2f2f2', '#000');
    else doc.rect(x, y, w, height).stroke('#000');
    doc.fillColor('#000').text(text, x + 4, y + 6.5, {
      width: w - 8,
      height: height - 8,
      align: options.align ?? 'left',
      lineBreak: false,
      ellipsis: true,
    });
  };
  doc.lineWidth(0.6).fontSize(9);
  for (const row of sheet.rows) {
    row.forEach(([label, value], index) => {
      const x = left + index * (labelWidth + valueWidth);
      // A row of one pair (the diagnoses) spans the width.
      const span = row.length === 1 ? width - labelWidth : valueWidth;
      cell(x, labelWidth, label, { shade: true });
      cell(x + labelWidth, span, value, { align: /^-?[\d,]+\.\d\d$/.test(value) ? 'right' : 'left' });
    });
    y += height;
  }
  cell(left, labelWidth, '个人负担', { shade: true });
  cell(left + labelWidth, valueWidth, grouped(sheet.personal), { align: 'right' });
  cell(left + labelWidth + valueWidth, labelWidth, '大写', { shade: true });
  cell(left + 2 * labelWidth + valueWidth, width - 2 * labelWidth - valueWidth, yuanInCapitals(sheet.personal));
  y += height + 16;
  doc.text('参保人（代办人）签字：', left, y, { lineBreak: false });
  doc.text('经办机构（盖章）：', left + width * 0.4, y, { lineBreak: false });
  doc.text('日期：      年    月    日', left, y, { width, align: 'right', lineBreak: false });
  doc.end();
  return done;
}

/** A four-place ratio ("0.8500") as a percentage ("85%"). */
function percentOf(ratio: string): string {
  const bp = Math.round(Number(ratio) * 10_000);
  return `${bp / 100}%`;
}

const time = (value: string | null | undefined): string => (value ? value.slice(0, 16).replace('T', ' ') : '—');

/** The sheet of a settlement as the console shows it (settlement/detail.ts), for this copy. */
export function sheetOf(detail: z.input<typeof Detail>, printedBy: string, printedAt: Date, copy: number): SheetData {
  const inpatient = detail.med_type.startsWith('2');
  const amount = (value: string): string => grouped(value);
  const title = detail.manual
    ? '医疗保障零星报销结算单'
    : inpatient
      ? '医疗保障一站式结算单（住院）'
      : '医疗保障一站式结算单（门诊）';
  const rows: [string, string][][] = [
    [
      ['姓名', detail.psn_name],
      ['性别', detail.person.gend_name],
      ['年龄', `${detail.person.age} 岁`],
    ],
    [
      ['身份证号', detail.certno],
      ['人员编号', detail.psn_no],
      ['人员类别', detail.category_name],
    ],
    [
      ['参保地', detail.person.admdvs_name],
      ['乡镇（街道）', detail.person.township || '—'],
      ['医疗类别', detail.encounter.med_type_name],
    ],
    [
      ['医疗机构', detail.institution.name],
      ['机构等级', detail.institution.level_name],
      [inpatient ? '住院号' : '门诊号', detail.encounter.ipt_otp_no ?? '—'],
    ],
    [
      [inpatient ? '入院时间' : '就诊时间', time(detail.encounter.begntime)],
      [inpatient ? '出院时间' : '结束时间', time(detail.encounter.endtime)],
      ['结算时间', time(detail.setl_time)],
    ],
    [['诊断', detail.encounter.dise_codg.join('、') || '—']],
    [
      ['医疗费总额', amount(detail.medfee_sumamt)],
      ['全自费', amount(detail.fulamt_ownpay_amt)],
      ['超限价自费', amount(detail.overlmt_selfpay)],
    ],
    [
      ['先行自付', amount(detail.preselfpay_amt)],
      ['政策范围内', amount(detail.inscp_scp_amt)],
      ['起付线', amount(detail.act_pay_dedc)],
    ],
    [
      ['基本医保', amount(detail.hifp_pay)],
      ['大病保险', amount(detail.hifmi_pay)],
      ['医疗救助', amount(detail.maf_pay)],
    ],
    [
      ['其他支付', amount(detail.oth_pay)],
      ['基金支付合计', amount(detail.fund_pay_sumamt)],
      ['统筹支付比例', percentOf(detail.pool_prop_selfpay)],
    ],
  ];
  return {
    title,
    setlId: detail.setl_id,
    clerk: detail.manual?.clerk_name ?? printedBy,
    printedAt: time(new Date(printedAt.getTime() + 8 * 3_600_000).toISOString()),
    copy,
    rows,
    personal: detail.psn_part_amt,
  };
}
