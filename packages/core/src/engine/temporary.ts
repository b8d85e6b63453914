/** Temporary policies with date windows (COVID care until 2023-03-31), dated by admission or by settlement. */
import { applyRatio } from '../money.js';
import type { TemporaryRule } from '../policy/schema.js';
import { param, type Context } from './context.js';

export function temporaryRulesFor(context: Context, type: TemporaryRule['effect']['type']): TemporaryRule[] {
  const rules = context.policy.rules.temporary;
  if (rules.length === 0) return rules;
  const { claim } = context;
  return rules.filter((rule) => {
    if (rule.effect.type !== type || !rule.applies_to.includes(claim.encounter)) return false;
    const date = rule.window.by === 'admission' ? claim.admDate : claim.setlDate;
    if (date < rule.window.from || date > rule.window.until) return false;
    if (rule.levels && !rule.levels.includes(claim.level)) return false;
    return (
      rule.diagnosis_prefixes.length === 0 ||
      claim.diagnoses.some((code) => rule.diagnosis_prefixes.some((prefix) => code.startsWith(prefix)))
    );
  });
}

/** Residual rules pay a share of what is left after every other layer (the fiscal budget's COVID subsidy). */
export function settleTemporaryResidual(context: Context): void {
  let paidTotal = 0;
  let baseFirst = -1;
  for (const rule of temporaryRulesFor(context, 'residual')) {
    if (rule.effect.type !== 'residual') continue;
    const base = context.remaining.base(rule.effect.measure);
    const paid = applyRatio(base, rule.effect.ratio);
    context.remaining.consume(paid);
    if (baseFirst < 0) baseFirst = base;
    paidTotal += paid;
    if (context.trace) {
      const index = context.policy.rules.temporary.indexOf(rule);
      context.trace.push({
        layer: 'temporary',
        rule: `临时政策「${rule.name}」：剩余个人负担 × 补助比例（按${rule.window.by === 'admission' ? '入院' : '结算'}日期 ${rule.window.from} 至 ${rule.window.until}）`,
        params: [param(context, '补助比例', `temporary.${index}.effect.ratio`, rule.effect.ratio, 'bp')],
        figures: { base },
        paid,
      });
    }
  }
  if (baseFirst >= 0) {
    // Already consumed rule by rule above; record only the totals.
    context.layers.temporary = { base: baseFirst, payable: baseFirst, paid: paidTotal };
  }
}
