/**
 * Stored settlements back to claims: what settling a year again starts from is exactly what was settled, standing
 * settlements only, in the order they were made. The bills are the ones sent below, in fen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accepted } from '../test-support/his-calls.js';
import {
  certnoOf,
  COUNTY,
  createWorld,
  envelope,
  PEOPLE,
  registerVisit,
  TOWNSHIP,
  type World,
} from '../test-support/world.js';
import { storedClaims } from './claims.js';

let world: World;
const psnNo = PEOPLE.ordinary.psnNo;
const settled: { visit: string; stay: string; visitSetlId: string; staySetlId: string } = {
  visit: '',
  stay: '',
  visitSetlId: '',
  staySetlId: '',
};

/** An outpatient visit at the county hospital settled by its totals (yuan); returns its setl_id. */
async function settleVisit(mdtrtId: string, who: string, totals: Record<string, number>): Promise<string> {
  const data = { psn_no: who, mdtrt_id: mdtrtId, med_type: '11', ...totals };
  const reply = await accepted(world, envelope('2207', { data }));
  return reply.output['setlinfo'].setl_id as string;
}

beforeAll(async () => {
  world = await createWorld('claims');
  // 1. A county visit: 120.00, of which 10.00 全自费 and 5.00 超限价.
  settled.visit = await registerVisit(world, psnNo, { number: 'MZ1' });
  settled.visitSetlId = await settleVisit(settled.visit, psnNo, {
    medfee_sumamt: 120,
    fulamt_ownpay_amt: 10,
    overlmt_selfpay: 5,
    preselfpay_amt: 0,
  });
  // 2. A township stay from 06-10 with a stroke: 800.00, of which 50.00 先行自付.
  const admission = await accepted(
    world,
    envelope(
      '2401',
      {
        mdtrtinfo: {
          psn_no: psnNo,
          insutype: '390',
          begntime: '2026-06-10 09:00:00',
          mdtrt_cert_type: '02',
          mdtrt_cert_no: await certnoOf(world, psnNo),
          med_type: '21',
          ipt_no: 'ZY1',
        },
        diseinfo: [{ diag_code: 'I63.900' }],
      },
      { institution: TOWNSHIP.code },
    ),
    TOWNSHIP,
  );
  settled.stay = admission.output['result'].mdtrt_id as string;
  await accepted(
    world,
    envelope(
      '2402',
      { dscginfo: { mdtrt_id: settled.stay, psn_no: psnNo, endtime: '2026-06-14 10:00:00' }, diseinfo: [] },
      { institution: TOWNSHIP.code },
    ),
    TOWNSHIP,
  );
  const stay = await accepted(
    world,
    envelope(
      '2304',
      {
        data: {
          psn_no: psnNo,
          mdtrt_id: settled.stay,
          medfee_sumamt: 800,
          fulamt_ownpay_amt: 0,
          overlmt_selfpay: 0,
          preselfpay_amt: 50,
        },
      },
      { institution: TOWNSHIP.code },
    ),
    TOWNSHIP,
  );
  settled.staySetlId = stay.output['setlinfo'].setl_id as string;
  // 3. A county visit settled and cancelled: it no longer stands.
  const cancelledVisit = await registerVisit(world, psnNo, { number: 'MZ2' });
  const cancelledId = await settleVisit(cancelledVisit, psnNo, {
    medfee_sumamt: 60,
    fulamt_ownpay_amt: 0,
    overlmt_selfpay: 0,
    preselfpay_amt: 0,
  });
  await accepted(world, envelope('2208', { data: { psn_no: psnNo, mdtrt_id: cancelledVisit, setl_id: cancelledId } }));
  // 4. Another person's visit: never theirs.
  const other = await registerVisit(world, PEOPLE.dibao.psnNo, { number: 'MZ3' });
  await settleVisit(other, PEOPLE.dibao.psnNo, {
    medfee_sumamt: 30,
    fulamt_ownpay_amt: 0,
    overlmt_selfpay: 0,
    preselfpay_amt: 0,
  });
});
afterAll(async () => {
  await world.close();
});

describe('storedClaims', () => {
  it('gives the standing settlements of the year as the claims they settled, in the order they were made', async () => {
    const client = await world.pool.connect();
    try {
      expect(await storedClaims(client, psnNo, 2026)).toEqual([
        {
          setlId: settled.visitSetlId,
          mdtrtId: settled.visit,
          fixmedinsCode: COUNTY.code,
          claim: {
            medType: '11',
            encounter: 'ordinary_outpatient',
            setlDate: '2026-06-15',
            // registerVisit opens the visit at 2026-06-15 08:00 China time.
            admDate: '2026-06-15',
            level: 'county',
            referral: null,
            // 120.00 yuan = 12,000 fen; in scope 120.00 − 10.00 − 5.00 − 0 = 105.00 = 10,500 fen.
            medfee: 12_000,
            fullOwnPay: 1_000,
            overLimit: 500,
            preSelfPay: 0,
            inScope: 10_500,
            diagnoses: [],
            chronicScheme: null,
          },
        },
        {
          setlId: settled.staySetlId,
          mdtrtId: settled.stay,
          fixmedinsCode: TOWNSHIP.code,
          claim: {
            medType: '21',
            encounter: 'inpatient',
            setlDate: '2026-06-15',
            admDate: '2026-06-10',
            level: 'township',
            referral: null,
            // 800.00 yuan = 80,000 fen; in scope 800.00 − 50.00 = 750.00 = 75,000 fen.
            medfee: 80_000,
            fullOwnPay: 0,
            overLimit: 0,
            preSelfPay: 5_000,
            inScope: 75_000,
            diagnoses: ['I63.900'],
            chronicScheme: null,
          },
        },
      ]);
    } finally {
      client.release();
    }
  });

  it('gives nothing for a year without settlements', async () => {
    const client = await world.pool.connect();
    try {
      expect(await storedClaims(client, psnNo, 2025)).toEqual([]);
    } finally {
      client.release();
    }
  });
});
