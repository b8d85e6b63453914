/** Layer 3: medical assistance (医疗救助) by the person's category, above a yearly deductible. */
import { CATEGORY_NAMES, ENCOUNTER_NAMES } from '../../codes.js';
import type { LayerContext } from '../context.js';
import { defineLayer } from '../layer.js';
import { citations, read, readLimit } from '../parameters.js';
import { MEASURE_NAMES, settleThreshold } from '../threshold.js';

export const assistance = defineLayer({
  layer: 'assistance',
  fund: '610100',
  field: 'maf_pay',
  accumulators: ['assistance'],
  reads: ['assistance'],
  reaches: ({ assistance }, category, encounter) =>
    assistance.categories[category]?.applies_to.includes(encounter) ?? false,
  settle(context) {
    const rules = context.rules.assistance;
    const rule = rules.categories[context.category];
    if (!rule || !rule.applies_to.includes(context.claim.encounter)) return;
    const cited = citations(context.trace);
    const threshold = {
      threshold: read(cited, rule, 'deductible', '年度起付线', 'fen'),
      ratio: read(cited, rule, 'ratio', '比例', 'bp'),
      limit: readLimit(cited, rule, 'annual_limit', '年度限额'),
      measure: rules.measure,
    };
    settleThreshold(context, 'assistance', 'assistance', threshold, cited, cited ? wording(context) : '');
  },
});

function wording(context: LayerContext<'assistance', never>): string {
  const rules = context.rules.assistance;
  const shared = (rules.categories[context.category]?.applies_to ?? []).map((type) => ENCOUNTER_NAMES[type]).join('、');
  return `医疗救助（${CATEGORY_NAMES[context.category]}）：年度累计${MEASURE_NAMES[rules.measure]}超过起付线部分 × 救助比例，${shared}共用年度限额`;
}
