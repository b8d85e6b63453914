/**
 * The shape a policy takes once resolved for a region and a date: every dated value picked, inheritance applied.
 * Money is written in yuan and becomes fen, ratios are written "85%" and become basis points (values.ts).
 */
import { z } from 'zod';
import { DEPARTMENT_CODES, type Department } from '../ledger/template.js';
import { bands, category, encounters, isoDate, level, money, ratio } from './values.js';

const levelRule = z.object({ deductible: money, ratio, ratio_bands: bands.optional() }).strict();
const referralRule = z.object({ deductible: money, ratio: ratio.optional() }).strict();

const basic = z
  .object({
    inpatient: z
      .object({
        levels: z.object({ township: levelRule, county: levelRule, city: levelRule, province: levelRule }).strict(),
        /** Share of the deductible for the 1st, 2nd, … admission of the year; the last repeats. */
        deductible_by_admission: z.array(ratio).min(1),
        referral: z
          .object({ in_province: referralRule.optional(), out_of_province: referralRule.optional() })
          .strict()
          .optional(),
      })
      .strict(),
    annual_cap: z.object({ amount: money.nullable(), applies_to: encounters }).strict(),
    ordinary_outpatient: z
      .object({
        deductible: money,
        ratio: z.partialRecord(level, ratio),
        annual_limit: money.nullable(),
      })
      .strict()
      .optional(),
    chronic_outpatient: z
      .object({
        default_scheme: z.string(),
        schemes: z.record(
          z.string().regex(/^[a-z_]+$/),
          z.object({ name: z.string(), deductible: money, ratio, annual_limit: money.nullable() }).strict(),
        ),
      })
      .strict()
      .optional(),
  })
  .strict();

const criticalIllnessTilt = z
  .object({
    deductible: money.optional(),
    deductible_factor: ratio.optional(),
    ratio_points: ratio.optional(),
    bands: bands.optional(),
    no_cap: z.boolean().default(false),
  })
  .strict();

const criticalIllness = z
  .object({
    deductible: money,
    /** above_deductible: band edges measured on the cumulative amount above the deductible; cumulative_total: on the cumulative total. */
    convention: z.enum(['above_deductible', 'cumulative_total']),
    bands,
    annual_cap: money.nullable(),
    counts_pre_self_pay: z.boolean(),
    applies_to: encounters,
    tilts: z.partialRecord(category, criticalIllnessTilt).default({}),
    special_drugs: z
      .object({
        deductible: money,
        ratio,
        annual_cap: money.nullable(),
        tilts: z
          .partialRecord(
            category,
            z
              .object({ deductible: money.optional(), ratio: ratio.optional(), no_cap: z.boolean().default(false) })
              .strict(),
          )
          .default({}),
      })
      .strict()
      .optional(),
  })
  .strict();

const measure = z.enum(['in_scope', 'in_scope_and_pre_self_pay', 'all']);

/** What a person's yearly burden is measured on: everything they paid, or its in-scope part. */
const burdenMeasure = z.enum(['personal_burden', 'in_scope_burden']);

/** Assistance on application (依申请): an ordinary insured person whose yearly burden qualifies is given a category. */
const application = z
  .object({
    category,
    measure: burdenMeasure,
    qualifying_burden: money,
    /** From when the category holds: the year's first day (the year's bills are re-settled) or the approval day. */
    category_from: z.enum(['year_start', 'approval']),
  })
  .strict();

const assistance = z
  .object({
    measure: measure.default('in_scope'),
    categories: z.partialRecord(
      category,
      z.object({ deductible: money, ratio, annual_limit: money.nullable(), applies_to: encounters }).strict(),
    ),
    application: application.optional(),
  })
  .strict();

const reAssistance = z
  .object({
    measure: measure.default('in_scope'),
    categories: z.partialRecord(
      category,
      z.object({ threshold: money, ratio, annual_limit: money.nullable(), applies_to: encounters }).strict(),
    ),
  })
  .strict();

const highCostSubsidy = z
  .object({
    categories: z.array(category).min(1),
    threshold: money,
    ratio,
    annual_limit: money.nullable(),
    applies_to: encounters,
    measure: measure.default('in_scope'),
  })
  .strict();

const supplementary = z
  .object({
    name: z.string(),
    deductible: money,
    ratio,
    annual_cap: money.nullable(),
    applies_to: encounters,
    measure: measure.default('in_scope'),
  })
  .strict();

