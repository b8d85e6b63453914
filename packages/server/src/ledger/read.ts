/**
 * Ledger files as rows of cells: XLSX (ExcelJS, streamed) or CSV (UTF-8 with or without BOM, or GB18030 as Excel
 * saves it on Chinese Windows). The row number is the one a spreadsheet shows, header = 1. What a file is, is told
 * from its bytes, not from the name or type it was sent with; a file that is neither is refused with the reason.
 */
import { Readable } from 'node:stream';
import type { Cell } from '@sanbao/core';
import ExcelJS from 'exceljs';
import { parseCsv } from './csv.js';

export interface SheetRow {
  rowNo: number;
  cells: Cell[];
}

export type LedgerFormat = 'xlsx' | 'csv';

/** A file that is not a ledger this platform reads: the message says what it seems to be and what to send. */
export class LedgerFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerFormatError';
  }
}

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const SAVE_AS = '请在 Excel 中“另存为” Excel 工作簿（.xlsx）或 CSV UTF-8（逗号分隔）后重新上传';

/** XLSX files are zip archives (PK\x03\x04); anything else is read as CSV. */
export function formatOf(bytes: Buffer): LedgerFormat {
  return bytes.subarray(0, 4).equals(ZIP) ? 'xlsx' : 'csv';
}

/** Control characters a cell must not hold (tab, line feed and carriage return are text). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]/;
const CONTROLS = new RegExp(CONTROL.source, 'g');

export function hasControlCharacters(text: string): boolean {
  return CONTROL.test(text);
}

export function withoutControlCharacters(text: string): string {
  return text.replace(CONTROLS, '');
}

/**
 * The text with each control character made visible, as Unicode's control pictures show them (NUL as ␀, DEL as ␡;
 * others as �): the error report can hold it, and the department sees where the character was.
 */
export function showControlCharacters(text: string): string {
  return text.replace(CONTROLS, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 ? String.fromCharCode(0x2400 + code) : code === 0x7f ? '\u2421' : '\ufffd';
  });
}

/**
 * The format of a ledger file from its first bytes, or the reason it is not one: an XLSX workbook (a zip holding
 * `xl/`), or text read as CSV; old Excel (.xls), UTF-16 text, PDF and other binary files are refused.
 */
export function sniffFormat(bytes: Buffer): { format: LedgerFormat } | { format: null; message: string } {
  if (bytes.subarray(0, 4).equals(ZIP)) {
    return bytes.includes('xl/')
      ? { format: 'xlsx' }
      : { format: null, message: `文件是压缩包，但不是 Excel 工作簿（.xlsx），${SAVE_AS}` };
  }
  if (bytes.subarray(0, 8).equals(OLE2)) {
    return { format: null, message: `文件是旧版 Excel 工作簿（.xls）或加密的工作簿，无法读取，${SAVE_AS}` };
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { format: null, message: `文件是 UTF-16 编码的文本（Excel 的“Unicode 文本”），${SAVE_AS}` };
  }
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') {
    return { format: null, message: `文件是 PDF 文档，不是台账表格，${SAVE_AS}` };
  }
  // Text has few control bytes; a picture, an archive or UTF-16 without its mark has many.
  const sample = bytes.subarray(0, 8192);
  let control = 0;
  for (const byte of sample) if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) control++;
  if (control * 10 > sample.length) {
    return { format: null, message: `文件不是 XLSX 或 CSV 格式的台账（内容为二进制数据），${SAVE_AS}` };
  }
  return { format: 'csv' };
}

/** The rows of a ledger file; throws LedgerFormatError for a file that is not one or cannot be read. */
export function readRows(bytes: Buffer): AsyncIterable<SheetRow> | Iterable<SheetRow> {
  const sniffed = sniffFormat(bytes);
  if (sniffed.format === null) throw new LedgerFormatError(sniffed.message);
  return sniffed.format === 'xlsx' ? readXlsx(bytes) : readCsv(bytes);
}

function decode(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

function* readCsv(bytes: Buffer): Iterable<SheetRow> {
  for (const { line, fields } of parseCsv(decode(bytes))) yield { rowNo: line, cells: fields };
}

function cellValue(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || value instanceof Date) return value;
  if (typeof value === 'boolean') return value ? '是' : '否';
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('formula' in value || 'sharedFormula' in value)
    return cellValue((value as { result?: ExcelJS.CellValue }).result);
  if ('text' in value) return String(value.text);
  return null;
}

async function* readXlsx(bytes: Buffer): AsyncIterable<SheetRow> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), {
    sharedStrings: 'cache',
    styles: 'cache', // date cells are told apart from numbers by their number format
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  const rows = (async function* (): AsyncIterable<SheetRow> {
    for await (const sheet of workbook) {
      for await (const row of sheet) {
        const values = row.values as ExcelJS.CellValue[];
        yield { rowNo: row.number, cells: values.slice(1).map(cellValue) };
      }
      return; // the first sheet is the ledger; the template's second sheet holds instructions
    }
  })();
  // A damaged workbook (cut short, not a zip inside) fails while it is read: the row it got to is named.
  let last = 0;
  try {
    for await (const row of rows) {
      last = row.rowNo;
      yield row;
    }
  } catch (error) {
    if (error instanceof LedgerFormatError) throw error;
    throw new LedgerFormatError(
      `文件无法作为 Excel 工作簿读取${last > 0 ? `（读到第 ${last} 行时出错）` : ''}，文件可能已损坏或未完整上传，${SAVE_AS}`,
    );
  }
}
