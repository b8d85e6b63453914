/**
 * Yearly layers pay on the cumulative amount, not claim by claim: a claim is paid the growth of the year's
 * entitlement, E(after) − E(before), clipped to the limit left. Because E is rounded once per band on the
 * cumulative amount, one stay of 100k and two of 50k pay exactly the same yearly total, to the fen.
 */
import { applyRatio, type Bp, type Fen } from '../money.js';
import type { Band } from '../policy/schema.js';

export type Convention = 'above_deductible' | 'cumulative_total';

/** The year's entitlement on a cumulative amount: Σ bands (part of the amount in the band × ratio), half-up per band. */
export function bandEntitlement(cumulative: Fen, deductible: Fen, bands: readonly Band[], convention: Convention): Fen {
  // Band edges are measured on the amount above the deductible, or on the whole cumulative amount.
  const measured = convention === 'above_deductible' ? cumulative - deductible : cumulative;
  const floor = convention === 'above_deductible' ? 0 : deductible;
  let total = 0;
  for (let i = 0; i < bands.length; i++) {
    const band = bands[i] as Band;
    const next = bands[i + 1];
    const low = band.above > floor ? band.above : floor;
    const high = next === undefined ? measured : next.above < measured ? next.above : measured;
    if (high > low) total += applyRatio(high - low, band.ratio);
  }
  return total;
}

/** Entitlement above a yearly threshold at one ratio. */
export function thresholdEntitlement(cumulative: Fen, threshold: Fen, ratio: Bp): Fen {
  return cumulative > threshold ? applyRatio(cumulative - threshold, ratio) : 0;
}

export interface Increment {
  entitlementBefore: Fen;
  entitlementAfter: Fen;
  limitLeft: Fen;
  paid: Fen;
}

/** What one claim adds to a yearly entitlement, within the limit left (limit − paid so far). */
export function increment(entitlementBefore: Fen, entitlementAfter: Fen, limit: Fen, paidSoFar: Fen): Increment {
  const limitLeft = limit > paidSoFar ? limit - paidSoFar : 0;
  const growth = entitlementAfter - entitlementBefore;
  const paid = growth < 0 ? 0 : growth < limitLeft ? growth : limitLeft;
  return { entitlementBefore, entitlementAfter, limitLeft, paid };
}
