/** Layer 6: the city's commercial supplementary insurance (惠民保), for those who bought it, above a deductible. */
import { defineLayer } from '../layer.js';
import { citations, read, readLimit } from '../parameters.js';
import { MEASURE_NAMES, settleThreshold } from '../threshold.js';

export const supplementary = defineLayer({
  layer: 'supplementary',
  fund: '999997',
  field: 'oth_pay',
  accumulators: ['supplementary'],
  reads: ['supplementary'],
  reaches: ({ supplementary: rule }, _category, encounter) => rule?.applies_to.includes(encounter) ?? false,
  settle(context) {
    const rule = context.rules.supplementary;
    if (!rule || !context.person.supplementary || !rule.applies_to.includes(context.claim.encounter)) return;
    const cited = citations(context.trace);
    const measure = rule.measure;
    const threshold = {
      threshold: read(cited, rule, 'deductible', '年度免赔额', 'fen'),
      ratio: read(cited, rule, 'ratio', '比例', 'bp'),
      limit: readLimit(cited, rule, 'annual_cap', '年度限额'),
      measure,
    };
    const wording = cited
      ? `商业补充保险「${rule.name}」：年度累计${MEASURE_NAMES[measure]}超过免赔额部分 × 赔付比例`
      : '';
    settleThreshold(context, 'supplementary', 'supplementary', threshold, cited, wording);
  },
});
