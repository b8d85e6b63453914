/** `sanbao import` against the real database (the test's own), as an operator runs it. */
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maskIdNumber } from '@sanbao/core';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certnoIndex } from '../../server/src/security/identity.js';
import { createWorld, idNumber, type World } from '../../server/src/test-support/world.js';
import { sanbaoIn } from './test-support.js';

let world: World;
const folder = mkdtempSync(join(tmpdir(), 'sanbao-cli-import-'));

/** june.csv imported for rural revitalization in 341602, on a ledger date and in a mode. */
function importJune(date: string, mode: string): Promise<{ code: number; out: string; err: string }> {
  return sanbao(
    'import',
    'june.csv',
    '--source',
    'rural_revitalization',
    '--region',
    '341602',
    '--date',
    date,
    '--mode',
    mode,
  );
}

const sanbao = (...args: string[]): ReturnType<typeof sanbaoIn> => sanbaoIn(folder, ...args);

beforeAll(async () => {
  world = await createWorld('cli_import');
  process.env['DATABASE_URL'] = world.url;
});
afterAll(async () => {
  delete process.env['DATABASE_URL'];
  await world.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('sanbao import', () => {
  const good = idNumber('341602', '1966-06-06', '071');
  const badChecksum = `${good.slice(0, 17)}${good.endsWith('0') ? '1' : '0'}`;
  const header = '身份证号码,姓名,人员类别,认定日期,终止日期,行政区划代码,乡镇（街道）';

  it('asks for the mode before importing', async () => {
    writeFileSync(join(folder, 'june.csv'), `${header}\n${good},孙国强,监测对象,2026-03-01,,341602,古井镇\n`);
    const { code, err } = await sanbao('import', 'june.csv', '--source', 'rural_revitalization', '--region', '341602');
    expect(code).toBe(2);
    expect(err).toContain('--mode 须在导入前选定');
  });

  it('partial: imports the good row, writes the bad one to the error report, says what it did', async () => {
    writeFileSync(
      join(folder, 'june.csv'),
      `${header}\n${good},孙国强,监测对象,2026-03-01,,341602,古井镇\n${badChecksum},钱多多,监测对象,2026-03-01,,341602,古井镇\n`,
    );
    const { code, out, err } = await importJune('2026-06-01', 'partial');
    expect(code).toBe(0);
    expect(out).toContain('共 2 行：正确 1 行，有误 1 行');
    expect(out).toContain('新增人员 1，新增类别 1，变更类别 0，终止类别 0');
    expect(out).toContain('第 3 行：身份证号码校验位错误（GB 11643）');
    expect(err).toContain('june-错误行.xlsx');
    const spells = await world.pool.query(
      'select c.code, c.source_dept from person_categories c join persons p using (psn_no) where p.certno_index = $1',
      [certnoIndex(good)],
    );
    expect(spells.rows).toEqual([{ code: 'monitored', source_dept: 'rural_revitalization' }]);
    const report = new ExcelJS.Workbook();
    await report.xlsx.load(readFileSync(join(folder, 'june-错误行.xlsx')) as unknown as ArrayBuffer);
    expect((report.worksheets[0]!.getRow(2).values as unknown[]).slice(1, 5)).toEqual([
      3,
      'ID_CHECKSUM',
      '身份证号码校验位错误（GB 11643）',
      // The row number finds the row in the department's file; the report shows the number masked.
      maskIdNumber(badChecksum),
    ]);
  });

  it('atomic: the same bad file is refused whole, exit code 1', async () => {
    const before = Number((await world.pool.query('select count(*) from person_categories')).rows[0].count);
    const { code, out } = await importJune('2026-06-02', 'atomic');
    expect(code).toBe(1);
    expect(out).toContain('台账未导入，未写入任何数据');
    expect(Number((await world.pool.query('select count(*) from person_categories')).rows[0].count)).toBe(before);
  });

  it('refuses to work on an external database without its ID key, exit code 1', async () => {
    const key = process.env['SANBAO_ID_KEY'];
    delete process.env['SANBAO_ID_KEY'];
    try {
      const before = Number((await world.pool.query('select count(*) from ledger_imports')).rows[0].count);
      const { code, err } = await importJune('2026-06-03', 'partial');
      expect(code).toBe(1);
      expect(err).toContain('使用外部数据库（DATABASE_URL）时必须设置 SANBAO_ID_KEY');
      expect(Number((await world.pool.query('select count(*) from ledger_imports')).rows[0].count)).toBe(before);
    } finally {
      process.env['SANBAO_ID_KEY'] = key;
    }
  });
});
