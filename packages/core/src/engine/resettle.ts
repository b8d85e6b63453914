/**
 * Settling a year's claims again after the person's categories changed (an approved application for assistance):
 * the claims are settled in order twice, with the categories as they were and as they are now, and each claim's
 * difference is its top-up. Measuring against the old categories, not against what was paid, keeps everything but
 * the category change (a cancelled stay, a corrected policy) out of the top-up.
 */
import type { Policy } from '../policy/resolve.js';
import { settleSequence } from './sequence.js';
import { emptyYearToDate } from './settle.js';
import type { Claim, LayerResult, Person, Settlement, TraceStep, YearToDate } from './types.js';

export interface TopUp {
  /** The claim's position in the claims re-settled. */
  index: number;
  /** What the funds pay on top: the re-settlement minus the settlement with the old categories (no new bill). */
  settlement: Settlement;
  /** The re-settlement's trace, ending with the difference. */
  trace: TraceStep[];
}

export interface Resettlement {
  topUps: TopUp[];
  /** The year-to-date after all the claims, with the old categories and with the new. */
  was: YearToDate;
  now: YearToDate;
}

export function resettleYear(
  claims: readonly Claim[],
  was: Person,
  now: Person,
  policy: Policy,
  year: number,
  reason: TraceStep,
): Resettlement {
  const start = emptyYearToDate(year);
  const before = settleSequence(claims, was, policy, { start });
  const after = settleSequence(claims, now, policy, { start, trace: true });
  const topUps: TopUp[] = [];
  after.forEach((result, index) => {
    const old = before[index]?.settlement;
    if (!old) return;
    const difference = settlementDifference(result.settlement, old);
    if (Object.values(difference.layers).every((layer) => !layer || layer.paid === 0)) return;
    topUps.push({
      index,
      settlement: difference,
      trace: [
        ...(result.trace ?? []),
        reason,
        {
          layer: 'total',
          rule: '补付 = 按认定后类别重新结算的基金支付 − 按原类别结算的基金支付',
          params: [],
          figures: {
            fundBefore: old.fund_pay_sumamt,
            fundAfter: result.settlement.fund_pay_sumamt,
            topUp: difference.fund_pay_sumamt,
          },
          paid: difference.fund_pay_sumamt,
        },
      ],
    });
  });
  return { topUps, was: before.at(-1)?.ytd ?? start, now: after.at(-1)?.ytd ?? start };
}

const ZERO: LayerResult = { base: 0, paid: 0, payable: 0 };

/** after − before, field by field; the bill is the same, so only what the funds and the person pay can differ. */
export function settlementDifference(after: Settlement, before: Settlement): Settlement {
  const layers = { ...after.layers };
  for (const key of Object.keys(layers) as (keyof Settlement['layers'])[]) {
    if (!after.layers[key] && !before.layers[key]) continue;
    const a = after.layers[key] ?? ZERO;
    const b = before.layers[key] ?? ZERO;
    layers[key] = { base: a.base, payable: a.payable - b.payable, paid: a.paid - b.paid };
  }
  return {
    ...after,
    medfee_sumamt: 0,
    fulamt_ownpay_amt: 0,
    overlmt_selfpay: 0,
    preselfpay_amt: 0,
    inscp_scp_amt: 0,
    act_pay_dedc: after.act_pay_dedc - before.act_pay_dedc,
    hifp_pay: after.hifp_pay - before.hifp_pay,
    hifmi_pay: after.hifmi_pay - before.hifmi_pay,
    maf_pay: after.maf_pay - before.maf_pay,
    oth_pay: after.oth_pay - before.oth_pay,
    fund_pay_sumamt: after.fund_pay_sumamt - before.fund_pay_sumamt,
    psn_part_amt: after.psn_part_amt - before.psn_part_amt,
    acct_pay: after.acct_pay - before.acct_pay,
    psn_cash_pay: after.psn_cash_pay - before.psn_cash_pay,
    hosp_part_amt: after.hosp_part_amt - before.hosp_part_amt,
    layers,
  };
}
