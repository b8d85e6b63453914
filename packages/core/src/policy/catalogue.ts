/**
 * A policy on a date as its reader sees it: every value in force, one row each, with its section, its Chinese name,
 * its value as text — yuan with two decimals, percentages, counts, names of categories, levels and encounter types,
 * never fen, basis points or codes — and the source the value cites. Comparing two catalogues row by row gives what
 * differs between two dates or two regions. The console's 政策 screen shows both.
 */
import { BURDEN_NAMES } from '../benefits/application.js';
import { CATEGORY_NAMES, ENCOUNTER_NAMES, LEVEL_NAMES, REFERRAL_NAMES } from '../codes.js';
import { departmentName } from '../ledger/template.js';
import { formatRatio, formatYuanGrouped } from '../money.js';
import { CADENCE_NAMES } from '../warning/schedule.js';
import { parameterUnit } from './cases.js';
import type { PolicyAtDate, Provenance } from './resolve.js';
import type { Band } from './schema.js';

export interface CatalogueEntry {
  /** Where the value sits: "basic.inpatient.levels.county.deductible"; a temporary rule by its id, a list item by its index. */
  path: string;
  /** The section it belongs to (基本医保, 大病保险 …). */
  section: string;
  /** Its name within the section: "住院 · 二级和县级 · 起付线". */
  name: string;
  /** The value as shown: "12,000.00 元", "80%", "0–50,000 元 60%；…", "是", names. */
  value: string;
  /** The dated entry of the policy file it comes from; none for a value the schema fills in by default. */
  source: Provenance | undefined;
}

/** The sections, in the order a policy is read. */
export const CATALOGUE_SECTIONS: Record<string, string> = {
  insutype: '基本信息',
  categories: '基本信息',
  basic: '基本医保',
  critical_illness: '大病保险',
  assistance: '医疗救助',
  re_assistance: '再救助（倾斜救助）',
  high_cost_subsidy: '高额医疗费用补助',
  supplementary: '商业补充保险',
  temporary: '临时政策',
  premium: '缴费标准',
  subsidy: '参保资助',
  warning: '预警',
  plausibility: '结算合理性上限',
};

/** Names of the keys of the policy schema (schema.ts); keys named null are left out of a name (levels, schemes …). */
const KEY_NAMES: Record<string, string | null> = {
  insutype: '险种类型',
  precedence: '人员类别优先顺序（就高不重复）',
  inpatient: '住院',
  levels: null,
  deductible: '起付线',
  ratio: '支付比例',
  ratio_bands: '分段支付比例',
  deductible_by_admission: '年内第几次住院的起付线比例',
  referral: '转诊',
  annual_cap: '年度封顶线',
  amount: '金额',
  applies_to: '适用就医类型',
  ordinary_outpatient: '普通门诊',
  annual_limit: '年度限额',
  chronic_outpatient: '门诊慢特病',
  default_scheme: '默认病种方案',
  schemes: null,
  name: '名称',
  convention: '分段口径',
  bands: '分段支付比例',
  counts_pre_self_pay: '乙类先行自付计入',
  tilts: '倾斜支付',
  deductible_factor: '起付线降为',
  ratio_points: '支付比例提高',
  no_cap: '取消封顶线',
  special_drugs: '特药',
  measure: '计算口径',
  categories: null,
  application: '依申请救助',
  category: '认定后的人员类别',
  qualifying_burden: '认定标准',
  category_from: '类别生效时间',
  threshold: '起付标准',
  window: '施行期间',
  diagnosis_prefixes: '诊断编码前缀',
  effect: '待遇',
  type: '方式',
  individual: '个人缴费标准',
  fiscal: '财政补助标准',
  tiers: '缴费档次',
  newborn_months: '新生儿免缴月数',
  rounding: '资助金额取整',
  populations: null,
  thresholds: '预警线',
  blue: '蓝码',
  yellow: '黄码',
  red: '红码',
  screening: '筛查频次',
  feedback: '反馈时限',
  department: '反馈部门',
  max_bill: '单次账单上限',
  totals_only_max: '只报总额的上限（超过须上传明细）',
  mid_settlement_requires_lines: '中途结算须上传明细',
  special_drug: '大病保险特药',
};

