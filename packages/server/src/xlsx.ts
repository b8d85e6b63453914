/** Tables as XLSX workbooks: Chinese headers, money in yuan with two decimals (from exact fen), text IDs. */
import ExcelJS from 'exceljs';

export interface Column {
  header: string;
  width?: number;
  /** Values are fen; written as yuan. */
  money?: boolean;
}

export interface Sheet {
  name: string;
  columns: readonly Column[];
  rows: readonly (readonly (string | number | null)[])[];
}

export async function workbookXlsx(sheets: readonly Sheet[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  for (const spec of sheets) {
    const sheet = workbook.addWorksheet(spec.name);
    sheet.columns = spec.columns.map((column) => ({
      header: column.header,
      width: column.width ?? 14,
      style: column.money ? { numFmt: '#,##0.00' } : {},
    }));
    sheet.getRow(1).font = { bold: true };
    sheet.views = [{ state: 'frozen', ySplit: 1 }];
    for (const row of spec.rows) {
      sheet.addRow(
        row.map((value, index) => (spec.columns[index]?.money && typeof value === 'number' ? value / 100 : value)),
      );
    }
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
