/**
 * The claims of a scenario: their shape, and their reading once the shape holds — codes known, dates valid and in
 * order, amounts in yuan with at most two decimals, and the totals a HIS sends consistent with the fee lines they
 * come from (splitItems). Every problem is reported with its path; scenario.ts turns paths into lines.
 */
import { z } from 'zod';
import {
  CHRGITM_LV,
  INSTITUTION_LEVELS,
  MED_TYPES,
  REFERRAL_NAMES,
  type InstitutionLevel,
  type Referral,
} from './codes.js';
import type { ErrorCode } from './errors.js';
import { isValidDate } from './ids.js';
import { splitFeeLine } from './fee-lines.js';
import { COUNT_SCALE, formatYuan, MICRO_PER_FEN, parseRatio, parseYuan, type Fen } from './money.js';
import type { Claim } from './engine/types.js';

const amount = z.union([z.number(), z.string()]);
const itemSchema = z
  .object({
    med_list_codg: z.string().optional(),
    medins_list_codg: z.string().optional(),
    chrgitm_lv: z.string(),
    det_item_fee_sumamt: amount,
    cnt: z.number().optional(),
    pric: amount.optional(),
    pric_uplmt_amt: amount.optional(),
    selfpay_prop: z.union([z.number(), z.string()]).optional(),
  })
  .strict();

export const claimSchema = z
  .object({
    med_type: z.string(),
    setl_time: z.string(),
    begntime: z.string(),
    institution_level: z.string(),
    referral: z.string().nullable().optional(),
    medfee_sumamt: amount,
    fulamt_ownpay_amt: amount.optional(),
    overlmt_selfpay: amount.optional(),
    preselfpay_amt: amount.optional(),
    inscp_scp_amt: amount.optional(),
    dise_codg: z.union([z.string(), z.array(z.string())]).optional(),
    chronic_scheme: z.string().optional(),
    items: z.array(itemSchema).default([]),
  })
  .strict();

export type Report = (code: ErrorCode, message: string, path: (string | number)[]) => void;

/** Accepts yyyy-MM-dd or the interface's yyyy-MM-dd HH:mm:ss; the engine works with the date. */
function dateOf(text: string): string | null {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$/.exec(text);
  return match?.[1] && isValidDate(match[1]) ? match[1] : null;
}

