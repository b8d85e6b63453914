/** Turns the engine's trace into Chinese lines a clerk can check with a desk calculator, and the interface's setl_proc_info. */
import { FUND_PAY_TYPES, type Layer } from '../codes.js';
import { formatRatio, formatYuan } from '../money.js';
import type { Band } from '../policy/schema.js';
import type { TraceParam, TraceStep } from './types.js';

const CONFIDENCE_NAMES = { seed: '原始文件', public: '公开文件', assumed: '暂定' } as const;

/** How a parameter's source is cited: in full, or by its key (a sheet lists the keys once at its foot). */
export type CiteStyle = 'full' | 'key';

export function describeParam(p: TraceParam, cite: CiteStyle = 'full'): string {
  const value = formatValue(p);
  if (!p.source) return `${p.name} ${value}`;
  const confidence = CONFIDENCE_NAMES[p.source.confidence];
  return cite === 'key'
    ? `${p.name} ${value}〔${p.source.sourceKey}·${confidence}〕`
    : `${p.name} ${value}（依据：${p.source.cite}，${confidence}，${p.source.from} 起）`;
}

export function describeConfidence(confidence: keyof typeof CONFIDENCE_NAMES): string {
  return CONFIDENCE_NAMES[confidence];
}

function formatValue(p: TraceParam): string {
  const { value } = p;
  if (typeof value === 'string') return value;
  if (typeof value !== 'number') return formatBands(value);
  switch (p.unit) {
    case 'fen':
      return `${formatYuan(value)} 元`;
    case 'bp':
      return formatRatio(value);
    case 'bands':
    case 'count':
    case 'text':
      return String(value);
  }
}

export function formatBands(bands: readonly Band[]): string {
  return bands
    .map((band, i) => {
      const next = bands[i + 1];
      return `${formatYuan(band.above)}${next ? `–${formatYuan(next.above)}` : ' 以上'} ${formatRatio(band.ratio)}`;
    })
    .join('；');
}

const FIGURE_NAMES: Record<string, string> = {
  medfee: '医疗费总额',
  fullOwnPay: '全自费',
  overLimit: '超限价自费',
  preSelfPay: '乙类先行自付',
  inScope: '政策范围内费用',
  base: '本次计算基数',
  deductible: '起付线',
  deductiblePaid: '本次支付起付线',
  above: '起付线以上金额',
  entitled: '按比例应付',
  cumulativeBefore: '年度累计基数（本次前）',
  cumulativeAfter: '年度累计基数（本次后）',
  entitlementBefore: '累计应付（本次前）',
  entitlementAfter: '累计应付（本次后）',
  limitLeft: '年度限额余额',
  hifp: '统筹基金',
  hifmi: '大病保险',
  maf: '医疗救助',
  oth: '其他支付',
  fund: '基金支付合计',
  personal: '个人负担',
  yearPersonalBurden: '年度累计个人负担',
  burden: '申请时年度负担',
  fundBefore: '原结算基金支付',
  fundAfter: '重新结算基金支付',
  topUp: '补付金额',
};

/** One step as Chinese lines: the rule, the parameters with their sources, the figures, the amount paid. */
export function describeStep(step: TraceStep, cite: CiteStyle = 'full'): string[] {
  const lines = [step.rule];
  for (const p of step.params) lines.push(`  · ${describeParam(p, cite)}`);
  const figures = Object.entries(step.figures)
    .filter(([name, value]) => !(name === 'limitLeft' && value < 0))
    .map(([name, value]) => `${FIGURE_NAMES[name] ?? name} ${formatYuan(value)}`);
  if (figures.length > 0) lines.push(`  · ${figures.join('，')}`);
  if (step.layer !== 'scope' && step.layer !== 'category' && step.layer !== 'total')
    lines.push(`  = 本次支付 ${formatYuan(step.paid)} 元`);
  return lines;
}

/** setl_proc_info of one fund_pay_type: the steps of the layers that fund pays. */
export function processInfo(trace: readonly TraceStep[], fundPayType: string): string {
  const text = trace
    .filter((step) => step.layer in FUND_PAY_TYPES && FUND_PAY_TYPES[step.layer as Layer].code === fundPayType)
    .map((step) => describeStep(step).join(' '))
    .join(' ');
  return text.length > 4000 ? `${text.slice(0, 3999)}…` : text;
}
