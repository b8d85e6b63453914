/** Layer 5: the high-cost subsidy (高额医疗费用补助) for assistance targets, above a yearly threshold. */
import { defineLayer } from '../layer.js';
import { citations, read, readLimit } from '../parameters.js';
import { MEASURE_NAMES, settleThreshold } from '../threshold.js';

export const highCostSubsidy = defineLayer({
  layer: 'high_cost_subsidy',
  fund: '610100',
  field: 'maf_pay',
  accumulators: ['highCostSubsidy'],
  reads: ['high_cost_subsidy'],
  reaches: ({ high_cost_subsidy: rule }, category, encounter) =>
    rule !== undefined && rule.categories.includes(category) && rule.applies_to.includes(encounter),
  settle(context) {
    const rule = context.rules.high_cost_subsidy;
    if (!rule || !rule.categories.includes(context.category) || !rule.applies_to.includes(context.claim.encounter))
      return;
    const cited = citations(context.trace);
    const measure = rule.measure;
    const threshold = {
      threshold: read(cited, rule, 'threshold', '门槛', 'fen'),
      ratio: read(cited, rule, 'ratio', '比例', 'bp'),
      limit: readLimit(cited, rule, 'annual_limit', '年度限额'),
      measure,
    };
    const wording = cited ? `高额医疗费用补助：救助对象年度累计${MEASURE_NAMES[measure]}超过门槛部分 × 比例` : '';
    settleThreshold(context, 'high_cost_subsidy', 'highCostSubsidy', threshold, cited, wording);
  },
});
