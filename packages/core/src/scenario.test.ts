/** The scenario contract: good scenarios become claims in fen; bad ones are refused with every problem and its place. */
import { describe, expect, it } from 'vitest';
import { SanbaoError, type Problem } from './errors.js';
import { parseScenario } from './scenario.js';

const base = {
  policy: 'anhui/bozhou',
  person: {
    psn_no: 'P001',
    certno: '341602196005011238',
    gend: '1',
    brdy: '1960-05-01',
    categories: [{ code: 'subsistence_allowance', begin: '2022-01-01', end: null }],
  },
  claims: [
    {
      med_type: '21',
      setl_time: '2022-03-10',
      begntime: '2022-03-01',
      institution_level: 'county',
      medfee_sumamt: 60000.0,
      fulamt_ownpay_amt: 5000.0,
      overlmt_selfpay: 0,
      preselfpay_amt: 0,
      items: [],
    },
  ],
};

function refusal(text: string): Problem[] {
  try {
    parseScenario(text, 'scenario.json');
  } catch (error) {
    if (error instanceof SanbaoError) return error.problems;
    throw error;
  }
  throw new Error('expected a refusal');
}

function withClaim(changes: Record<string, unknown>): string {
  return JSON.stringify({ ...base, claims: [{ ...base.claims[0], ...changes }] }, null, 2);
}

