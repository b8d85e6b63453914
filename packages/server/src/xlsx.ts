/**
 * Tables as XLSX workbooks: Chinese headers, money in yuan with two decimals (from exact fen), text columns for ID
 * numbers and codes. Streamed row by row, as a roster or an error report may hold a million rows.
 */
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface Column {
  header: string;
  width?: number;
  /** Values are fen; written as yuan. */
  money?: boolean;
  /** Text cells: an 18-digit ID typed into a number cell would lose its last digits. */
  text?: boolean;
}

export interface Sheet {
  name: string;
  columns: readonly Column[];
  rows: Iterable<readonly (string | number | null)[]>;
}

const HEADER_FILL = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE6F0FF' } } as const;

export async function workbookXlsx(sheets: readonly Sheet[]): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: true });
  for (const spec of sheets) {
    const sheet = workbook.addWorksheet(spec.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = spec.columns.map((column) => ({
      header: column.header,
      width: column.width ?? 14,
      style: column.money ? { numFmt: '#,##0.00' } : column.text ? { numFmt: '@' } : {},
    }));
    const header = sheet.getRow(1);
    header.font = { bold: true };
    header.fill = HEADER_FILL;
    header.commit();
    for (const row of spec.rows) {
      sheet
        .addRow(
          row.map((value, index) => (spec.columns[index]?.money && typeof value === 'number' ? value / 100 : value)),
        )
        .commit();
    }
    sheet.commit();
  }
  await workbook.commit();
  return Buffer.concat(chunks);
}

export function sendXlsx(reply: FastifyReply, fileName: string, bytes: Buffer): FastifyReply {
  return reply
    .header('content-type', XLSX_TYPE)
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(`${fileName}.xlsx`)}`)
    .send(bytes);
}