const temporaryRule = z
  .object({
    id: z.string().regex(/^[a-z0-9_]+$/),
    name: z.string(),
    window: z.object({ from: isoDate, until: isoDate, by: z.enum(['admission', 'settlement']) }).strict(),
    applies_to: encounters,
    /** Diagnosis code prefixes (dise_codg) that qualify; empty means every claim. */
    diagnosis_prefixes: z.array(z.string().min(1)).default([]),
    levels: z.array(level).optional(),
    effect: z.discriminatedUnion('type', [
      z
        .object({
          type: z.literal('basic_override'),
          deductible: money,
          ratio,
          annual_limit: money.nullable(),
        })
        .strict(),
      z.object({ type: z.literal('residual'), ratio, measure: measure.default('in_scope') }).strict(),
    ]),
  })
  .strict()
  .refine((rule) => rule.window.from <= rule.window.until, { message: '临时政策的起始日期晚于结束日期' });

const subsidyRule = z.discriminatedUnion('type', [
  z.object({ type: z.literal('full') }).strict(),
  z.object({ type: z.literal('percent'), ratio }).strict(),
  z.object({ type: z.literal('fixed'), amount: money }).strict(),
]);

const cadence = z.enum(['immediate', 'twice_weekly', 'weekly', 'biweekly', 'monthly']);

const warning = z
  .object({
    measure: burdenMeasure,
    populations: z
      .array(
        z
          .object({
            name: z.string(),
            /** The categories of this population; "others" takes everybody not in an earlier population. */
            categories: z.union([z.array(category).min(1), z.literal('others')]),
            thresholds: z.object({ blue: money.optional(), yellow: money, red: money }).strict(),
            screening: cadence,
          })
          .strict(),
      )
      .min(1),
    feedback: z.object({ blue: cadence, yellow: cadence, red: cadence }).strict(),
    /** The department warnings are fed back to, with the person's township. */
    department: z.enum(DEPARTMENT_CODES as [Department, ...Department[]]),
  })
  .strict();

const perLevel = z.object({ township: money, county: money, city: money, province: money }).strict();
const perEncounter = z
  .object({
    inpatient: perLevel,
    ordinary_outpatient: perLevel,
    chronic_outpatient: perLevel,
    special_drug: perLevel,
  })
  .strict();

/** What a bill may plausibly be: the platform refuses what is beyond it instead of paying it. */
const plausibility = z
  .object({
    /** The largest bill of one visit or stay (all its settlements together), by encounter type and level. */
    max_bill: perEncounter,
    /** Above this a bill must come as fee lines: totals alone are refused. */
    totals_only_max: perEncounter,
    /** A mid-settlement (中途结算) settles uploaded fee lines only, never totals. */
    mid_settlement_requires_lines: z.boolean(),
  })
  .strict();

export const policyRulesSchema = z
  .object({
    insutype: z.string().regex(/^\d{3}$/),
    categories: z.object({ precedence: z.array(category).min(1) }).strict(),
    basic,
    critical_illness: criticalIllness,
    assistance,
    re_assistance: reAssistance.optional(),
    high_cost_subsidy: highCostSubsidy.optional(),
    supplementary: supplementary.optional(),
    temporary: z.array(temporaryRule).default([]),
    premium: z
      .object({
        individual: money,
        fiscal: money,
        tiers: z.array(money).min(1).optional(),
        newborn_months: z.number().int().min(0).max(12),
      })
      .strict(),
    subsidy: z
      .object({
        rounding: z.enum(['yuan', 'fen']),
        categories: z.partialRecord(category, subsidyRule),
      })
      .strict(),
    warning: warning.optional(),
    plausibility,
  })
  .strict();

export type PolicyRules = z.output<typeof policyRulesSchema>;
export type Band = PolicyRules['critical_illness']['bands'][number];
export type Measure = z.output<typeof measure>;
export type TemporaryRule = PolicyRules['temporary'][number];
export type SubsidyRule = NonNullable<PolicyRules['subsidy']['categories'][keyof PolicyRules['subsidy']['categories']]>;
export type WarningRules = NonNullable<PolicyRules['warning']>;
export type ApplicationRules = NonNullable<PolicyRules['assistance']['application']>;
export type BurdenMeasure = z.output<typeof burdenMeasure>;
export type Cadence = z.output<typeof cadence>;
export type PlausibilityRules = PolicyRules['plausibility'];
