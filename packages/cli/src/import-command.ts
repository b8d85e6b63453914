/**
 * `sanbao import <file> --source <dept> --region <admdvs> --mode atomic|partial`: a department's ledger straight into
 * the database the platform uses (DATABASE_URL, or the embedded one in SANBAO_DATA_DIR), with a progress bar. An
 * import that would end many running categories needs `--confirm-end <n>`; settlements made under a category after
 * the day it ended are listed to be made again.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, resolve } from 'node:path';
import { CATEGORY_NAMES, DEPARTMENT_CODES, DEPARTMENTS, isValidDate, type Department } from '@sanbao/core';
import { errorReportXlsx, formatOf, importLedger, type ImportResult } from '@sanbao/server';
import { withDatabase } from './database.js';
import { EXIT, type Io } from './io.js';
import { usageError } from './usage.js';

export interface ImportOptions {
  source?: string | undefined;
  region?: string | undefined;
  date?: string | undefined;
  mode?: string | undefined;
  report?: string | undefined;
  confirmEnd?: string | undefined;
}

const BAR = 30;

/** Lines of a text file (a last line without a newline counts), for the progress bar's total. */
function lineCount(bytes: Buffer): number {
  let lines = 0;
  for (let at = bytes.indexOf(0x0a); at >= 0; at = bytes.indexOf(0x0a, at + 1)) lines++;
  return bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a ? lines + 1 : lines;
}

function progressBar(io: Io, total: number | null, interactive: boolean): (rows: number) => void {
  let last = 0;
  return (rows) => {
    const now = Date.now();
    if (now - last < 100 && rows !== total) return;
    last = now;
    if (!interactive) return;
    const count = rows.toLocaleString('en-US');
    if (total === null) {
      io.err.write(`\r读取台账 ${count} 行`);
      return;
    }
    const done = Math.min(1, total === 0 ? 1 : rows / total);
    const filled = Math.round(done * BAR);
    io.err.write(
      `\r读取台账 [${'█'.repeat(filled)}${'░'.repeat(BAR - filled)}] ${(done * 100).toFixed(0).padStart(3)}% ${count}/${total.toLocaleString('en-US')} 行`,
    );
  };
}

function usageProblem(options: ImportOptions): string | null {
  if (!options.source || !DEPARTMENT_CODES.includes(options.source as Department)) {
    return `--source 应为报送部门：${DEPARTMENT_CODES.map((code) => `${code}（${DEPARTMENTS[code].name}）`).join('、')}`;
  }
  if (!options.region || !/^\d{6}$/.test(options.region)) return '--region 应为台账所属的 6 位行政区划代码';
  if (options.mode !== 'atomic' && options.mode !== 'partial') {
    return '--mode 须在导入前选定：atomic（任何一行有误则整个文件不导入）或 partial（导入正确行，错误行输出报告）';
  }
  if (options.date !== undefined && !isValidDate(options.date)) return '--date 应为 yyyy-MM-dd 格式的有效日期';
  if (options.confirmEnd !== undefined && !/^\d{1,9}$/.test(options.confirmEnd)) {
    return '--confirm-end 应为确认终止的人员类别数量（非负整数）';
  }
  return null;
}

function summaryLines(result: ImportResult): string[] {
  const lines = [
    `共 ${result.totalRows} 行：正确 ${result.goodRows} 行，有误 ${result.badRows} 行`,
    `新增人员 ${result.personsCreated}，新增类别 ${result.spellsCreated}，变更类别 ${result.spellsChanged}，终止类别 ${result.spellsEnded}`,
  ];
  for (const problem of result.problems.slice(0, 10)) lines.push(`  第 ${problem.rowNo} 行：${problem.reasons}`);
  if (result.problems.length > 10) lines.push(`  …… 另有 ${result.problems.length - 10} 行，见错误报告`);
  return lines;
}

/** The settlements the import left to be made again (需重新结算), one line each. */
function resettlementLines(result: ImportResult): string[] {
  if (result.resettlements.length === 0) return [];
  const lines = [`需重新结算 ${result.resettlements.length} 笔（类别终止日之后仍按该类别结算）：`];
  for (const row of result.resettlements.slice(0, 50)) {
    lines.push(
      `  ${row.psnNo} ${row.psnName} 结算 ${row.setlId}（${row.fixmedinsCode}，${row.setlTime}）：${CATEGORY_NAMES[row.category]}已于 ${row.spellEnd} 终止`,
    );
  }
  if (result.resettlements.length > 50)
    lines.push(`  …… 另有 ${result.resettlements.length - 50} 笔，见平台的导入记录`);
  return lines;
}

export async function importCommand(file: string, options: ImportOptions, io: Io & { tty?: boolean }): Promise<number> {
  const problem = usageProblem(options);
  if (problem) {
    io.err.write(usageError('import', problem));
    return EXIT.usage;
  }
  const path = resolve(io.cwd, file);
  const bytes = readFileSync(path);
  return withDatabase(async (pool) => {
    const started = Date.now();
    // CSV: the rows are the lines after the header (quoted line breaks aside); XLSX: counted as read.
    const total = formatOf(bytes) === 'csv' ? Math.max(0, lineCount(bytes) - 1) : null;
    const progress = progressBar(io, total, io.tty ?? false);
    const result = await importLedger(pool, bytes, {
      department: options.source as Department,
      region: options.region!,
      ledgerDate: options.date ?? new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10),
      mode: options.mode as 'atomic' | 'partial',
      fileName: basename(path),
      actor: `cli:${userInfo().username}`,
      confirmEnd: options.confirmEnd === undefined ? undefined : Number(options.confirmEnd),
      onProgress: (event) => {
        if (event.phase === 'reading') progress(event.rows);
        else if (event.phase === 'merging') io.err.write(`${io.tty ? '\n' : ''}写入数据库……\n`);
      },
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (result.badRows > 0) {
      const report = resolve(io.cwd, options.report ?? `${basename(path).replace(/\.[^.]+$/, '')}-错误行.xlsx`);
      writeFileSync(report, await errorReportXlsx(result.header, result.problems));
      io.err.write(`错误行报告：${report}\n`);
    }
    if (result.status === 'duplicate') {
      io.out.write(`该文件已于导入记录 ${result.importId} 导入过，本次未作任何变更\n`);
      return EXIT.ok;
    }
    if (result.status === 'refused') {
      const message = result.massEnd
        ? `${result.fileProblem!.message}（在命令中加上 --confirm-end ${result.massEnd.ending}）`
        : (result.fileProblem?.message ?? '台账未导入，未写入任何数据');
      io.out.write(`${message}（导入记录 ${result.importId}，${seconds} 秒）\n${summaryLines(result).join('\n')}\n`);
      return EXIT.refused;
    }
    const lines = [...summaryLines(result), ...resettlementLines(result)];
    io.out.write(`台账已导入（导入记录 ${result.importId}，${seconds} 秒）\n${lines.join('\n')}\n`);
    return EXIT.ok;
  });
}
