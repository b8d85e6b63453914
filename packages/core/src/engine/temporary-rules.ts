/** Temporary policies with date windows (COVID care until 2023-03-31), dated by admission or by settlement. */
import type { TemporaryRule } from '../policy/schema.js';
import type { LayerContext } from './context.js';

const NONE: readonly TemporaryRule[] = [];

/** The temporary rules of one effect that apply to the claim, in the policy's order. */
export function temporaryRulesFor(
  context: LayerContext<'temporary', never>,
  type: TemporaryRule['effect']['type'],
): readonly TemporaryRule[] {
  const rules = context.rules.temporary;
  if (rules.length === 0) return NONE;
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