describe('parseScenario', () => {
  it('reads the contract of the issue into claims in fen', () => {
    const scenario = parseScenario(JSON.stringify(base));
    expect(scenario.person).toMatchObject({
      psnNo: 'P001',
      gender: '1',
      birthDate: '1960-05-01',
      supplementary: false,
    });
    expect(scenario.claims[0]).toMatchObject({
      encounter: 'inpatient',
      level: 'county',
      medfee: 6_000_000,
      fullOwnPay: 500_000,
      inScope: 5_500_000,
    });
  });

  it('splits itemized fee lines into the four totals', () => {
    const items = [
      { chrgitm_lv: '01', det_item_fee_sumamt: 1000 },
      // 乙类 with a 10% pre-self-pay: 2,000 × 10% = 200.
      { chrgitm_lv: '乙', det_item_fee_sumamt: 2000, selfpay_prop: 0.1 },
      // Price 120 above the cap 100, 5 units: 100 over the limit; the 500 within it, 20% pre-self-pay = 100.
      { chrgitm_lv: '02', det_item_fee_sumamt: 600, cnt: 5, pric: 120, pric_uplmt_amt: 100, selfpay_prop: '20%' },
      { chrgitm_lv: '丙', det_item_fee_sumamt: 400 },
    ];
    const scenario = parseScenario(
      withClaim({
        medfee_sumamt: 4000,
        fulamt_ownpay_amt: undefined,
        overlmt_selfpay: undefined,
        preselfpay_amt: undefined,
        items,
      }),
    );
    // Total 4,000 = full self-pay 400 + over-limit 100 + pre-self-pay 300 + in scope 3,200.
    expect(scenario.claims[0]).toMatchObject({
      medfee: 400_000,
      fullOwnPay: 40_000,
      overLimit: 10_000,
      preSelfPay: 30_000,
      inScope: 320_000,
    });
  });

  it('malformed JSON', () => {
    expect(refusal('{ "policy": ')[0]).toMatchObject({ code: 'JSON_MALFORMED', file: 'scenario.json' });
  });

  it('a third decimal, a negative amount: the path and the line', () => {
    const problems = refusal(withClaim({ medfee_sumamt: 60000.005, fulamt_ownpay_amt: -1 }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'AMOUNT_DECIMALS', path: 'claims[0].medfee_sumamt', line: 22 }),
        expect.objectContaining({ code: 'AMOUNT_NEGATIVE', path: 'claims[0].fulamt_ownpay_amt', line: 23 }),
      ]),
    );
  });

  it('parts larger than the total, or an in-scope amount that does not add up', () => {
    expect(refusal(withClaim({ fulamt_ownpay_amt: 70000 }))[0]).toMatchObject({
      code: 'AMOUNT_INCONSISTENT',
      path: 'claims[0].medfee_sumamt',
    });
    expect(refusal(withClaim({ inscp_scp_amt: 50000 }))[0]).toMatchObject({
      code: 'AMOUNT_INCONSISTENT',
      path: 'claims[0].inscp_scp_amt',
    });
    expect(
      refusal(withClaim({ medfee_sumamt: 999, items: [{ chrgitm_lv: '01', det_item_fee_sumamt: 1000 }] }))[0],
    ).toMatchObject({ code: 'AMOUNT_INCONSISTENT' });
  });

  it('an ID failing GB 11643, or not matching the birth date and gender given', () => {
    const bad = (person: Record<string, unknown>) =>
      refusal(JSON.stringify({ ...base, person: { ...base.person, ...person } }));
    expect(bad({ certno: '341602196005011239' })[0]).toMatchObject({ code: 'ID_CHECKSUM', path: 'person.certno' });
    expect(bad({ certno: '3416021960050112' })[0]).toMatchObject({ code: 'ID_FORMAT' });
    expect(bad({ brdy: '1960-05-02' })[0]).toMatchObject({ code: 'ID_MISMATCH', path: 'person.brdy' });
    expect(bad({ gend: '2' })[0]).toMatchObject({ code: 'ID_MISMATCH', path: 'person.gend' });
  });

  it('unknown codes', () => {
    expect(refusal(withClaim({ med_type: '99' }))[0]).toMatchObject({
      code: 'CODE_UNKNOWN',
      path: 'claims[0].med_type',
    });
    expect(refusal(withClaim({ institution_level: 'village' }))[0]).toMatchObject({
      code: 'CODE_UNKNOWN',
      path: 'claims[0].institution_level',
    });
    expect(refusal(withClaim({ items: [{ chrgitm_lv: '04', det_item_fee_sumamt: 60000 }] }))[0]).toMatchObject({
      code: 'CODE_UNKNOWN',
      path: 'claims[0].items[0].chrgitm_lv',
    });
    const unknownCategory = JSON.stringify({
      ...base,
      person: { ...base.person, categories: [{ code: 'rich', begin: '2022-01-01' }] },
    });
    expect(refusal(unknownCategory)[0]).toMatchObject({ code: 'CODE_UNKNOWN', path: 'person.categories[0].code' });
  });

  it('dates out of order or impossible', () => {
    expect(refusal(withClaim({ begntime: '2022-03-11' }))[0]).toMatchObject({
      code: 'DATE_ORDER',
      path: 'claims[0].begntime',
    });
    expect(refusal(withClaim({ setl_time: '2022-02-30' }))[0]).toMatchObject({ code: 'DATE_INVALID' });
    const twoClaims = JSON.stringify({
      ...base,
      claims: [base.claims[0], { ...base.claims[0], setl_time: '2022-01-01', begntime: '2022-01-01' }],
    });
    expect(refusal(twoClaims)[0]).toMatchObject({ code: 'DATE_ORDER', path: 'claims[1].setl_time' });
    const spell = JSON.stringify({
      ...base,
      person: { ...base.person, categories: [{ code: 'monitored', begin: '2022-05-01', end: '2022-04-01' }] },
    });
    expect(refusal(spell)[0]).toMatchObject({ code: 'DATE_ORDER', path: 'person.categories[0].end' });
  });

  it('unknown fields and missing totals', () => {
    expect(refusal(withClaim({ medfee: 1 }))[0]).toMatchObject({ code: 'SCHEMA', path: 'claims[0]' });
    expect(refusal(withClaim({ preselfpay_amt: undefined }))[0]).toMatchObject({
      code: 'SCHEMA',
      path: 'claims[0].preselfpay_amt',
    });
    expect(refusal(JSON.stringify({ ...base, claims: [] }))[0]).toMatchObject({ code: 'SCHEMA', path: 'claims' });
  });

  it('reports every problem at once', () => {
    const problems = refusal(withClaim({ med_type: '99', institution_level: 'x', medfee_sumamt: 1.234 }));
    expect(problems.map((p) => p.code).sort()).toEqual(['AMOUNT_DECIMALS', 'CODE_UNKNOWN', 'CODE_UNKNOWN']);
  });
});
