/**
 * 零星报销 at the counter: a clerk's pre-settlement writes nothing, the confirmation settles and posts once under the
 * clerk's name whatever is resent, a reviewer reverses it with a reason, and every boundary refuses with nothing
 * written. Amounts by hand from 亳州's policy (policies/anhui.yaml, anhui/bozhou.yaml): county hospital inpatient
 * deductible 500, basic 80% (anhui.yaml basic.inpatient.levels); critical illness from 12,000 of the year's in-scope
 * personal burden (bozhou.yaml); an ordinary resident has no assistance.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleApi, counts, COUNTY, createWorld, signIn, type World } from '../test-support/world.js';

let world: World;
const as: Record<string, ReturnType<typeof consoleApi>> = {};

beforeAll(async () => {
  world = await createWorld('manual_settlements');
  await world.pool.query(
    "insert into regions (admdvs, name, parent, policy_id) values ('341621', '涡阳县', '341600', 'anhui/bozhou')",
  );
  for (const user of [
    { username: 'clerk', display_name: '谯城经办张敏', role: 'operator', scope_admdvs: '341602' },
    { username: 'reviewer', display_name: '谯城审核李华', role: 'reviewer', scope_admdvs: '341602' },
    { username: 'viewer', display_name: '市局查询', role: 'read_only', scope_admdvs: '341600' },
    { username: 'guoyang', display_name: '涡阳经办', role: 'operator', scope_admdvs: '341621' },
    { username: 'gujing', display_name: '古井镇经办', role: 'operator', scope_admdvs: '341602', township: '古井镇' },
  ] as const) {
    as[user.username] = consoleApi(world, await signIn(world, user));
  }
});
afterAll(async () => {
  await world.close();
});

/** P002 (ordinary resident of 谯城区) stayed at 谯城区人民医院 (county level) from 1 to 10 June. */
function stay(bill: Record<string, unknown>, key = randomUUID()): Record<string, unknown> {
  return {
    request_key: key,
    psn_no: 'P002',
    fixmedins_code: COUNTY.code,
    med_type: '21',
    begin_date: '2026-06-01',
    end_date: '2026-06-10',
    diagnoses: ['J18.900 肺炎'],
    note: '外院住院，医院未能直接结算',
    bill,
  };
}

// medfee 10,000.00, 全自费 1,000.00, 先行自付 500.00 → in scope 8,500.00; basic (8,500 − 500) × 80% = 6,400.00;
// critical illness: the year's in-scope personal burden 8,500 − 6,400 = 2,100 < 12,000 → 0; the person pays
// 10,000 − 6,400 = 3,600.00.
const TOTALS = {
  mode: 'totals',
  medfee_sumamt: '10000.00',
  fulamt_ownpay_amt: '1000',
  overlmt_selfpay: 0,
  preselfpay_amt: '500.00',
};

