/**
 * What medical assistance, re-assistance, the high-cost subsidy and supplementary insurance share: each pays a ratio
 * of the year's cumulative burden above a yearly threshold, within a yearly limit. One mechanism, four layers (each
 * in its own file under layers/, with its own parameters).
 */
import type { Layer } from '../codes.js';
import { UNLIMITED, type Bp, type Fen } from '../money.js';
import type { Measure } from '../policy/schema.js';
import { record, type LayerContext } from './context.js';
import { increment, thresholdEntitlement } from './cumulative.js';
import type { Citations } from './parameters.js';
import type { SchemeToDate } from './types.js';

/** The year-to-date entries of the threshold layers. */
export type ThresholdAccumulator = 'assistance' | 'reAssistance' | 'highCostSubsidy' | 'supplementary';

export const MEASURE_NAMES: Record<Measure, string> = {
  in_scope: '政策范围内个人负担',
  in_scope_and_pre_self_pay: '政策范围内个人负担（含乙类先行自付）',
  all: '个人负担（含自费）',
};

export interface Threshold {
  threshold: Fen;
  ratio: Bp;
  /** null: no yearly limit. */
  limit: Fen | null;
  measure: Measure;
}

/**
 * Pays the growth of the year's entitlement above the threshold and moves the accumulator; when tracing, pushes the
 * step with what the layer cited while reading its parameters and its rule (worded by the layer only when tracing).
 */
export function settleThreshold<A extends ThresholdAccumulator>(
  context: LayerContext<never, A>,
  layer: Layer,
  accumulator: A,
  { threshold, ratio, limit, measure }: Threshold,
  cited: Citations,
  rule: string,
): void {
  const base = context.remaining.base(measure);
  const ytd: Pick<Record<ThresholdAccumulator, SchemeToDate>, A> = context.ytd;
  const before = ytd[accumulator];
  const after = before.base + base;
  const step = increment(
    thresholdEntitlement(before.base, threshold, ratio),
    thresholdEntitlement(after, threshold, ratio),
    limit ?? UNLIMITED,
    before.paid,
  );
  ytd[accumulator] = { base: after, paid: before.paid + step.paid };
  record(context, layer, base, Math.min(base, step.limitLeft), step.paid);
  if (context.trace && cited) {
    context.trace.push({
      layer,
      rule,
      params: cited,
      figures: {
        base,
        cumulativeBefore: before.base,
        cumulativeAfter: after,
        entitlementBefore: step.entitlementBefore,
        entitlementAfter: step.entitlementAfter,
        limitLeft: limit === null ? -1 : step.limitLeft,
      },
      paid: step.paid,
    });
  }
}
