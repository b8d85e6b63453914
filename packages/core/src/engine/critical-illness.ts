/** Layer 2: critical-illness insurance (大病保险), banded on the year's cumulative amount; and its special drugs (特药). */
import { CATEGORY_NAMES } from '../codes.js';
import { UNLIMITED } from '../money.js';
import { bandEntitlement, increment, thresholdEntitlement } from './cumulative.js';
import { param, record, type Context } from './context.js';
import type { TraceParam } from './types.js';

export function settleCriticalIllness(context: Context): void {
  const { claim } = context;
  if (claim.encounter === 'special_drug') {
    settleSpecialDrug(context);
    return;
  }
  const rules = context.policy.rules.critical_illness;
  if (!rules.applies_to.includes(claim.encounter)) return;
  const table = context.policy.tables.criticalIllness[context.category];
  const base = context.remaining.base(rules.counts_pre_self_pay ? 'in_scope_and_pre_self_pay' : 'in_scope');
  const before = context.ytd.criticalIllness;
  const after = before.base + base;
  const step = increment(
    bandEntitlement(before.base, table.deductible, table.bands, table.convention),
    bandEntitlement(after, table.deductible, table.bands, table.convention),
    table.cap,
    before.paid,
  );
  context.ytd.criticalIllness = { base: after, paid: before.paid + step.paid };
  record(context, 'critical_illness', base, Math.min(base, step.limitLeft), step.paid);
  if (context.trace) {
    const tilt = table.tiltedFor;
    const tiltPath = `critical_illness.tilts.${tilt ?? ''}`;
    const params: TraceParam[] = [param(context, '年度起付线', 'critical_illness.deductible', rules.deductible, 'fen')];
    if (tilt) {
      const who = CATEGORY_NAMES[tilt];
      if (table.ownDeductible)
        params.push(param(context, `${who}起付线`, `${tiltPath}.deductible`, table.deductible, 'fen'));
      if (table.deductibleFactor !== null) {
        params.push(param(context, `${who}起付线比例`, `${tiltPath}.deductible_factor`, table.deductibleFactor, 'bp'));
        params.push(param(context, '倾斜后起付线', null, table.deductible, 'fen'));
      }
      if (table.ownBands) params.push(param(context, `${who}分段比例`, `${tiltPath}.bands`, table.bands, 'bands'));
      if (table.ratioPoints !== null)
        params.push(param(context, '各段比例提高', `${tiltPath}.ratio_points`, table.ratioPoints, 'bp'));
    }
    if (!table.ownBands) params.push(param(context, '分段比例', 'critical_illness.bands', table.bands, 'bands'));
    params.push(
      param(
        context,
        '分段口径',
        'critical_illness.convention',
        table.convention === 'above_deductible' ? '按超过起付线的累计金额分段' : '按年度累计总额分段',
        'text',
      ),
    );
    params.push(
      tilt && table.noCap
        ? param(context, '年度封顶', `${tiltPath}.no_cap`, '取消封顶线', 'text')
        : param(
            context,
            '年度封顶',
            'critical_illness.annual_cap',
            rules.annual_cap ?? '不设',
            rules.annual_cap === null ? 'text' : 'fen',
          ),
    );
    context.trace.push({
      layer: 'critical_illness',
      rule: `大病保险：年度累计${rules.counts_pre_self_pay ? '（含乙类先行自付）' : ''}合规个人负担分段支付，本次 = 累计后应付 − 累计前应付`,
      params,
      figures: {
        base,
        cumulativeBefore: before.base,
        cumulativeAfter: after,
        deductible: table.deductible,
        entitlementBefore: step.entitlementBefore,
        entitlementAfter: step.entitlementAfter,
        limitLeft: table.cap === UNLIMITED ? -1 : step.limitLeft,
      },
      paid: step.paid,
    });
  }
}

function settleSpecialDrug(context: Context): void {
  const tables = context.policy.tables.specialDrugs;
  if (!tables) return;
  const table = tables[context.category];
  const base = context.remaining.base('in_scope');
  const before = context.ytd.specialDrugs;
  const after = before.base + base;
  const step = increment(
    thresholdEntitlement(before.base, table.deductible, table.ratio),
    thresholdEntitlement(after, table.deductible, table.ratio),
    table.cap,
    before.paid,
  );
  context.ytd.specialDrugs = { base: after, paid: before.paid + step.paid };
  record(context, 'critical_illness', base, Math.min(base, step.limitLeft), step.paid);
  if (context.trace) {
    const path = table.tiltedFor
      ? `critical_illness.special_drugs.tilts.${table.tiltedFor}`
      : 'critical_illness.special_drugs';
    const rules = context.policy.rules.critical_illness.special_drugs;
    context.trace.push({
      layer: 'critical_illness',
      rule: `大病保险特药：年度累计（特药合规费用 − 起付线）× 支付比例${table.tiltedFor ? `（${CATEGORY_NAMES[table.tiltedFor]}倾斜）` : ''}`,
      params: [
        param(
          context,
          '特药起付线',
          table.tiltedFor && rules?.tilts[table.tiltedFor]?.deductible !== undefined
            ? `${path}.deductible`
            : 'critical_illness.special_drugs.deductible',
          table.deductible,
          'fen',
        ),
        param(
          context,
          '特药支付比例',
          table.tiltedFor && rules?.tilts[table.tiltedFor]?.ratio !== undefined
            ? `${path}.ratio`
            : 'critical_illness.special_drugs.ratio',
          table.ratio,
          'bp',
        ),
        param(
          context,
          '特药年度封顶',
          'critical_illness.special_drugs.annual_cap',
          table.cap === UNLIMITED ? '不设' : table.cap,
          table.cap === UNLIMITED ? 'text' : 'fen',
        ),
      ],
      figures: {
        base,
        cumulativeBefore: before.base,
        cumulativeAfter: after,
        deductible: table.deductible,
        entitlementBefore: step.entitlementBefore,
        entitlementAfter: step.entitlementAfter,
        limitLeft: table.cap === UNLIMITED ? -1 : step.limitLeft,
      },
      paid: step.paid,
    });
  }
}