/** The claims, in the engine's terms; what is wrong is reported, and the claim read as well as it can be. */
export function readClaims(raws: z.output<typeof claimSchema>[], report: Report): Claim[] {
  let badAmounts = 0;
  const money = (value: unknown, path: (string | number)[]): Fen => {
    const parsed = parseYuan(value);
    if (parsed.ok) return parsed.value;
    badAmounts += 1;
    const code =
      parsed.reason === 'decimals'
        ? 'AMOUNT_DECIMALS'
        : parsed.reason === 'negative'
          ? 'AMOUNT_NEGATIVE'
          : 'AMOUNT_FORMAT';
    report(
      code,
      `${{ AMOUNT_DECIMALS: '金额最多两位小数', AMOUNT_NEGATIVE: '金额不能为负数', AMOUNT_FORMAT: '金额格式错误' }[code]}，收到 ${JSON.stringify(value)}`,
      path,
    );
    return 0;
  };
  const claims: Claim[] = [];
  let previousDate = '';
  raws.forEach((raw, index) => {
    const at = (...rest: (string | number)[]): (string | number)[] => ['claims', index, ...rest];
    const medType = MED_TYPES[raw.med_type];
    if (!medType)
      report(
        'CODE_UNKNOWN',
        `未知的医疗类别 ${raw.med_type}（可用：${Object.keys(MED_TYPES).join('、')}）`,
        at('med_type'),
      );
    if (!(INSTITUTION_LEVELS as string[]).includes(raw.institution_level)) {
      report(
        'CODE_UNKNOWN',
        `未知的医疗机构级别 ${raw.institution_level}（可用：${INSTITUTION_LEVELS.join('、')}）`,
        at('institution_level'),
      );
    }
    const referral = raw.referral ?? null;
    if (referral !== null && !(referral in REFERRAL_NAMES))
      report(
        'CODE_UNKNOWN',
        `未知的转诊类型 ${referral}（可用：${Object.keys(REFERRAL_NAMES).join('、')}）`,
        at('referral'),
      );
    const setlDate = dateOf(raw.setl_time);
    const admDate = dateOf(raw.begntime);
    if (setlDate === null) report('DATE_INVALID', `结算时间 ${raw.setl_time} 不是有效日期`, at('setl_time'));
    if (admDate === null) report('DATE_INVALID', `开始时间 ${raw.begntime} 不是有效日期`, at('begntime'));
    if (setlDate !== null && admDate !== null && admDate > setlDate)
      report('DATE_ORDER', `开始时间 ${admDate} 晚于结算时间 ${setlDate}`, at('begntime'));
    if (setlDate !== null && setlDate < previousDate)
      report('DATE_ORDER', `结算按时间顺序排列：${setlDate} 早于上一笔的 ${previousDate}`, at('setl_time'));
    if (setlDate !== null) previousDate = setlDate;

    const badBefore = badAmounts;
    const medfee = money(raw.medfee_sumamt, at('medfee_sumamt'));
    const given = {
      fullOwnPay:
        raw.fulamt_ownpay_amt === undefined ? undefined : money(raw.fulamt_ownpay_amt, at('fulamt_ownpay_amt')),
      overLimit: raw.overlmt_selfpay === undefined ? undefined : money(raw.overlmt_selfpay, at('overlmt_selfpay')),
      preSelfPay: raw.preselfpay_amt === undefined ? undefined : money(raw.preselfpay_amt, at('preselfpay_amt')),
      inScope: raw.inscp_scp_amt === undefined ? undefined : money(raw.inscp_scp_amt, at('inscp_scp_amt')),
    };
    let parts: { fullOwnPay: Fen; overLimit: Fen; preSelfPay: Fen };
    if (raw.items.length > 0) {
      const split = splitItems(
        raw.items,
        (value, path) => money(value, at('items', ...path)),
        (code, message, path) => report(code, message, at('items', ...path)),
      );
      if (split.total !== medfee)
        report(
          'AMOUNT_INCONSISTENT',
          `医疗费总额 ${formatYuan(medfee)} 不等于明细合计 ${formatYuan(split.total)}`,
          at('medfee_sumamt'),
        );
      for (const key of ['fullOwnPay', 'overLimit', 'preSelfPay'] as const) {
        const value = given[key];
        if (badAmounts === badBefore && value !== undefined && value !== split[key]) {
          report(
            'AMOUNT_INCONSISTENT',
            `${PART_NAMES[key]} ${formatYuan(value)} 与明细计算的 ${formatYuan(split[key])} 不一致`,
            at(PART_FIELDS[key]),
          );
        }
      }
      parts = split;
    } else {
      for (const key of ['fullOwnPay', 'overLimit', 'preSelfPay'] as const) {
        if (given[key] === undefined)
          report('SCHEMA', `没有费用明细时必须给出${PART_NAMES[key]}`, at(PART_FIELDS[key]));
      }
      parts = { fullOwnPay: given.fullOwnPay ?? 0, overLimit: given.overLimit ?? 0, preSelfPay: given.preSelfPay ?? 0 };
    }
    const inScope = medfee - parts.fullOwnPay - parts.overLimit - parts.preSelfPay;
    // Sums are only compared once every amount of the claim could be read.
    const readable = badAmounts === badBefore;
    if (readable && inScope < 0)
      report(
        'AMOUNT_INCONSISTENT',
        `全自费、超限价自费与先行自付之和 ${formatYuan(medfee - inScope)} 超过医疗费总额 ${formatYuan(medfee)}`,
        at('medfee_sumamt'),
      );
    if (readable && given.inScope !== undefined && inScope >= 0 && given.inScope !== inScope) {
      report(
        'AMOUNT_INCONSISTENT',
        `符合政策范围金额 ${formatYuan(given.inScope)} 应为 ${formatYuan(inScope)}（总额 − 全自费 − 超限价 − 先行自付）`,
        at('inscp_scp_amt'),
      );
    }
    const diagnoses = raw.dise_codg === undefined ? [] : Array.isArray(raw.dise_codg) ? raw.dise_codg : [raw.dise_codg];
    claims.push({
      medType: raw.med_type,
      encounter: medType?.encounter ?? 'inpatient',
      setlDate: setlDate ?? '',
      admDate: admDate ?? '',
      level: raw.institution_level as InstitutionLevel,
      referral: referral as Referral | null,
      medfee,
      ...parts,
      inScope,
      diagnoses,
      chronicScheme: raw.chronic_scheme ?? null,
    });
  });
  return claims;
}

