/** The list of layers: what each declares, and that it keeps to it (the sources they cite: sources.test.ts). */
import { describe, expect, it } from 'vitest';
import { CATEGORY_CODES, ENCOUNTER_TYPES, FUND_PAY_TYPES, LAYER_NAMES, type Layer } from '../../codes.js';
import { listBuiltInPolicies, loadPolicy } from '../../policy/load.js';
import { claim, person } from '../../test-support/build.js';
import { defineLayer } from '../layer.js';
import { emptyYearToDate, openSettlement, settle } from '../settle.js';
import type { Claim, Person, YearToDate } from '../types.js';
import { LAYERS } from './index.js';

const bozhou = loadPolicy('anhui/bozhou');
const fenghua = loadPolicy('zhejiang/ningbo/fenghua');

describe('the layers declare themselves', () => {
  it('in the order they pay, every layer of the code table once', () => {
    expect(LAYERS.map((layer) => layer.layer)).toEqual(Object.keys(LAYER_NAMES));
  });

  it('each with the fund of the code table and the setlinfo field that fund pays into', () => {
    const field = { '390100': 'hifp_pay', '390200': 'hifmi_pay', '610100': 'maf_pay', '610102': 'maf_pay' };
    for (const layer of LAYERS) {
      expect(layer.fund, layer.layer).toBe(FUND_PAY_TYPES[layer.layer].code);
      expect(layer.field, layer.layer).toBe(field[layer.fund as keyof typeof field] ?? 'oth_pay');
    }
  });

  it('each year-to-date entry moved by exactly one layer, but the settlement totals', () => {
    const owners = LAYERS.flatMap((layer) => layer.accumulators);
    expect(new Set(owners).size).toBe(owners.length);
    const totals = ['year', 'medfee', 'fundPaid', 'personalBurden', 'inScopeBurden'];
    expect([...owners, ...totals].sort()).toEqual(Object.keys(emptyYearToDate(2022)).sort());
  });

  it('and can read and move nothing else (the compiler refuses it)', () => {
    const reads: string[] = [];
    const sketch = defineLayer({
      layer: 'assistance',
      fund: '610100',
      field: 'maf_pay',
      accumulators: ['assistance'],
      reads: ['assistance'],
      reaches: () => true,
      settle(context) {
        reads.push(context.rules.assistance.measure);
        // @ts-expect-error: the basic rules are not among what this layer reads
        const basic = context.rules.basic as { annual_cap: { amount: number } };
        reads.push(String(basic.annual_cap.amount));
        // @ts-expect-error: nor is the critical-illness accumulator among what it moves
        context.ytd.criticalIllness = { base: 0, paid: 0 };
      },
    });
    const c = claim({ total: 100 });
    sketch.settle(openSettlement(c, person([]), emptyYearToDate(2022), bozhou.at(c.setlDate), false));
    // At run time the whole policy is there: the restriction is the compiler's. (Bozhou: in scope; cap 300,000.)
    expect(reads).toEqual(['in_scope', '30000000']);
  });
});

describe('a claim runs only the layers that can reach it', () => {
  it('and pays the same as if it ran every layer, for every policy, category and encounter type', () => {
    let reachedFewer = 0;
    for (const id of listBuiltInPolicies()) {
      const policy = loadPolicy(id);
      for (const date of ['2022-06-30', '2023-02-01']) {
        for (const category of CATEGORY_CODES) {
          for (const encounter of ENCOUNTER_TYPES) {
            const who = person(category === 'ordinary' ? [] : [category], true);
            const c = claim({
              date,
              encounter,
              level: 'township',
              total: 90000,
              preSelfPay: 3000,
              diagnoses: ['U07.1'],
            });
            const everyLayer = openSettlement(c, who, emptyYearToDate(2022), policy.at(date), false);
            for (const layer of LAYERS) layer.settle(everyLayer);
            const { settlement, ytd } = settle(c, who, emptyYearToDate(2022), policy.at(date));
            expect(settlement.layers, `${id} ${date} ${category} ${encounter}`).toEqual(everyLayer.layers);
            expect(ytd.criticalIllness).toEqual(everyLayer.ytd.criticalIllness);
            if (Object.values(settlement.layers).filter(Boolean).length < LAYERS.length) reachedFewer++;
          }
        }
      }
    }
    expect(reachedFewer).toBeGreaterThan(100);
  });
});

/** Settles the layers before `target` on the claim, then `target` alone: what it changed in the year-to-date. */
function movedBy(target: Layer, policy: typeof bozhou, who: Person, c: Claim): string[] {
  const context = openSettlement(c, who, emptyYearToDate(2022), policy.at(c.setlDate), false);
  for (const layer of LAYERS) {
    if (layer.layer === target) break;
    layer.settle(context);
  }
  const before = JSON.stringify(context.ytd);
  const was = JSON.parse(before) as Record<string, unknown>;
  LAYERS.find((layer) => layer.layer === target)!.settle(context);
  expect(context.layers[target]?.paid ?? 0, target).toBeGreaterThan(0);
  return Object.keys(was).filter(
    (key) => JSON.stringify(was[key]) !== JSON.stringify(context.ytd[key as keyof YearToDate]),
  );
}

describe('each layer moves its own accumulators and no other', () => {
  const poor = person(['subsistence_allowance'], true);
  const insured = person([], true);
  const cases: [Layer, typeof bozhou, Person, Claim][] = [
    ['basic', bozhou, poor, claim({ total: 60000 })],
    ['critical_illness', bozhou, poor, claim({ total: 60000 })],
    ['assistance', bozhou, poor, claim({ total: 60000 })],
    ['re_assistance', bozhou, poor, claim({ total: 400000 })],
    ['high_cost_subsidy', fenghua, poor, claim({ level: 'city', total: 400000, preSelfPay: 40000 })],
    ['supplementary', fenghua, insured, claim({ level: 'city', total: 500000 })],
  ];
  it.each(cases)('%s', (target, policy, who, c) => {
    const layer = LAYERS.find((l) => l.layer === target)!;
    const moved = movedBy(target, policy, who, c);
    expect(moved.length, target).toBeGreaterThan(0);
    for (const key of moved) expect(layer.accumulators, `${target} moved ${key}`).toContain(key);
  });

  it('basic: a chronic-care visit moves its scheme and the shared cap, an outpatient visit its own entry', () => {
    const chronic = movedBy('basic', bozhou, poor, claim({ encounter: 'chronic_outpatient', total: 2000 }));
    expect(chronic.sort()).toEqual(['basicCapUsed', 'chronic']);
    const outpatient = movedBy(
      'basic',
      bozhou,
      poor,
      claim({ encounter: 'ordinary_outpatient', level: 'township', total: 200 }),
    );
    expect(outpatient).toEqual(['outpatient']);
  });

  it('temporary moves none', () => {
    const covid = claim({
      admDate: '2023-03-25',
      date: '2023-04-05',
      level: 'city',
      total: 50000,
      diagnoses: ['U07.1'],
    });
    const context = openSettlement(covid, person([]), emptyYearToDate(2023), fenghua.at(covid.setlDate), false);
    for (const layer of LAYERS) layer.settle(context);
    const replayed = openSettlement(covid, person([]), emptyYearToDate(2023), fenghua.at(covid.setlDate), false);
    for (const layer of LAYERS.slice(0, -1)) layer.settle(replayed);
    expect(context.layers.temporary?.paid).toBeGreaterThan(0);
    expect(context.ytd).toEqual(replayed.ytd);
  });
});
