/**
 * Layer 7: temporary residual rules pay a share of what is left after every other layer (the fiscal budget's COVID
 * subsidy).
 */
import { applyRatio } from '../../money.js';
import { keep } from '../context.js';
import { defineLayer } from '../layer.js';
import { citations, read } from '../parameters.js';
import { temporaryRulesFor } from '../temporary-rules.js';

export const temporary = defineLayer({
  layer: 'temporary',
  fund: '360100',
  field: 'oth_pay',
  accumulators: [],
  reads: ['temporary'],
  reaches: ({ temporary: rules }, _category, encounter) =>
    rules.some((rule) => rule.effect.type === 'residual' && rule.applies_to.includes(encounter)),
  settle(context) {
    let paidTotal = 0;
    let baseFirst = -1;
    const rules = temporaryRulesFor(context, 'residual');
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i] as (typeof rules)[number];
      const effect = rule.effect;
      if (effect.type !== 'residual') continue;
      const cited = citations(context.trace);
      const ratio = read(cited, effect, 'ratio', '补助比例', 'bp');
      const base = context.remaining.base(effect.measure);
      const paid = applyRatio(base, ratio);
      context.remaining.consume(paid);
      if (baseFirst < 0) baseFirst = base;
      paidTotal += paid;
      if (context.trace && cited) {
        const { name, window } = rule;
        context.trace.push({
          layer: 'temporary',
          rule: `临时政策「${name}」：剩余个人负担 × 补助比例（按${window.by === 'admission' ? '入院' : '结算'}日期 ${window.from} 至 ${window.until}）`,
          params: cited,
          figures: { base },
          paid,
        });
      }
    }
    // Already taken rule by rule above: keep only the totals.
    if (baseFirst >= 0) keep(context, 'temporary', baseFirst, baseFirst, paidTotal);
  },
});
