/**
 * A trace in the console's units — a settlement's at /api/settlements/…, a top-up's in an application: each
 * rule, each parameter with its value (amounts in yuan, ratios as four-place decimals) and source document, the
 * figures and what the step paid in yuan text, and the Chinese explanation.
 */
import {
  citedSource,
  describeStep,
  formatBands,
  LAYER_NAMES,
  shownFigures,
  type TraceParam,
  type TraceStep,
} from '@sanbao/core';
import { z } from 'zod';
import { ratio, Yuan, yuan } from '../console/units.js';

/** A parameter's value as text in the API's units: yuan, a four-place ratio, bands, a count or text. */
function paramValue(p: TraceParam): string {
  if (typeof p.value === 'string') return p.value;
  if (typeof p.value !== 'number') return formatBands(p.value);
  if (p.unit === 'fen') return yuan(p.value);
  if (p.unit === 'bp') return ratio(p.value);
  return String(p.value);
}

export const TraceStepAnswer = z.object({
  layer: z.string().describe('层次：scope 费用分类、category 人员类别、basic 基本医保、critical_illness 大病保险 …'),
  rule: z.string().describe('所用规则'),
  params: z.array(
    z.object({
      name: z.string().describe('参数名称'),
      path: z.string().nullable().describe('政策文件中的参数路径'),
      unit: z.string().describe('fen 金额（元）、bp 比例、count 次数、text 文本、bands 分段'),
      value: z.string().describe('参数值（金额为元，比例为四位小数）'),
      source: z
        .object({
          cite: z.string().describe('依据文件'),
          confidence: z.string().describe('seed 原始文件、public 公开文件、assumed 暂定'),
          from: z.string().describe('起始日期'),
          file: z.string().describe('政策文件'),
          line: z.number().int().describe('所在行'),
        })
        .nullable(),
    }),
  ),
  figures: z.record(z.string(), Yuan).describe('本步骤的计算数（元）'),
  paid: Yuan.describe('本步骤支付（元）'),
  text: z.array(z.string()).describe('中文说明，逐行'),
});

export function traceAnswer(trace: readonly TraceStep[]): z.input<typeof TraceStepAnswer>[] {
  return trace.map((step) => ({
    layer: step.layer,
    rule: step.rule,
    params: step.params.map((p) => ({
      name: p.name,
      path: p.path,
      unit: p.unit,
      value: paramValue(p),
      source: citedSource(p),
    })),
    figures: Object.fromEntries(shownFigures(step).map(([name, value]) => [name, yuan(value)])),
    paid: yuan(step.paid),
    text: describeStep(step),
  }));
}

/**
 * Plain-language hints beside the computed amounts, from the figures of the trace: each layer's remaining yearly
 * limit before and after this settlement, and where a yearly deductible is measured on the year's accumulation, how
 * far the year had come before this bill (累计，不含本次) and how much is still short of it.
 */
export function hintsOf(trace: readonly TraceStep[]): string[] {
  const hints: string[] = [];
  for (const step of trace) {
    if (step.layer === 'scope' || step.layer === 'category' || step.layer === 'total') continue;
    const name = LAYER_NAMES[step.layer];
    const f = step.figures;
    const before = f['cumulativeBefore'];
    const after = f['cumulativeAfter'];
    const deductible = f['deductible'];
    if (before !== undefined && after !== undefined && deductible !== undefined && deductible > 0) {
      const short = deductible - after;
      hints.push(
        `${name}：年度累计计算基数（不含本次）${yuan(before)} 元，本次后 ${yuan(after)} 元；年度起付线 ${yuan(deductible)} 元${short > 0 ? `，尚差 ${yuan(short)} 元` : '，已达到'}`,
      );
    }
    const left = f['limitLeft'];
    if (left !== undefined && left >= 0)
      hints.push(
        `${name}：年度支付限额余额（本次结算前）${yuan(left)} 元，本次支付后 ${yuan(Math.max(0, left - step.paid))} 元`,
      );
  }
  return hints;
}