describe('a manual settlement', () => {
  let setlId = '';
  const key = randomUUID();

  it('pre-settles with the explanation and writes nothing', async () => {
    const before = await counts(world.pool);
    const preview = await as['clerk']!('POST', '/api/manual-settlements/preview', stay(TOTALS, key));
    expect(preview.status).toBe(200);
    expect(preview.json).toMatchObject({
      medfee_sumamt: '10000.00',
      inscp_scp_amt: '8500.00',
      act_pay_dedc: '500.00',
      hifp_pay: '6400.00',
      hifmi_pay: '0.00',
      maf_pay: '0.00',
      fund_pay_sumamt: '6400.00',
      psn_part_amt: '3600.00',
    });
    expect(preview.json.trace.map((step: { layer: string }) => step.layer)).toContain('basic');
    // Hints beside the amounts: the basic fund's yearly limit 300,000 less 6,400 leaves 293,600.00; the critical
    // illness year had 0 before this bill, 2,100 after, against a deductible of 12,000: 9,900.00 short.
    expect(preview.json.hints).toEqual(
      expect.arrayContaining([
        '基本医保统筹基金：年度支付限额余额（本次结算前）300000.00 元，本次支付后 293600.00 元',
        '大病保险：年度累计计算基数（不含本次）0.00 元，本次后 2100.00 元；年度起付线 12000.00 元，尚差 9900.00 元',
      ]),
    );
    expect(await counts(world.pool)).toEqual(before);
  });

  it('confirms once under the clerk’s name, posted, whatever is resent', async () => {
    const first = await as['clerk']!('POST', '/api/manual-settlements', stay(TOTALS, key));
    expect(first.status).toBe(201);
    setlId = first.json.setl_id;
    const after = await counts(world.pool);
    // The same request again, and three at once: the settlement made, not another.
    const again = await as['clerk']!('POST', '/api/manual-settlements', stay(TOTALS, key));
    expect(again).toMatchObject({ status: 200, json: { setl_id: setlId, replay: true } });
    const together = await Promise.all(
      [1, 2, 3].map(() => as['clerk']!('POST', '/api/manual-settlements', stay(TOTALS, key))),
    );
    for (const answer of together) expect(answer.json).toMatchObject({ setl_id: setlId, replay: true });
    expect(await counts(world.pool)).toEqual(after);
    // The same key for another bill is refused.
    const other = await as['clerk']!(
      'POST',
      '/api/manual-settlements',
      stay({ ...TOTALS, medfee_sumamt: '10000.01' }, key),
    );
    expect(other.status).toBe(409);
    expect(other.json.code).toBe('DUPLICATE');

    const detail = await as['viewer']!('GET', `/api/settlements/P002/${setlId}`);
    expect(detail.json).toMatchObject({
      hifp_pay: '6400.00',
      psn_part_amt: '3600.00',
      fixmedins_name: '谯城区人民医院',
    });
    const record = await world.pool.query('select clerk, note from manual_settlements where setl_id = $1', [setlId]);
    expect(record.rows[0]).toEqual({ clerk: 'clerk', note: '外院住院，医院未能直接结算' });
    // Posted: the basic fund 6,400.00 (640,000 fen) owed to the hospital; the postings balance.
    const postings = await world.pool.query<{ account: string; amount: string }>(
      'select account, amount from fund_postings where psn_no = $1 and setl_id = $2 order by account',
      ['P002', setlId],
    );
    expect(postings.rows.map((row) => [row.account, Number(row.amount)])).toEqual([
      ['fund:390100', 640000],
      [`payable:${COUNTY.code}`, -640000],
    ]);
    const list = await as['viewer']!('GET', '/api/manual-settlements');
    expect(list.json.items[0]).toMatchObject({ setl_id: setlId, clerk_name: '谯城经办张敏', hifp_pay: '6400.00' });
  });

  it('is reversed by a reviewer with a reason, not by the clerk, and only once', async () => {
    const byClerk = await as['clerk']!('POST', `/api/manual-settlements/P002/${setlId}/cancellation`, {
      reason: '重复报销',
    });
    expect(byClerk.status).toBe(403);
    const noReason = await as['reviewer']!('POST', `/api/manual-settlements/P002/${setlId}/cancellation`, {
      reason: '',
    });
    expect(noReason.status).toBe(400);
    const reversed = await as['reviewer']!('POST', `/api/manual-settlements/P002/${setlId}/cancellation`, {
      reason: '发票重复报销',
    });
    expect(reversed.status).toBe(201);
    const twice = await as['reviewer']!('POST', `/api/manual-settlements/P002/${setlId}/cancellation`, {
      reason: '发票重复报销',
    });
    expect(twice.status).toBe(409);
    // The year stands as before the stay: nothing paid, nothing counted.
    const year = await world.pool.query('select fund_paid, personal_burden from person_years where psn_no = $1', [
      'P002',
    ]);
    expect(year.rows[0]).toEqual({ fund_paid: 0, personal_burden: 0 });
    const list = await as['viewer']!('GET', '/api/manual-settlements?cancelled=true');
    expect(list.json.items[0]).toMatchObject({ cancelled_by_name: '谯城审核李华', cancel_reason: '发票重复报销' });
  });

  it('settles a bill given as lines, each split by its grade', async () => {
    // 甲类 5,000.00; 乙类 2,000.00 with 10% 先行自付 → 200.00; 丙类 800.00 → 全自费. medfee 7,800.00, in scope
    // 7,800 − 800 − 200 = 6,800.00; basic (6,800 − 500) × 80% = 5,040.00; the person pays 7,800 − 5,040 = 2,760.00
    // (the year is back to nothing after the reversal above: a full deductible again).
    const lines = {
      mode: 'lines',
      lines: [
        { name: '床位费', grade: '01', amount: '5000' },
        { name: '头孢类抗生素', grade: '02', amount: '2000.00', selfpay_percent: '10' },
        { name: '进口耗材', grade: '03', amount: 800 },
      ],
    };
    const confirmed = await as['clerk']!('POST', '/api/manual-settlements', stay(lines));
    expect(confirmed.status).toBe(201);
    const detail = await as['clerk']!('GET', `/api/settlements/P002/${confirmed.json.setl_id}`);
    expect(detail.json).toMatchObject({
      medfee_sumamt: '7800.00',
      fulamt_ownpay_amt: '800.00',
      preselfpay_amt: '200.00',
      inscp_scp_amt: '6800.00',
      hifp_pay: '5040.00',
      psn_part_amt: '2760.00',
    });
  });
});

