import type { CategoryCode, Layer } from '../codes.js';
import { problem, SanbaoError } from '../errors.js';
import type { Fen } from '../money.js';
import type { PolicyAtDate } from '../policy/resolve.js';
import type { Measure } from '../policy/schema.js';
import type { Claim, LayerResult, Person, TraceParam, TraceStep, YearToDate } from './types.js';

/**
 * What is still unpaid of a claim, by kind. A layer measures its base on the kinds its policy names and consumes
 * what it pays in-scope first, so no layer can pay more than the previous ones left.
 */
export class Remaining {
  constructor(
    public inScope: Fen,
    public preSelfPay: Fen,
    public overLimit: Fen,
    public fullOwnPay: Fen,
  ) {}

  base(measure: Measure): Fen {
    switch (measure) {
      case 'in_scope':
        return this.inScope;
      case 'in_scope_and_pre_self_pay':
        return this.inScope + this.preSelfPay;
      case 'all':
        return this.inScope + this.preSelfPay + this.overLimit + this.fullOwnPay;
    }
  }

  consume(amount: Fen): void {
    let left = amount;
    let taken = left < this.inScope ? left : this.inScope;
    this.inScope -= taken;
    left -= taken;
    if (left === 0) return;
    taken = left < this.preSelfPay ? left : this.preSelfPay;
    this.preSelfPay -= taken;
    left -= taken;
    taken = left < this.overLimit ? left : this.overLimit;
    this.overLimit -= taken;
    left -= taken;
    taken = left < this.fullOwnPay ? left : this.fullOwnPay;
    this.fullOwnPay -= taken;
    left -= taken;
    if (left !== 0) throw new Error(`layer paid ${left} fen more than what was left`);
  }

  total(): Fen {
    return this.inScope + this.preSelfPay + this.overLimit + this.fullOwnPay;
  }
}

/** The state one settlement works on; ytd is this settlement's own copy, replaced field by field. */
export interface Context {
  claim: Claim;
  person: Person;
  policy: PolicyAtDate;
  category: CategoryCode;
  ytd: { -readonly [K in keyof YearToDate]: YearToDate[K] };
  remaining: Remaining;
  layers: Record<Layer, LayerResult | undefined>;
  trace: TraceStep[] | null;
}

export function param(
  context: Context,
  name: string,
  path: string | null,
  value: TraceParam['value'],
  unit: TraceParam['unit'],
): TraceParam {
  return { name, path, value, unit, source: path === null ? undefined : context.policy.source(path) };
}

/** Records what a layer paid: consumes it from what is left and keeps its amounts for the settlement. */
export function record(context: Context, layer: Layer, base: Fen, payable: Fen, paid: Fen): LayerResult {
  if (!(paid >= 0 && paid <= payable && payable <= base && Number.isSafeInteger(paid))) {
    throw new SanbaoError([
      problem('INVARIANT', `${layer} 支付 ${paid} 超出可支付 ${payable} 或基数 ${base}（程序错误）`),
    ]);
  }
  context.remaining.consume(paid);
  const result = { base, payable, paid };
  context.layers[layer] = result;
  return result;
}
