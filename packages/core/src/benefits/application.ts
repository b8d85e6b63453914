/**
 * Assistance on application (依申请救助): an ordinary insured person whose yearly burden is above the policy's line
 * applies; once approved they hold the policy's category (因病致贫重病患者) for that year, from the day it says.
 */
import { CATEGORY_NAMES } from '../codes.js';
import { decidingCategory } from '../engine/settle.js';
import type { CategorySpell, TraceStep, YearToDate } from '../engine/types.js';
import { formatYuan, type Fen } from '../money.js';
import type { PolicyAtDate } from '../policy/resolve.js';
import type { ApplicationRules, BurdenMeasure } from '../policy/schema.js';

export const BURDEN_NAMES: Record<BurdenMeasure, string> = {
  personal_burden: '个人自付费用',
  in_scope_burden: '政策范围内个人负担',
};

export function burdenOf(measure: BurdenMeasure, ytd: Pick<YearToDate, 'personalBurden' | 'inScopeBurden'>): Fen {
  return measure === 'personal_burden' ? ytd.personalBurden : ytd.inScopeBurden;
}

export interface ApplicationRefusal {
  code: 'APPLICATION_NOT_OFFERED' | 'APPLICATION_NOT_ELIGIBLE';
  message: string;
}

/**
 * Why a person cannot apply (or be approved) for `year` on `date`, or null when they can. `policy` is the policy on
 * the last day that counts (the date, or the year's last day for a past year); `ytd` is the person's year.
 */
export function refuseApplication(
  policy: PolicyAtDate,
  spells: readonly CategorySpell[],
  year: number,
  date: string,
  ytd: Pick<YearToDate, 'personalBurden' | 'inScopeBurden'>,
): ApplicationRefusal | null {
  const rules = policy.rules.assistance.application;
  if (!rules) return { code: 'APPLICATION_NOT_OFFERED', message: `${policy.name}未规定依申请医疗救助` };
  const refuse = (message: string): ApplicationRefusal => ({ code: 'APPLICATION_NOT_ELIGIBLE', message });
  if (year > Number(date.slice(0, 4))) return refuse(`不能申请未来年度（${year}年）的救助`);
  if (rules.category_from === 'approval' && year < Number(date.slice(0, 4)))
    return refuse(`本地依申请救助自批准之日起享受，只受理当年的申请`);
  const onDate = year < Number(date.slice(0, 4)) ? `${year}-12-31` : date;
  const category = decidingCategory(spells, onDate, policy.rules.categories.precedence);
  if (category === rules.category) return refuse(`已认定为${CATEGORY_NAMES[category]}，无需再申请`);
  if (policy.rules.assistance.categories[category])
    return refuse(`属于${CATEGORY_NAMES[category]}，已按其类别享受医疗救助，无需申请`);
  const burden = burdenOf(rules.measure, ytd);
  if (burden <= rules.qualifying_burden) {
    return refuse(
      `${year}年度${BURDEN_NAMES[rules.measure]} ${formatYuan(burden)} 元，未超过依申请救助标准 ${formatYuan(rules.qualifying_burden)} 元`,
    );
  }
  return null;
}

/** The category an approval gives: for the application's year, from its first day or from the approval day. */
export function approvedSpell(rules: ApplicationRules, year: number, approvalDate: string): CategorySpell {
  return {
    code: rules.category,
    begin: rules.category_from === 'year_start' ? `${year}-01-01` : approvalDate,
    end: `${year}-12-31`,
  };
}

/** The trace step that says why the year was settled again: the approval and the rule it follows. */
export function approvalStep(
  policy: PolicyAtDate,
  rules: ApplicationRules,
  spell: CategorySpell,
  burden: Fen,
): TraceStep {
  const source = policy.source('assistance.application');
  return {
    layer: 'category',
    rule: `依申请救助：${BURDEN_NAMES[rules.measure]}超过认定标准，经审核认定为${CATEGORY_NAMES[spell.code]}（${spell.begin} 至 ${spell.end ?? '长期'}），按认定后类别重新结算`,
    params: [
      {
        name: '认定标准',
        path: 'assistance.application.qualifying_burden',
        value: rules.qualifying_burden,
        unit: 'fen',
        source,
      },
      {
        name: '认定类别',
        path: 'assistance.application.category',
        value: CATEGORY_NAMES[spell.code],
        unit: 'text',
        source,
      },
    ],
    figures: { burden },
    paid: 0,
  };
}
