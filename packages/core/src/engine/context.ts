import type { CategoryCode, Layer } from '../codes.js';
import { problem, SanbaoError } from '../errors.js';
import type { Bp, Fen } from '../money.js';
import type { EffectiveTables } from '../policy/effective.js';
import type { Measure, PolicyRules } from '../policy/schema.js';
import type { Memo } from './parameters.js';
import type { Claim, LayerResult, Person, TraceStep, YearToDate } from './types.js';

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

/** A year-to-date entry a layer may move: every field but the year. */
export type Accumulator = Exclude<keyof YearToDate, 'year'>;

/** The state one settlement works on; ytd is this settlement's own copy, replaced field by field. */
export interface Context {
  claim: Claim;
  person: Person;
  /** The policy's rules and tables for the settlement date. */
  rules: PolicyRules;
  tables: EffectiveTables;
  category: CategoryCode;
  /** policy.memo: what the engine works out once per epoch. */
  memo: Memo;
  /** The category's place in the policy's precedence, -1 for ordinary: how the layers it can reach are found. */
  rank: number;
  ytd: { -readonly [K in keyof YearToDate]: YearToDate[K] };
  remaining: Remaining;
  layers: Record<Layer, LayerResult | undefined>;
  trace: TraceStep[] | null;
  /** What the layers recorded as paid, in all: it must be what they took from the claim. */
  recorded: Fen;
  /** What the basic layer says for the whole settlement: act_pay_dedc and pool_prop_selfpay. */
  deductiblePaid: Fen;
  ratio: Bp;
}

/**
 * What a layer's settle function sees: the parts of the policy it declares it reads and the year-to-date entries
 * it declares it moves, so that reading or moving anything else does not compile.
 */
export interface LayerContext<R extends keyof PolicyRules, A extends Accumulator> {
  readonly claim: Claim;
  readonly person: Person;
  readonly rules: Pick<PolicyRules, R>;
  readonly tables: EffectiveTables;
  readonly category: CategoryCode;
  readonly memo: Memo;
  readonly ytd: Pick<Context['ytd'], A>;
  readonly remaining: Remaining;
  readonly layers: Record<Layer, LayerResult | undefined>;
  readonly trace: TraceStep[] | null;
  recorded: Fen;
  deductiblePaid: Fen;
  ratio: Bp;
}

type Recorder = Pick<Context, 'remaining' | 'layers' | 'recorded'>;

/** Records what a layer paid: consumes it from what is left and keeps its amounts for the settlement. */
export function record(context: Recorder, layer: Layer, base: Fen, payable: Fen, paid: Fen): LayerResult {
  if (!(paid >= 0 && paid <= payable && payable <= base && Number.isSafeInteger(paid))) {
    throw new SanbaoError([
      problem('INVARIANT', `${layer} 支付 ${paid} 超出可支付 ${payable} 或基数 ${base}（程序错误）`),
    ]);
  }
  context.remaining.consume(paid);
  const result = { base, payable, paid };
  context.layers[layer] = result;
  context.recorded += paid;
  return result;
}

/** Keeps the amounts of what a layer already took from what is left (a layer paying in several parts). */
export function keep(context: Recorder, layer: Layer, base: Fen, payable: Fen, paid: Fen): LayerResult {
  const result = { base, payable, paid };
  context.layers[layer] = result;
  context.recorded += paid;
  return result;
}
