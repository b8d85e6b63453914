/**
 * `sanbao import` of a ledger that would end most of a district's categories, against the real database: refused
 * (exit 1) with the number to confirm, refused again with a wrong number, imported with the right one, and the
 * settlement made since under an ended category listed to be made again.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPersons } from '../../server/src/persons/repository.js';
import { call, createWorld, envelope, idNumber, type World } from '../../server/src/test-support/world.js';
import { sanbaoIn } from './test-support.js';

let world: World;
const folder = mkdtempSync(join(tmpdir(), 'sanbao-cli-confirm-'));
const sanbao = (...args: string[]): ReturnType<typeof sanbaoIn> => sanbaoIn(folder, ...args);

/** 20 persons of 谯城区 in 低保, since 2025-01-01. */
const PEOPLE = Array.from({ length: 20 }, (_, i) => ({
  psnNo: `C${String(i).padStart(2, '0')}`,
  certno: idNumber('341602', '1970-03-03', String(200 + i)),
  name: `孙${'一二三四五六七八九十'[i % 10]}${i < 10 ? '甲' : '乙'}`,
}));

const importTwo = (...extra: string[]): ReturnType<typeof sanbaoIn> =>
  sanbao(
    'import',
    'two.csv',
    '--source',
    'civil_affairs',
    '--region',
    '341602',
    '--date',
    '2026-06-01',
    '--mode',
    'partial',
    ...extra,
  );

async function running(): Promise<number> {
  const { rows } = await world.pool.query(
    "select count(*)::int as n from person_categories where psn_no like 'C%' and end_date is null",
  );
  return rows[0].n as number;
}

let setlId = '';

beforeAll(async () => {
  world = await createWorld('cli_confirm_end');
  process.env['DATABASE_URL'] = world.url;
  await insertPersons(
    world.pool,
    PEOPLE.map((p) => ({ ...p, gend: '1', brdy: '1970-03-03', admdvs: '341602', township: '古井镇' })),
  );
  for (const p of PEOPLE) {
    await world.pool.query(
      "insert into person_categories (psn_no, code, begin_date, source_dept) values ($1, 'subsistence_allowance', '2025-01-01', 'civil_affairs')",
      [p.psnNo],
    );
  }
  // C05 is settled today (2026-06-15) as 低保对象; the two-row ledger leaves C05 out.
  await world.pool.query(
    "insert into enrollments (psn_no, year, begin_date, end_date) values ('C05', 2026, '2026-01-01', '2026-12-31')",
  );
  // Registered on the person's identity card (voucher 02).
  const registration = await call(
    world,
    envelope('2201', {
      data: {
        psn_no: 'C05',
        insutype: '390',
        begntime: '2026-06-15 08:00:00',
        mdtrt_cert_type: '02',
        mdtrt_cert_no: PEOPLE[5]!.certno,
        ipt_otp_no: 'MZC05',
      },
    }),
  );
  const mdtrtId = registration.output['data'].mdtrt_id as string;
  const settled = await call(
    world,
    envelope('2207', {
      data: {
        psn_no: 'C05',
        mdtrt_id: mdtrtId,
        med_type: '14',
        medfee_sumamt: 500,
        fulamt_ownpay_amt: 0,
        overlmt_selfpay: 0,
        preselfpay_amt: 0,
      },
    }),
  );
  setlId = settled.output['setlinfo'].setl_id as string;
  writeFileSync(
    join(folder, 'two.csv'),
    `身份证号码,姓名,人员类别,认定日期,终止日期,行政区划代码\n${PEOPLE.slice(0, 2)
      .map((p) => `${p.certno},${p.name},低保,2025-01-01,,341602`)
      .join('\n')}\n`,
  );
});
afterAll(async () => {
  delete process.env['DATABASE_URL'];
  await world.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('sanbao import --confirm-end', () => {
  it('without it: refused, exit 1, with the number to confirm; nothing ends', async () => {
    const { code, out } = await importTwo();
    expect(code).toBe(1);
    expect(out).toContain('本次导入将终止谯城区民政部门登记的 20 个有效人员类别中的 18 个（90.0%）');
    expect(out).toContain('（在命令中加上 --confirm-end 18）');
    expect(await running()).toBe(20);
  });

  it('with a wrong number: refused the same way', async () => {
    const { code, out } = await importTwo('--confirm-end', '20');
    expect(code).toBe(1);
    expect(out).toContain('确认数量 20 与将终止的数量 18 不符');
    expect(await running()).toBe(20);
  });

  it('with the number: imported, the 18 end, and the settlement since is listed to be made again', async () => {
    const { code, out } = await importTwo('--confirm-end', '18');
    expect(code).toBe(0);
    expect(out).toContain('新增人员 0，新增类别 0，变更类别 0，终止类别 18');
    expect(out).toContain('需重新结算 1 笔（类别终止日之后仍按该类别结算）：');
    expect(out).toContain(
      `C05 ${PEOPLE[5]!.name} 结算 ${setlId}（H34160200001，2026-06-15 10:00:00）：低保对象已于 2026-05-31 终止`,
    );
    expect(await running()).toBe(2);
    const { rows } = await world.pool.query(
      "select confirmed_end, resettlements, actor from ledger_imports where status = 'imported'",
    );
    expect(rows).toEqual([{ confirmed_end: 18, resettlements: 1, actor: expect.stringMatching(/^cli:/) }]);
  });
});
