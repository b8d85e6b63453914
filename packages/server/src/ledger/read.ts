/**
 * Ledger files as rows of cells: XLSX (ExcelJS, streamed) or CSV (UTF-8 with or without BOM, or GB18030 as Excel
 * saves it on Chinese Windows). The row number is the one a spreadsheet shows, header = 1.
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

/** XLSX files are zip archives (PK\x03\x04); anything else is read as CSV. */
export function formatOf(bytes: Buffer): LedgerFormat {
  return bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) ? 'xlsx' : 'csv';
}

export function readRows(bytes: Buffer): AsyncIterable<SheetRow> | Iterable<SheetRow> {
  return formatOf(bytes) === 'xlsx' ? readXlsx(bytes) : readCsv(bytes);
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
  for await (const sheet of workbook) {
    for await (const row of sheet) {
      const values = row.values as ExcelJS.CellValue[];
      yield { rowNo: row.number, cells: values.slice(1).map(cellValue) };
    }
    return; // the first sheet is the ledger; the template's second sheet holds instructions
  }
}
