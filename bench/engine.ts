/**
 * npm run bench:engine — settlements per second on one core (this process's main thread), with and without trace,
 * over a generated year of claims: mixed regions, categories, encounter types and a heavy-tailed cost distribution.
 * Writes its figures into docs/BENCHMARKS.md between the bench:engine markers.
 */
import {
  emptyYearToDate,
  listBuiltInPolicies,
  loadPolicy,
  seededRandom,
  settle,
  type CategoryCode,
  type Claim,
  type InstitutionLevel,
  type Person,
  type Policy,
} from '@sanbao/core';
import { measuredOn, publish } from './benchmarks-doc.js';

const CLAIMS = Number(process.env['BENCH_CLAIMS'] ?? 1_000_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);

const rand = seededRandom(20221122);
function pick<T>(weighted: [T, number][]): T {
  let roll = rand() * weighted.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [value, weight] of weighted) {
    roll -= weight;
    if (roll <= 0) return value;
  }
  return weighted[weighted.length - 1]![0];
}
/** Log-normal cost in fen around a median in yuan: most bills small, a few catastrophic. */
function cost(medianYuan: number, sigma: number): number {
  const normal = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return Math.max(100, Math.round(medianYuan * 100 * Math.exp(sigma * normal)));
}

// Category shares of a city's residents (roughly: a few percent of assistance targets, most ordinary).
const CATEGORY_SHARES: [CategoryCode[], number][] = [
  [[], 88],
  [['monitored'], 3],
  [['subsistence_allowance'], 4],
  [['extreme_poverty'], 1],
  [['returned_to_poverty'], 1],
  [['low_income_margin'], 1.5],
  [['monitored', 'subsistence_allowance'], 1],
  [['stable_exit'], 0.5],
];
const ENCOUNTERS: [{ encounter: Claim['encounter']; medType: string; median: number; sigma: number }, number][] = [
  [{ encounter: 'ordinary_outpatient', medType: '11', median: 150, sigma: 0.9 }, 55],
  [{ encounter: 'chronic_outpatient', medType: '14', median: 600, sigma: 0.8 }, 25],
  [{ encounter: 'inpatient', medType: '21', median: 8000, sigma: 1.1 }, 18],
  [{ encounter: 'special_drug', medType: '15', median: 20000, sigma: 0.7 }, 2],
];
const LEVELS: [InstitutionLevel, number][] = [
  ['township', 40],
  ['county', 35],
  ['city', 20],
  ['province', 5],
];

interface Work {
  claim: Claim;
  person: Person;
  policy: Policy;
  firstOfPerson: boolean;
}

function generate(): Work[] {
  const policies = listBuiltInPolicies().map((id) => loadPolicy(id));
  const work: Work[] = [];
  let personIndex = 0;
  while (work.length < CLAIMS) {
    const categories = pick(CATEGORY_SHARES);
    const person: Person = {
      psnNo: `P${personIndex++}`,
      categories: categories.map((code) => ({ code, begin: '2020-01-01', end: null })),
      supplementary: rand() < 0.3,
    };
    const policy = policies[personIndex % policies.length]!;
    const count = 1 + Math.floor(-Math.log(1 - rand()) * 4); // 1 to ~20 claims a year, mean ~5
    const days = Array.from({ length: count }, () => Math.floor(rand() * 365)).sort((a, b) => a - b);
    days.forEach((day, index) => {
      const kind = pick(ENCOUNTERS);
      const medfee = cost(kind.median, kind.sigma);
      const fullOwnPay = Math.floor(medfee * rand() * 0.12);
      const preSelfPay = Math.floor((medfee - fullOwnPay) * rand() * 0.05);
      const date = new Date(Date.UTC(2022, 0, 1 + day)).toISOString().slice(0, 10);
      work.push({
        claim: {
          medType: kind.medType,
          encounter: kind.encounter,
          setlDate: date,
          admDate: date,
          level: pick(LEVELS),
          referral: null,
          medfee,
          fullOwnPay,
          overLimit: 0,
          preSelfPay,
          inScope: medfee - fullOwnPay - preSelfPay,
          diagnoses: [],
          chronicScheme: null,
        },
        person,
        policy,
        firstOfPerson: index === 0,
      });
    });
  }
  return work.slice(0, CLAIMS);
}

function runOnce(work: Work[], trace: boolean): { seconds: number; fund: number } {
  let ytd = emptyYearToDate(2022);
  let fund = 0;
  const start = process.hrtime.bigint();
  for (const item of work) {
    if (item.firstOfPerson) ytd = emptyYearToDate(2022);
    const result = settle(item.claim, item.person, ytd, item.policy.at(item.claim.setlDate), { trace });
    ytd = result.ytd;
    fund += result.settlement.fund_pay_sumamt;
  }
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, fund };
}

function measure(work: Work[], trace: boolean): { best: number; median: number; fund: number } {
  runOnce(work.slice(0, 100_000), trace); // warm the JIT
  const rates: number[] = [];
  let fund = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const { seconds, fund: total } = runOnce(work, trace);
    rates.push(work.length / seconds);
    fund = total;
  }
  rates.sort((a, b) => a - b);
  return { best: rates[rates.length - 1]!, median: rates[Math.floor(rates.length / 2)]!, fund };
}

const generated = generate();
const plain = measure(generated, false);
const traced = measure(generated, true);
if (plain.fund !== traced.fund) throw new Error('trace changed the amounts');

const format = (rate: number): string => Math.round(rate).toLocaleString('en-US');
const share = (predicate: (w: Work) => boolean): string =>
  `${((generated.filter(predicate).length / generated.length) * 100).toFixed(1)}%`;
const report = [
  `${measuredOn()}; one core (the main thread).`,
  `Command: \`npm run bench:engine\` (BENCH_CLAIMS=${CLAIMS}, ${ROUNDS} rounds after a warm-up; best and median round).`,
  '',
  `Workload: ${generated.length.toLocaleString('en-US')} claims of ${new Set(generated.map((w) => w.person.psnNo)).size.toLocaleString('en-US')} persons across the ${listBuiltInPolicies().length} reference policies; ` +
    `outpatient ${share((w) => w.claim.encounter === 'ordinary_outpatient')}, chronic ${share((w) => w.claim.encounter === 'chronic_outpatient')}, ` +
    `inpatient ${share((w) => w.claim.encounter === 'inpatient')}, special drugs ${share((w) => w.claim.encounter === 'special_drug')}; ` +
    `assistance targets ${share((w) => w.person.categories.length > 0)}; log-normal costs; each claim resolves its policy epoch and carries the person's year-to-date.`,
  '',
  '| settle() | best (settlements/s) | median (settlements/s) | target |',
  '|---|---:|---:|---:|',
  `| without trace | ${format(plain.best)} | ${format(plain.median)} | ≥ 1,000,000 |`,
  `| with trace | ${format(traced.best)} | ${format(traced.median)} | ≥ 1,000,000 |`,
].join('\n');
publish('engine', report);
