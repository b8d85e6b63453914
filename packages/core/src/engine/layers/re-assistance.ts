/** Layer 4: re-assistance (再救助, 倾斜救助): what is left after the three guarantees, above a yearly threshold. */
import { CATEGORY_NAMES } from '../../codes.js';
import type { LayerContext } from '../context.js';
import { defineLayer } from '../layer.js';
import { citations, read, readLimit } from '../parameters.js';
import { MEASURE_NAMES, settleThreshold } from '../threshold.js';

export const reAssistance = defineLayer({
  layer: 're_assistance',
  fund: '610102',
  field: 'maf_pay',
  accumulators: ['reAssistance'],
  reads: ['re_assistance'],
  reaches: ({ re_assistance: rules }, category, encounter) =>
    rules?.categories[category]?.applies_to.includes(encounter) ?? false,
  settle(context) {
    const rules = context.rules.re_assistance;
    const rule = rules?.categories[context.category];
    if (!rules || !rule || !rule.applies_to.includes(context.claim.encounter)) return;
    const cited = citations(context.trace);
    const threshold = {
      threshold: read(cited, rule, 'threshold', '门槛', 'fen'),
      ratio: read(cited, rule, 'ratio', '比例', 'bp'),
      limit: readLimit(cited, rule, 'annual_limit', '年度限额'),
      measure: rules.measure,
    };
    settleThreshold(context, 're_assistance', 'reAssistance', threshold, cited, cited ? wording(context) : '');
  },
});

function wording(context: LayerContext<'re_assistance', never>): string {
  const measure = context.rules.re_assistance?.measure ?? 'in_scope';
  return `再救助（${CATEGORY_NAMES[context.category]}）：经三重保障后年度累计${MEASURE_NAMES[measure]}超过门槛部分 × 比例`;
}
