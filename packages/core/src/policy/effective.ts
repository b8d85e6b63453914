/**
 * Tables derived once per policy epoch so the engine only looks things up: the critical-illness deductible,
 * bands and cap each category actually gets once its tilt (倾斜支付) is applied.
 */
import { CATEGORY_CODES, type CategoryCode } from '../codes.js';
import { applyRatio, FULL, UNLIMITED, type Bp, type Fen } from '../money.js';
import type { Band, PolicyRules } from './schema.js';

export interface CriticalIllnessTable {
  /** The category whose tilt applies, or null for the ordinary rule. */
  tiltedFor: CategoryCode | null;
  deductible: Fen;
  bands: Band[];
  cap: Fen;
  convention: PolicyRules['critical_illness']['convention'];
  deductibleFactor: Bp | null;
  ratioPoints: Bp | null;
  ownBands: boolean;
  ownDeductible: boolean;
  noCap: boolean;
}

export interface SpecialDrugTable {
  tiltedFor: CategoryCode | null;
  deductible: Fen;
  ratio: Bp;
  cap: Fen;
}

export interface EffectiveTables {
  criticalIllness: Record<CategoryCode, CriticalIllnessTable>;
  specialDrugs: Record<CategoryCode, SpecialDrugTable> | null;
}

export function deriveTables(rules: PolicyRules): EffectiveTables {
  const ci = rules.critical_illness;
  const criticalIllness = {} as Record<CategoryCode, CriticalIllnessTable>;
  for (const category of CATEGORY_CODES) {
    const tilt = ci.tilts[category];
    const factor = tilt?.deductible_factor ?? null;
    const points = tilt?.ratio_points ?? null;
    const baseBands = tilt?.bands ?? ci.bands;
    criticalIllness[category] = {
      tiltedFor: tilt ? category : null,
      deductible: tilt?.deductible ?? (factor !== null ? applyRatio(ci.deductible, factor) : ci.deductible),
      bands:
        points !== null
          ? baseBands.map((band) => ({ above: band.above, ratio: Math.min(FULL, band.ratio + points) }))
          : baseBands,
      cap: tilt?.no_cap || ci.annual_cap === null ? UNLIMITED : ci.annual_cap,
      convention: ci.convention,
      deductibleFactor: tilt?.deductible === undefined ? factor : null,
      ratioPoints: points,
      ownBands: tilt?.bands !== undefined,
      ownDeductible: tilt?.deductible !== undefined,
      noCap: tilt?.no_cap ?? false,
    };
  }
  const drugs = ci.special_drugs;
  let specialDrugs: Record<CategoryCode, SpecialDrugTable> | null = null;
  if (drugs) {
    specialDrugs = {} as Record<CategoryCode, SpecialDrugTable>;
    for (const category of CATEGORY_CODES) {
      const tilt = drugs.tilts[category];
      specialDrugs[category] = {
        tiltedFor: tilt ? category : null,
        deductible: tilt?.deductible ?? drugs.deductible,
        ratio: tilt?.ratio ?? drugs.ratio,
        cap: tilt?.no_cap || drugs.annual_cap === null ? UNLIMITED : drugs.annual_cap,
      };
    }
  }
  return { criticalIllness, specialDrugs };
}
