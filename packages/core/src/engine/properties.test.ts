/** The engine's invariants as properties over random people, claims and every reference policy. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORY_CODES, ENCOUNTER_TYPES, INSTITUTION_LEVELS } from '../codes.js';
import { loadPolicy, listBuiltInPolicies } from '../policy/load.js';
import { fixture } from '../test-support/fixtures.js';
import { bandEntitlement } from './cumulative.js';
import { emptyYearToDate, settle } from './settle.js';
import type { Claim, Person, SettleResult } from './types.js';

const policies = [
  ...listBuiltInPolicies().map((id) => loadPolicy(id)),
  loadPolicy(fixture('standalone.yaml')),
  loadPolicy(fixture('cumulative-total.yaml')),
];

/** Amounts in fen, skewed towards realistic bills: most small, some catastrophic. */
const amount = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 2_000_000 }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 30_000_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 150_000_000 }) },
);

const claimArb = fc
  .record({
    encounter: fc.constantFrom(...ENCOUNTER_TYPES),
    level: fc.constantFrom(...INSTITUTION_LEVELS),
    day: fc.integer({ min: 0, max: 364 }),
    inScope: amount,
    fullOwnPay: amount,
    overLimit: fc.integer({ min: 0, max: 500_000 }),
    preSelfPay: fc.integer({ min: 0, max: 2_000_000 }),
    scheme: fc.constantFrom('chronic', 'two_diseases'),
  })
  .map(({ encounter, level, day, inScope, fullOwnPay, overLimit, preSelfPay, scheme }): Claim => {
    const date = new Date(Date.UTC(2022, 0, 1 + day)).toISOString().slice(0, 10);
    return {
      medType: { inpatient: '21', ordinary_outpatient: '11', chronic_outpatient: '14', special_drug: '15' }[encounter],
      encounter,
      setlDate: date,
      admDate: date,
      level,
      referral: null,
      medfee: inScope + fullOwnPay + overLimit + preSelfPay,
      fullOwnPay,
      overLimit,
      preSelfPay,
      inScope,
      diagnoses: [],
      chronicScheme: scheme,
    };
  });

const personArb = fc.record({
  categories: fc.subarray(CATEGORY_CODES, { maxLength: 3 }),
  supplementary: fc.boolean(),
});

function settleAll(policyIndex: number, who: Person, claims: Claim[]): SettleResult[] {
  const policy = policies[policyIndex]!;
  const sorted = [...claims].sort((a, b) => a.setlDate.localeCompare(b.setlDate));
  let ytd = emptyYearToDate(2022);
  return sorted.map((c) => {
    const result = settle(c, who, ytd, policy.at(c.setlDate), { trace: false });
    ytd = result.ytd;
    return result;
  });
}

describe('settlement invariants (property)', () => {
  it('no layer pays more than what the previous left, nothing is negative, the parts add up', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: policies.length - 1 }),
        personArb,
        fc.array(claimArb, { minLength: 1, maxLength: 8 }),
        (policyIndex, p, claims) => {
          const who: Person = {
            psnNo: 'P',
            categories: p.categories.map((code) => ({ code, begin: '2020-01-01', end: null })),
            supplementary: p.supplementary,
          };
          const results = settleAll(policyIndex, who, claims);
          let fundTotal = 0;
          for (const { settlement: s } of results) {
            let left = s.medfee_sumamt;
            for (const layer of [
              'basic',
              'critical_illness',
              'assistance',
              're_assistance',
              'high_cost_subsidy',
              'supplementary',
              'temporary',
            ] as const) {
              const result = s.layers[layer];
              if (!result) continue;
              expect(result.paid).toBeGreaterThanOrEqual(0);
              expect(result.paid).toBeLessThanOrEqual(result.payable);
              expect(result.payable).toBeLessThanOrEqual(result.base);
              expect(result.base).toBeLessThanOrEqual(left);
              left -= result.paid;
            }
            expect(left).toBe(s.psn_part_amt);
            expect(s.hifp_pay + s.hifmi_pay + s.maf_pay + s.oth_pay).toBe(s.fund_pay_sumamt);
            expect(s.fund_pay_sumamt + s.psn_part_amt + s.hosp_part_amt).toBe(s.medfee_sumamt);
            expect(s.inscp_scp_amt + s.fulamt_ownpay_amt + s.overlmt_selfpay + s.preselfpay_amt).toBe(s.medfee_sumamt);
            fundTotal += s.fund_pay_sumamt;
          }
          expect(results.at(-1)?.ytd.fundPaid).toBe(fundTotal);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('splitting the same yearly chronic-care costs into any number of claims gives the same yearly totals per layer', () => {
    const standalone = policies.findIndex((policy) => policy.region === '999900');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000_000 }),
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 6 }),
        personArb,
        (total, weights, p) => {
          const who: Person = {
            psnNo: 'P',
            categories: p.categories.map((code) => ({ code, begin: '2020-01-01', end: null })),
            supplementary: p.supplementary,
          };
          const weightSum = weights.reduce((a, b) => a + b, 0);
          let given = 0;
          const parts = weights.map((weight, index) => {
            const part = index === weights.length - 1 ? total - given : Math.floor((total * weight) / weightSum);
            given += part;
            return part;
          });
          const chronic = (inScope: number, day: number): Claim => ({
            medType: '14',
            encounter: 'chronic_outpatient',
            setlDate: `2022-03-${String(day + 1).padStart(2, '0')}`,
            admDate: '2022-03-01',
            level: 'township',
            referral: null,
            medfee: inScope,
            fullOwnPay: 0,
            overLimit: 0,
            preSelfPay: 0,
            inScope,
            diagnoses: [],
            chronicScheme: null,
          });
          const totals = (results: SettleResult[]): Record<string, number> => {
            const sums: Record<string, number> = {};
            for (const { settlement } of results)
              for (const [layer, r] of Object.entries(settlement.layers))
                if (r) sums[layer] = (sums[layer] ?? 0) + r.paid;
            return sums;
          };
          const whole = settleAll(standalone, who, [chronic(total, 0)]);
          const split = settleAll(
            standalone,
            who,
            parts.map((part, index) => chronic(part, index)),
          );
          expect(totals(split)).toEqual(totals(whole));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("critical illness paid over a year equals the yearly formula on the year's cumulative base", () => {
    const index = policies.findIndex((policy) => policy.id === 'anhui/bozhou');
    fc.assert(
      fc.property(
        fc.array(
          claimArb.filter((c) => c.encounter === 'inpatient'),
          { minLength: 1, maxLength: 6 },
        ),
        (claims) => {
          const results = settleAll(index, { psnNo: 'P', categories: [], supplementary: false }, claims);
          const table = policies[index]!.at('2022-06-01').tables.criticalIllness.ordinary;
          const ytd = results.at(-1)!.ytd;
          const paidSum = results.reduce((sum, r) => sum + (r.settlement.layers.critical_illness?.paid ?? 0), 0);
          expect(paidSum).toBe(
            Math.min(
              table.cap,
              bandEntitlement(ytd.criticalIllness.base, table.deductible, table.bands, table.convention),
            ),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
