/**
 * What is derived once per policy epoch so the engine only looks things up: the path and source of every value,
 * and the critical-illness deductible, bands and cap each category actually gets once its tilt (倾斜支付) is applied.
 */
import { CATEGORY_CODES, type CategoryCode } from '../codes.js';
import { problem, SanbaoError } from '../errors.js';
import { applyRatio, FULL, UNLIMITED, type Bp, type Fen } from '../money.js';
import type { Provenance } from './resolve.js';
import type { Band, PolicyRules } from './schema.js';

/** Where one value of a resolved policy sits and comes from, worked out once when the epoch is compiled. */
export interface ParamInfo {
  /** "basic.inpatient.levels.county.deductible": the path the trace cites, one string per epoch. */
  readonly path: string;
  readonly source: Provenance | undefined;
  /** Where the engine keeps its last citation of the value, to cite it again without a new object. */
  cited: unknown;
}

/** The key under which every object of a resolved policy keeps its members' ParamInfo (see annotate). */
export const PARAMS: unique symbol = Symbol('sanbao.params');

/** An object of the resolved policy with its members' paths and sources. */
export type Annotated = { readonly [PARAMS]?: Readonly<Record<string, ParamInfo>> };

/**
 * Gives every object and list of the resolved rules the path and source of each of its members, once per epoch, so
 * that the engine reads values where they are and cites them without building a path. The annotation is not
 * enumerable: JSON, Object.keys and comparisons do not see it.
 */
export function annotate(rules: PolicyRules, source: (path: string) => Provenance | undefined): void {
  const seen = new Set<object>();
  const walk = (value: object, path: string): void => {
    // One object at two paths would cite one of them for both.
    if (seen.has(value))
      throw new SanbaoError([problem('INVARIANT', `政策取值 ${path} 与另一处共用同一对象（程序错误）`)]);
    seen.add(value);
    const params: Record<string, ParamInfo> = {};
    for (const [key, child] of Object.entries(value)) {
      if (child === undefined) continue;
      const at = path ? `${path}.${key}` : key;
      params[key] = { path: at, source: source(at), cited: undefined };
      if (child !== null && typeof child === 'object') walk(child as object, at);
    }
    Object.defineProperty(value, PARAMS, { value: params });
  };
  walk(rules, '');
}

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
  /** What the engine cites for this table (the values it was derived from), made on first use: the same every time. */
  cited: unknown;
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
      cited: undefined,
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