const PART_NAMES = { fullOwnPay: '全自费金额', overLimit: '超限价自费', preSelfPay: '先行自付金额' } as const;
const PART_FIELDS = {
  fullOwnPay: 'fulamt_ownpay_amt',
  overLimit: 'overlmt_selfpay',
  preSelfPay: 'preselfpay_amt',
} as const;

/**
 * Splits itemized fee lines into the four totals a HIS sends: 丙类 is fully self-paid; above the price cap is
 * over-limit; 乙类 pays its pre-self-pay ratio of what is within the cap first; the rest is in scope.
 */
function splitItems(
  items: z.output<typeof itemSchema>[],
  money: (value: unknown, path: (string | number)[]) => Fen,
  report: Report,
): { total: Fen; fullOwnPay: Fen; overLimit: Fen; preSelfPay: Fen } {
  const totals = { total: 0, fullOwnPay: 0, overLimit: 0, preSelfPay: 0 };
  items.forEach((item, index) => {
    const fee = money(item.det_item_fee_sumamt, [index, 'det_item_fee_sumamt']);
    totals.total += fee;
    const grade = CHRGITM_LV[item.chrgitm_lv];
    if (!grade) {
      report('CODE_UNKNOWN', `未知的收费项目等级 ${item.chrgitm_lv}（01 甲类、02 乙类、03 丙类）`, [
        index,
        'chrgitm_lv',
      ]);
      return;
    }
    const price = item.pric === undefined ? undefined : money(item.pric, [index, 'pric']);
    if (price !== undefined && item.cnt !== undefined && Math.abs(Math.round(price * item.cnt) - fee) > 1) {
      const product = formatYuan(Math.round(price * item.cnt));
      report('AMOUNT_INCONSISTENT', `数量 × 单价 = ${product}，与明细金额 ${formatYuan(fee)} 不一致`, [
        index,
        'det_item_fee_sumamt',
      ]);
    }
    const priceCap =
      item.pric_uplmt_amt === undefined ? undefined : money(item.pric_uplmt_amt, [index, 'pric_uplmt_amt']);
    if (priceCap !== undefined && (price === undefined || item.cnt === undefined)) {
      report('SCHEMA', '给出限价时必须同时给出单价 pric 和数量 cnt', [index, 'pric_uplmt_amt']);
    }
    let preSelfPayRatio = 0;
    if (item.selfpay_prop !== undefined) {
      const ratio = parseRatio(item.selfpay_prop);
      if (!ratio.ok) {
        report('RATIO_FORMAT', `先行自付比例应为 0–1 的小数或百分比，收到 ${JSON.stringify(item.selfpay_prop)}`, [
          index,
          'selfpay_prop',
        ]);
      } else if (grade === '01' && ratio.value !== 0) {
        report('AMOUNT_INCONSISTENT', '甲类项目没有先行自付比例', [index, 'selfpay_prop']);
      } else {
        preSelfPayRatio = ratio.value;
      }
    }
    const split = splitFeeLine({
      grade,
      fee,
      price: price === undefined ? undefined : price * MICRO_PER_FEN,
      count: item.cnt === undefined ? undefined : Math.round(item.cnt * COUNT_SCALE),
      priceCap: priceCap === undefined ? undefined : priceCap * MICRO_PER_FEN,
      preSelfPayRatio,
    });
    totals.fullOwnPay += split.fullOwnPay;
    totals.overLimit += split.overLimit;
    totals.preSelfPay += split.preSelfPay;
  });
  return totals;
}
