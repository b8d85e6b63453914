/**
 * What a layer of the settlement is, declared in one object by its own file under layers/: settle runs the list
 * of layers (layers/index.ts) in order, each on what the previous left.
 */
import type { CategoryCode, EncounterType, FUND_PAY_TYPES, Layer } from '../codes.js';
import type { PolicyRules } from '../policy/schema.js';
import type { Accumulator, LayerContext } from './context.js';
import type { Settlement } from './types.js';

/** A fund_pay_type of the national interface (setldetail), as the code table lists them. */
export type FundPayType = (typeof FUND_PAY_TYPES)[Layer]['code'];

/** The setlinfo fields the funds' payments are added into. */
export type FundField = keyof Pick<Settlement, 'hifp_pay' | 'hifmi_pay' | 'maf_pay' | 'oth_pay'>;

export interface LayerDefinition<R extends keyof PolicyRules = keyof PolicyRules, A extends Accumulator = Accumulator> {
  /** Its code: the key of Settlement.layers and the layer of its trace steps. */
  readonly layer: Layer;
  /** The fund that pays it (setldetail fund_pay_type) and the setlinfo field its payment counts in. */
  readonly fund: FundPayType;
  readonly field: FundField;
  /** The year-to-date entries it reads and moves; it can move no other. */
  readonly accumulators: readonly A[];
  /** The parts of the policy it reads; it can read no other, and its trace cites nothing outside them. */
  readonly reads: readonly R[];
  /**
   * Whether it can pay anything on a claim of this encounter type for a person of this category, under these
   * rules: asked once per policy epoch, so that a claim runs only the layers that can pay it. It may say yes to a
   * claim it then pays nothing; it must never say no to one it would pay.
   */
  reaches(rules: Pick<PolicyRules, R>, category: CategoryCode, encounter: EncounterType): boolean;
  /** Settles its part of the claim: records what it paid (record) and, when tracing, pushes its steps. */
  settle(context: LayerContext<R, A>): void;
}

/** Declares a layer; the type parameters come from reads and accumulators. */
export function defineLayer<R extends keyof PolicyRules, A extends Accumulator>(
  definition: LayerDefinition<R, A>,
): LayerDefinition<R, A> {
  return definition;
}