/** Codes a value may hold, by what they are. */
const VALUE_NAMES: Record<string, string> = {
  above_deductible: '按起付线以上的累计金额分段',
  cumulative_total: '按年度累计总额分段',
  in_scope: '政策范围内个人负担',
  in_scope_and_pre_self_pay: '政策范围内个人负担及乙类先行自付',
  all: '全部个人负担（含自费）',
  year_start: '当年 1 月 1 日起',
  approval: '批准之日起',
  yuan: '四舍五入到元',
  fen: '精确到分',
  basic_override: '替代基本医保待遇',
  residual: '补助其余个人负担',
  others: '其他参保人员',
  '390': '城乡居民基本医疗保险',
  ...BURDEN_NAMES,
  ...CADENCE_NAMES,
  ...CATEGORY_NAMES,
  ...ENCOUNTER_NAMES,
  ...LEVEL_NAMES,
};

/** Keys whose list holds category codes in an order that matters. */
const ORDERED = new Set(['precedence']);

/** A key of the path as a reader calls it (a category, a level, an encounter type, a referral or the key's name). */
function keyName(key: string): string | null {
  if (key in KEY_NAMES) return KEY_NAMES[key] ?? null;
  for (const names of [CATEGORY_NAMES, LEVEL_NAMES, ENCOUNTER_NAMES, REFERRAL_NAMES] as Record<string, string>[])
    if (key in names) return names[key] ?? key;
  return key;
}

/** "50,000" for a band edge (whole yuan), "12,345.50" otherwise. */
function edge(fen: number): string {
  return formatYuanGrouped(fen).replace(/\.00$/, '');
}

/** "0–50,000 元 60%；50,000–100,000 元 70%；200,000 元以上 80%". */
export function bandsText(bands: readonly Band[]): string {
  return bands
    .map((band, i) => {
      const next = bands[i + 1];
      return next
        ? `${edge(band.above)}–${edge(next.above)} 元 ${formatRatio(band.ratio)}`
        : `${edge(band.above)} 元以上 ${formatRatio(band.ratio)}`;
    })
    .join('；');
}

function codeText(code: string): string {
  return VALUE_NAMES[code] ?? code;
}

function isBands(value: unknown[]): value is Band[] {
  return value.every((item) => item !== null && typeof item === 'object' && 'above' in item && 'ratio' in item);
}

/** A value that is not walked further, as text. */
function leafText(value: unknown, keys: readonly string[], policy: PolicyAtDate): string {
  const key = keys[keys.length - 1] ?? '';
  if (value === null) return '不设上限';
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'number') {
    if (key === 'ratio_points') return `${formatRatio(value).slice(0, -1)} 个百分点`;
    const unit = parameterUnit(keys.join('.'));
    if (unit === 'ratio') return formatRatio(value);
    if (unit === 'count') return `${value} 个月`;
    return `${formatYuanGrouped(value)} 元`;
  }
  if (typeof value === 'string') {
    if (key === 'department') return departmentName(value);
    if (key === 'default_scheme') return policy.rules.basic.chronic_outpatient?.schemes[value]?.name ?? value;
    if (key === 'insutype') return `${value}（${codeText(value)}）`;
    return codeText(value);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return key === 'diagnosis_prefixes' ? '不限（所有诊断）' : '无';
    if (isBands(value)) return bandsText(value);
    if (key === 'deductible_by_admission') {
      const shares = value as number[];
      if (shares.length === 1) return `每次住院 ${formatRatio(shares[0] ?? 0)}`;
      return shares
        .map((share, i) =>
          i === shares.length - 1
            ? `第 ${i + 1} 次及以后 ${formatRatio(share)}`
            : `第 ${i + 1} 次 ${formatRatio(share)}`,
        )
        .join('；');
    }
    if (value.every((item) => typeof item === 'number'))
      return value.map((fen) => `${formatYuanGrouped(fen)} 元`).join('、');
    return value.map((item) => codeText(String(item))).join(ORDERED.has(key) ? ' > ' : '、');
  }
  const record = value as Record<string, unknown>;
  if (key === 'window')
    return `${String(record['from'])} 至 ${String(record['until'])}（按${record['by'] === 'admission' ? '入院' : '结算'}日期）`;
  // A premium subsidy rule: full, a share of the individual contribution, or a fixed amount.
  if (record['type'] === 'full') return '全额资助';
  if (record['type'] === 'percent') return `按个人缴费标准的 ${formatRatio(record['ratio'] as number)} 资助`;
  if (record['type'] === 'fixed') return `定额资助 ${formatYuanGrouped(record['amount'] as number)} 元`;
  return JSON.stringify(value);
}

