/**
 * 200 settlements for one person at once, plus duplicates of some of them: the person-year lock serializes them, so
 * the accumulators equal the sum of the settlements, each settlement equals what the engine gives when the same
 * claims are settled one by one in the order they were serialized, replays pay nothing twice, postings balance.
 */
import { emptyYearToDate, loadPolicy, settle, type Claim, type YearToDate } from '@sanbao/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createWorld, envelope, TODAY, TOWNSHIP, type World, registerVisit } from '../test-support/world.js';

let world: World;
beforeAll(async () => {
  world = await createWorld('concurrency');
});
afterAll(async () => {
  await world.close();
});

const COUNT = 200;

describe('concurrent settlements for one person', () => {
  it('serialize on the person-year row and add up exactly', async () => {
    const visits: { mdtrtId: string; medType: string; medfee: number }[] = [];
    for (let i = 0; i < COUNT; i++) {
      const mdtrtId = await registerVisit(world, 'P001', { institution: TOWNSHIP, number: `MZ${i}` });
      // Chronic care every other visit, so that critical illness and assistance accumulate too.
      visits.push({
        mdtrtId,
        medType: i % 2 === 0 ? '14' : '11',
        medfee: 80 + ((i * 137) % 1900) + (i % 7) / 4,
      });
    }
    const messages = visits.map((visit) =>
      envelope(
        '2207',
        {
          data: {
            psn_no: 'P001',
            mdtrt_id: visit.mdtrtId,
            med_type: visit.medType,
            medfee_sumamt: visit.medfee,
            fulamt_ownpay_amt: 0,
            overlmt_selfpay: 0,
            preselfpay_amt: 0,
            psn_setlway: '01',
            insutype: '390',
            acct_used_flag: '0',
          },
        },
        { institution: TOWNSHIP.code },
      ),
    );
    // Every message once, and the first fifty a second time, all at the same moment.
    const replies = await Promise.all(
      [...messages, ...messages.slice(0, 50)].map((message) => call(world, message, TOWNSHIP)),
    );
    expect(replies.filter((reply) => reply.infcode !== 0)).toEqual([]);
    for (let i = 0; i < 50; i++) expect(replies[COUNT + i]).toEqual(replies[i]);

    const { rows: settlements } = await world.pool.query<{
      setl_id: string;
      mdtrt_id: string;
      med_type: string;
      medfee_sumamt: number;
      hifp_pay: number;
      hifmi_pay: number;
      maf_pay: number;
      fund_pay_sumamt: number;
      psn_part_amt: number;
    }>(
      "select setl_id, mdtrt_id, med_type, medfee_sumamt, hifp_pay, hifmi_pay, maf_pay, fund_pay_sumamt, psn_part_amt from settlements where psn_no = 'P001' order by setl_id",
    );
    expect(settlements).toHaveLength(COUNT);
    const year = (
      await world.pool.query<{ ytd: YearToDate; fund_paid: number; personal_burden: number; settlements: number }>(
        "select ytd, fund_paid, personal_burden, settlements from person_years where psn_no = 'P001' and year = 2026",
      )
    ).rows[0]!;
    const sum = (key: 'fund_pay_sumamt' | 'psn_part_amt' | 'medfee_sumamt'): number =>
      settlements.reduce((total, row) => total + row[key], 0);
    expect(year).toMatchObject({
      settlements: COUNT,
      fund_paid: sum('fund_pay_sumamt'),
      personal_burden: sum('psn_part_amt'),
    });
    expect(year.ytd.medfee).toBe(sum('medfee_sumamt'));

    // Replaying the same claims one by one, in the order the lock let them through, gives every amount again.
    const policy = loadPolicy('anhui/bozhou').at(TODAY);
    const person = {
      psnNo: 'P001',
      categories: [{ code: 'subsistence_allowance' as const, begin: '2025-03-01', end: null }],
      supplementary: false,
    };
    let ytd = emptyYearToDate(2026);
    for (const row of settlements) {
      const claim: Claim = {
        medType: row.med_type,
        encounter: row.med_type === '14' ? 'chronic_outpatient' : 'ordinary_outpatient',
        setlDate: TODAY,
        admDate: TODAY,
        level: 'township',
        referral: null,
        medfee: row.medfee_sumamt,
        fullOwnPay: 0,
        overLimit: 0,
        preSelfPay: 0,
        inScope: row.medfee_sumamt,
        diagnoses: [],
        chronicScheme: null,
      };
      const result = settle(claim, person, ytd, policy);
      expect({ hifp: row.hifp_pay, hifmi: row.hifmi_pay, maf: row.maf_pay }).toEqual({
        hifp: result.settlement.hifp_pay,
        hifmi: result.settlement.hifmi_pay,
        maf: result.settlement.maf_pay,
      });
      ytd = result.ytd;
    }
    expect(year.ytd).toEqual(ytd);
    // The ordinary-outpatient yearly limit (assumed 400) was reached under the load, and not passed.
    expect(ytd.outpatient.paid).toBe(40_000);

    const unbalanced = await world.pool.query(
      "select setl_id from fund_postings where psn_no = 'P001' group by setl_id having sum(amount) <> 0",
    );
    expect(unbalanced.rowCount).toBe(0);
    const funds = await world.pool.query<{ total: number }>(
      "select coalesce(sum(amount), 0)::bigint as total from fund_postings where psn_no = 'P001' and account like 'fund:%'",
    );
    expect(funds.rows[0]?.total).toBe(sum('fund_pay_sumamt'));
  });
});
