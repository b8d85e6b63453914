import { describe, expect, it } from 'vitest';
import { checkDigit } from '../ids.js';
import { categoryOfName } from './template.js';
import { LedgerValidator, mapHeader, parseLedgerDate, type Cell, type LedgerRow, type RowProblem } from './validate.js';

const id = (first17: string): string => first17 + checkDigit(first17);
// 341602 19800101 001 → sequence digit 1 (odd): male; 002 → female.
const MAN = id('34160219800101001');
const WOMAN = id('34160219900215002');

const HEADER = ['身份证号码', '姓名', '人员类别', '认定日期', '终止日期', '行政区划代码', '乡镇（街道）'];

function validator(): { check: (cells: Cell[], rowNo?: number) => LedgerRow | RowProblem[]; v: LedgerValidator } {
  const header = mapHeader(HEADER);
  if (!header.ok) throw new Error(header.message);
  const v = new LedgerValidator({
    department: 'civil_affairs',
    ledgerDate: '2026-11-01',
    regions: new Set(['341602', '341621']),
  });
  let next = 2;
  return { v, check: (cells, rowNo = next++) => v.check(rowNo, header.columns, cells) };
}

const codes = (result: LedgerRow | RowProblem[]): string[] =>
  Array.isArray(result) ? result.map((problem) => problem.code) : [];

describe('ledger rows', () => {
  it('a good row gives the person, the category and the dates; sex and birth date come from the ID', () => {
    const { check } = validator();
    expect(check([MAN, '张三', '低保', '2026/3/5', '', '341602', '城关镇'])).toEqual({
      rowNo: 2,
      certno: MAN,
      name: '张三',
      category: 'subsistence_allowance',
      begin: '2026-03-05',
      end: null,
      admdvs: '341602',
      township: '城关镇',
      gender: '1',
      birthDate: '1980-01-01',
    });
    expect(
      check([WOMAN, '李四', '特困人员', new Date('2025-12-31T00:00:00Z'), '2026年10月31日', '341621', '']),
    ).toMatchObject({ category: 'extreme_poverty', begin: '2025-12-31', end: '2026-10-31', gender: '2' });
  });

  it('names every problem of a bad row with its code', () => {
    const { check } = validator();
    const wrongCheck = MAN.slice(0, 17) + (MAN.endsWith('0') ? '1' : '0');
    expect(codes(check([wrongCheck, '王五', '低保', '2026-01-01', '', '341602']))).toEqual(['ID_CHECKSUM']);
    expect(codes(check(['34160219800231001X', 'A', '监测人口', '2026-02-30', '', '999999']))).toEqual([
      'ID_BIRTH_DATE',
      'NAME_INVALID',
      'CATEGORY_UNKNOWN',
      'DATE_INVALID',
      'REGION_UNKNOWN',
    ]);
    expect(codes(check([341602198001010000, '赵六', '低保', '2026-01-01', '', '341602']))).toEqual(['ID_AS_NUMBER']);
    expect(codes(check(['', '', '', '', '', '']))).toEqual([
      'REQUIRED',
      'REQUIRED',
      'REQUIRED',
      'REQUIRED',
      'REQUIRED',
    ]);
    expect(codes(check([WOMAN, '李四', '低保', '2026-11-02', '', '341602']))).toEqual(['DATE_AFTER_LEDGER']);
    expect(codes(check([WOMAN, '李四', '低保边缘', '2026-05-01', '2026-04-30', '341602']))).toEqual(['DATE_ORDER']);
  });

  it('finds duplicates and conflicting names within the file; one person may hold two categories', () => {
    const { check, v } = validator();
    expect(codes(check([MAN, '张三', '低保', '2026-01-01', '', '341602'], 2))).toEqual([]);
    expect(codes(check([MAN, '张三', '低保边缘', '2026-01-01', '', '341602'], 3))).toEqual([]);
    const again = check([MAN, '张叁', '低保对象', '2026-02-01', '', '341602'], 4);
    expect(again).toEqual([
      { rowNo: 4, code: 'NAME_CONFLICT', message: '同一身份证号码在第 2 行的姓名为“张三”' },
      { rowNo: 4, code: 'DUPLICATE_ROW', message: '与第 2 行重复（同一人、同一类别）' },
    ]);
    expect([...v.namedIdNumbers]).toEqual([MAN]);
  });

  it('a department may only send its own categories', () => {
    expect(categoryOfName('civil_affairs', '返贫致贫人口')).toBeNull();
    expect(categoryOfName('rural_revitalization', '返贫致贫人口')).toBe('returned_to_poverty');
    expect(categoryOfName('rural_revitalization', '脱贫不稳定户')).toBe('monitored');
    expect(categoryOfName('civil_affairs', 'low_income_margin')).toBe('low_income_margin');
  });

  it('needs the template header; columns may come in any order', () => {
    expect(mapHeader(['姓名', '身份证号码'])).toEqual({
      ok: false,
      message: '表头缺少必填列：人员类别、认定日期、行政区划代码（请使用平台提供的台账模板）',
    });
    expect(mapHeader(['人员类别', ' 姓 名 ', '身份证号码', '认定日期', '行政区划代码', '其他'])).toEqual({
      ok: true,
      columns: ['category', 'name', 'certno', 'begin', 'admdvs', null],
    });
  });

  it('reads the date forms ledgers use and refuses impossible days', () => {
    expect(parseLedgerDate('20260105')).toBe('2026-01-05');
    expect(parseLedgerDate('2026.1.5')).toBe('2026-01-05');
    expect(parseLedgerDate('2026-02-29')).toBeNull();
    expect(parseLedgerDate('5/1/2026')).toBeNull();
  });
});