describe('boundaries', () => {
  it('refuses who may not settle at the counter, writing nothing', async () => {
    const before = await counts(world.pool);
    for (const user of ['reviewer', 'viewer', 'gujing']) {
      const answer = await as[user]!('POST', '/api/manual-settlements', stay(TOTALS));
      expect(answer.status).toBe(403);
    }
    // Another county's clerk does not find the person.
    const elsewhere = await as['guoyang']!('POST', '/api/manual-settlements/preview', stay(TOTALS));
    expect(elsewhere.status).toBe(404);
    expect(await counts(world.pool)).toEqual(before);
  });

  it('refuses bad input with the field named, writing nothing', async () => {
    const before = await counts(world.pool);
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...stay(TOTALS), note: '正常\u0000备注' }, 400, ''],
      [{ ...stay(TOTALS), request_key: 'not-a-key' }, 400, 'request_key'],
      [stay({ ...TOTALS, medfee_sumamt: '1e13' }), 400, 'medfee_sumamt'],
      [stay({ ...TOTALS, medfee_sumamt: '10000.001' }), 400, 'medfee_sumamt'],
      [{ ...stay(TOTALS), end_date: null }, 400, 'end_date'],
      [{ ...stay(TOTALS), end_date: '2026-05-01' }, 400, 'end_date'],
      [{ ...stay(TOTALS), begin_date: '2026-07-01', end_date: '2026-07-02' }, 400, 'begin_date'],
      [{ ...stay(TOTALS), med_type: '99' }, 400, 'med_type'],
      [{ ...stay(TOTALS), diagnoses: Array.from({ length: 21 }, () => 'J18') }, 400, 'diagnoses'],
      [stay({ mode: 'lines', lines: [] }), 400, 'lines'],
      [stay({ mode: 'lines', lines: [{ name: '药', grade: '04', amount: 1 }] }), 400, 'grade'],
      [stay({ mode: 'lines', lines: [{ name: '药', grade: '02', amount: 1, selfpay_percent: '101' }] }), 400, ''],
      // Above what a county stay may declare without lines (500,000, anhui.yaml plausibility.totals_only_max) and,
      // as lines, above the bound of one county stay (1,000,000, plausibility.max_bill).
      [stay({ ...TOTALS, medfee_sumamt: '500000.01' }), 400, '须上传费用明细'],
      [stay({ mode: 'lines', lines: [{ name: '手术', grade: '01', amount: '1000000.01' }] }), 400, '合理上限'],
      [{ ...stay(TOTALS), fixmedins_code: 'H00000000000' }, 404, ''],
    ];
    for (const [body, status, field] of cases) {
      const answer = await as['clerk']!('POST', '/api/manual-settlements', body);
      expect([answer.status, body]).toEqual([status, body]);
      expect(answer.json.message).toMatch(/[\u4e00-\u9fff]/);
      if (field) expect(answer.json.message).toContain(field);
    }
    expect(await counts(world.pool)).toEqual(before);
  });
});