/** Every value of the policy in force on its date, in the order of the schema, with its source. */
export function policyCatalogue(policy: PolicyAtDate): CatalogueEntry[] {
  const entries: CatalogueEntry[] = [];
  const add = (value: unknown, keys: string[], names: string[]): void => {
    const path = keys.join('.');
    const inside = names.slice(1);
    entries.push({
      path,
      section: CATALOGUE_SECTIONS[keys[0] ?? ''] ?? path,
      name: inside.length > 0 ? inside.join(' · ') : (names[0] ?? path),
      value: leafText(value, keys, policy),
      source: policy.source(path),
    });
  };
  const walk = (value: unknown, keys: string[], names: string[]): void => {
    const key = keys[keys.length - 1] ?? '';
    if (value === undefined || (key === 'temporary' && Array.isArray(value) && value.length === 0)) return;
    if (Array.isArray(value) && value.length > 0 && value.every((item) => item && typeof item === 'object')) {
      if (isBands(value)) return add(value, keys, names);
      // A list of named items (temporary rules by their id, warning populations by their place): each walked.
      (value as Record<string, unknown>[]).forEach((item, i) => {
        const id = typeof item['id'] === 'string' ? item['id'] : String(i);
        const label = typeof item['name'] === 'string' ? item['name'] : `第 ${i + 1} 项`;
        walk(item, [...keys, id], [...names, label]);
      });
      return;
    }
    const whole = keys[0] === 'subsidy' && keys[1] === 'categories' && keys.length === 3;
    if (value === null || typeof value !== 'object' || Array.isArray(value) || key === 'window' || whole)
      return add(value, keys, names);
    const record = value as Record<string, unknown>;
    // A scheme or list item is named by its own name, which is then not listed again as a row of its own.
    const named = keys[keys.length - 2] === 'schemes' || /^\d+$/.test(key) || keys[0] === 'temporary';
    for (const [child, inner] of Object.entries(record)) {
      if (child === 'id' || (child === 'name' && named)) continue;
      const label =
        key === 'schemes'
          ? ((inner as { name?: string }).name ?? child)
          : child === 'levels' && Array.isArray(inner)
            ? '适用机构级别'
            : child === 'categories' && (Array.isArray(inner) || typeof inner === 'string')
              ? '人员类别'
              : keyName(child);
      walk(inner, [...keys, child], label === null ? names : [...names, label]);
    }
  };
  for (const [key, value] of Object.entries(policy.rules)) walk(value, [key], [keyName(key) ?? key]);
  return entries;
}

/** One row of a comparison: the value on each side, or null where that side has none. */
export interface CatalogueDifference {
  path: string;
  section: string;
  name: string;
  a: CatalogueEntry | null;
  b: CatalogueEntry | null;
}

/** What a source is compared by: its citation, confidence, dates and place. */
function sourceKey(s: Provenance | undefined): string {
  return s ? JSON.stringify([s.cite, s.confidence, s.from, s.until, s.file, s.line]) : '';
}

/**
 * The rows whose value or source differ between two catalogues, and those present on one side only, in the order of
 * the first with the second's own rows placed after the row they follow there.
 */
export function compareCatalogues(a: CatalogueEntry[], b: CatalogueEntry[]): CatalogueDifference[] {
  const left = new Map(a.map((entry) => [entry.path, entry]));
  const right = new Map(b.map((entry) => [entry.path, entry]));
  const order = a.map((entry) => entry.path);
  let after = -1;
  for (const entry of b) {
    const at = order.indexOf(entry.path);
    if (at >= 0) after = at;
    else order.splice(++after, 0, entry.path);
  }
  const differences: CatalogueDifference[] = [];
  for (const path of order) {
    const x = left.get(path) ?? null;
    const y = right.get(path) ?? null;
    if (x && y && x.value === y.value && x.name === y.name && sourceKey(x.source) === sourceKey(y.source)) continue;
    const shown = (y ?? x) as CatalogueEntry;
    differences.push({ path, section: shown.section, name: shown.name, a: x, b: y });
  }
  return differences;
}
