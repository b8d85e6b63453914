/**
 * The fund journal's rule holds for every writer, on the real database: unbalanced postings are refused, postings are
 * never changed or removed, and what the services write balances.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accepted } from '../test-support/his-calls.js';
import { createWorld, envelope, PEOPLE, registerVisit, type World } from '../test-support/world.js';

let world: World;
let setlId: string;
beforeAll(async () => {
  world = await createWorld('journal');
  // One county visit of the ordinary resident, 甲类 10.00: the basic fund pays 50%, 5.00.
  const psnNo = PEOPLE.ordinary.psnNo;
  const visit = await registerVisit(world, psnNo);
  const line = {
    feedetl_sn: 'J1',
    mdtrt_id: visit,
    psn_no: psnNo,
    chrg_bchno: 'B1',
    fee_ocur_time: '2026-06-15 09:00:00',
    med_list_codg: 'J1',
    cnt: 1,
    pric: 10,
    det_item_fee_sumamt: 10,
  };
  await accepted(world, envelope('2204', { feedetail: [line] }));
  const settled = await accepted(
    world,
    envelope('2207', { data: { psn_no: psnNo, mdtrt_id: visit, med_type: '11', medfee_sumamt: 10 } }),
  );
  setlId = settled.output['setlinfo'].setl_id as string;
});
afterAll(async () => {
  await world.close();
});

describe('the fund journal', () => {
  it('holds what a settlement posted, balanced: the fund 5.00 debited, the hospital credited', async () => {
    const { rows } = await world.pool.query(
      'select account, amount from fund_postings where setl_id = $1 order by account',
      [setlId],
    );
    expect(rows).toEqual([
      { account: 'fund:390100', amount: 500 },
      { account: 'payable:H34160200001', amount: -500 },
    ]);
  });

  it('refuses postings that do not sum to zero, and writes none of them', async () => {
    const before = await world.pool.query('select count(*)::int as n from fund_postings');
    await expect(
      world.pool.query(
        `insert into fund_postings (psn_no, setl_id, account, amount)
         values ($1, $2, 'fund:390100', 100), ($1, $2, 'payable:H34160200001', -99)`,
        [PEOPLE.ordinary.psnNo, setlId],
      ),
    ).rejects.toMatchObject({ code: '23514' });
    await expect(
      world.pool.query(
        "insert into fund_postings (psn_no, setl_id, account, amount) values ($1, $2, 'fund:390100', 1)",
        [PEOPLE.ordinary.psnNo, setlId],
      ),
    ).rejects.toMatchObject({ code: '23514' });
    expect((await world.pool.query('select count(*)::int as n from fund_postings')).rows).toEqual(before.rows);
  });

  it('refuses changing or removing a posting', async () => {
    await expect(
      world.pool.query('update fund_postings set amount = amount * 2 where setl_id = $1', [setlId]),
    ).rejects.toMatchObject({ code: '23514' });
    await expect(world.pool.query('delete from fund_postings where setl_id = $1', [setlId])).rejects.toMatchObject({
      code: '23514',
    });
    const { rows } = await world.pool.query('select sum(amount)::int as total, count(*)::int as n from fund_postings');
    expect(rows[0]).toEqual({ total: 0, n: 2 });
  });
});
