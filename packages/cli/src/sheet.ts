/** The Chinese settlement sheet (结算单) printed for each claim. */
import {
  CATEGORY_NAMES,
  describeConfidence,
  describeStep,
  ENCOUNTER_NAMES,
  formatRatio,
  formatYuanGrouped,
  LAYER_NAMES,
  LEVEL_NAMES,
  maskIdNumber,
  MED_TYPES,
  REFERRAL_NAMES,
  activeCategories,
  type Claim,
  type Layer,
  type PolicyAtDate,
  type ScenarioPerson,
  type SettleResult,
} from '@sanbao/core';
import { padEnd, padStart } from './io.js';

const WIDTH = 72;
const AMOUNT_COLUMN = 16;

function row(label: string, fen: number, note = ''): string {
  const left = padEnd(` ${label}`, 30) + note;
  return padEnd(left, WIDTH - AMOUNT_COLUMN) + padStart(formatYuanGrouped(fen), AMOUNT_COLUMN);
}

export function renderSheet(
  index: number,
  count: number,
  claim: Claim,
  person: ScenarioPerson,
  policy: PolicyAtDate,
  result: SettleResult,
): string {
  const s = result.settlement;
  const heavy = '═'.repeat(WIDTH);
  const light = '─'.repeat(WIDTH);
  const active = activeCategories(person.categories, claim.setlDate).map((code) => CATEGORY_NAMES[code]);
  const lines = [
    heavy,
    padEnd(' 城乡居民医保“三重保障”一站式结算单', WIDTH - 14) + padStart(`第 ${index}/${count} 笔`, 14),
    heavy,
    ` 政策      ${policy.name}（${policy.id}，${policy.from} 起适用的取值）`,
    ` 参保人    ${person.psnNo}  ${person.name ?? ''}${person.name ? '  ' : ''}身份证 ${maskIdNumber(person.certno)}  ${person.gender === '1' ? '男' : '女'}  ${person.birthDate}`,
    ` 适用类别  ${CATEGORY_NAMES[s.category]}${active.length > 1 ? `（结算日同时属于：${active.join('、')}；就高不重复）` : ''}`,
    ` 就诊      ${MED_TYPES[claim.medType]?.name ?? ENCOUNTER_NAMES[claim.encounter]}（${claim.medType}）  ${LEVEL_NAMES[claim.level]}${claim.referral ? `  ${REFERRAL_NAMES[claim.referral]}` : ''}  开始 ${claim.admDate}  结算 ${claim.setlDate}`,
    light,
    row('医疗费总额', s.medfee_sumamt),
    row('  全自费', s.fulamt_ownpay_amt),
    row('  超限价自费', s.overlmt_selfpay),
    row('  乙类先行自付', s.preselfpay_amt),
    row('  政策范围内费用', s.inscp_scp_amt),
    light,
  ];
  for (const [layer, name] of Object.entries(LAYER_NAMES) as [Layer, string][]) {
    const amounts = s.layers[layer];
    if (!amounts) continue;
    const note =
      layer === 'basic' && s.pool_prop_selfpay > 0
        ? `起付线 ${formatYuanGrouped(s.act_pay_dedc)}  比例 ${formatRatio(s.pool_prop_selfpay)}`
        : '';
    lines.push(row(name, amounts.paid, note));
  }
  lines.push(light, row('基金支付合计', s.fund_pay_sumamt), row('个人负担（现金支付）', s.psn_part_amt), light);
  if (result.trace) {
    lines.push(' 结算过程');
    const cited = new Map<string, string>();
    result.trace.forEach((traceStep, index) => {
      const [first = '', ...rest] = describeStep(traceStep, 'key');
      lines.push(`  ${index + 1}. ${first}`, ...rest.map((line) => `    ${line.trimStart()}`));
      for (const p of traceStep.params)
        if (p.source) cited.set(p.source.sourceKey, `${p.source.cite}（${describeConfidence(p.source.confidence)}）`);
    });
    lines.push(' 依据', ...[...cited].map(([key, cite]) => `  ${key}：${cite}`), light);
  }
  const ytd = result.ytd;
  lines.push(
    ` ${ytd.year} 年累计  医疗费 ${formatYuanGrouped(ytd.medfee)}  基金支付 ${formatYuanGrouped(ytd.fundPaid)}  个人负担 ${formatYuanGrouped(ytd.personalBurden)}`,
  );
  return `${lines.join('\n')}\n`;
}
