/**
 * `sanbao screen` against the real database (the test's own). The person-years' accumulators are written as the
 * settlements would leave them; Guanxian (the Liaocheng rural revitalization briefing,
 * 《聊城乡村振兴简报》2022年第13期「冠县落实落细医保帮扶政策」): targets blue > 30,000, everyone yellow > 100,000, red > 300,000.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, idNumber, seedGuanxian, type World } from '../../server/src/test-support/world.js';
import { sanbaoIn } from './test-support.js';

let world: World;

const sanbao = (...args: string[]): ReturnType<typeof sanbaoIn> => sanbaoIn(process.cwd(), ...args);

beforeAll(async () => {
  world = await createWorld('cli_screen');
  await seedGuanxian(world, [
    {
      psnNo: 'S1',
      certno: idNumber('371525', '1950-01-01', '011'),
      name: '甲',
      township: '烟庄街道',
      category: 'monitored',
    },
    { psnNo: 'S2', certno: idNumber('371525', '1960-01-01', '021'), name: '乙', township: '烟庄街道' },
    { psnNo: 'S3', certno: idNumber('371525', '1970-01-01', '031'), name: '丙', township: '店子镇' },
    { psnNo: 'S4', certno: idNumber('371525', '1980-01-01', '041'), name: '丁', township: '店子镇' },
  ]);
  // S1 (target) 45,000 → blue; S2 150,000 → yellow; S3 350,000 → red; S4 80,000 (ordinary: no blue) → nothing.
  await world.pool.query(
    `insert into person_years (psn_no, year, ytd, personal_burden)
     values ('S1', 2026, '{}', 4500000), ('S2', 2026, '{}', 15000000), ('S3', 2026, '{}', 35000000), ('S4', 2026, '{}', 8000000)`,
  );
  process.env['DATABASE_URL'] = world.url;
});
afterAll(async () => {
  delete process.env['DATABASE_URL'];
  await world.close();
});

describe('sanbao screen', () => {
  it('raises each level and sums them up by township', async () => {
    const { code, out } = await sanbao('screen', '--date', '2026-06-15');
    expect(code).toBe(0);
    expect(out).toContain(
      '筛查日期 2026-06-15（2026 年度），全部人群：超过起始线的 4 人逐一判定，本次升级 蓝码 1，黄码 1，红码 1',
    );
    expect(out).toMatch(/冠县 +烟庄街道 +1 +1 +0\n/);
    expect(out).toMatch(/冠县 +店子镇 +0 +0 +1\n/);
    expect(out).toMatch(/合计 +1 +1 +1\n$/);
    const { rows } = await world.pool.query('select psn_no, level from warnings order by psn_no');
    expect(rows).toEqual([
      { psn_no: 'S1', level: 'blue' },
      { psn_no: 'S2', level: 'yellow' },
      { psn_no: 'S3', level: 'red' },
    ]);
  });

  it('a second screening raises nothing; a cadence screens only its population', async () => {
    expect((await sanbao('screen', '--date', '2026-06-15')).out).toContain('本次升级 蓝码 0，黄码 0，红码 0');
    await world.pool.query("update person_years set personal_burden = 11000000 where psn_no = 'S4'");
    // S4 is ordinary (screened every two weeks): the twice-weekly screening of targets leaves it alone.
    expect(
      (await sanbao('screen', '--cadence', 'twice_weekly', '--region', '371525', '--date', '2026-06-18')).out,
    ).toContain('按「每周两次（周一、周四）」筛查的人群');
    expect((await world.pool.query("select 1 from warnings where psn_no = 'S4'")).rowCount).toBe(0);
    expect((await sanbao('screen', '--cadence', 'biweekly', '--date', '2026-06-29')).out).toContain(
      '本次升级 蓝码 0，黄码 1，红码 0',
    );
  });

  it('a day before the warning rules were in force (Guanxian: 2022) screens nobody', async () => {
    const { code, out } = await sanbao('screen', '--date', '2021-06-15');
    expect(code).toBe(0);
    expect(out).toContain('超过起始线的 0 人逐一判定，本次升级 蓝码 0，黄码 0，红码 0');
  });

  it('refuses a bad cadence, date or region', async () => {
    expect(await sanbao('screen', '--cadence', 'hourly')).toMatchObject({
      code: 2,
      err: expect.stringContaining('--cadence 应为筛查频次'),
    });
    expect((await sanbao('screen', '--date', '2026-02-30')).code).toBe(2);
    expect(await sanbao('screen', '--region', '999999')).toMatchObject({ code: 1, err: '区划 999999 不存在\n' });
  });
});
