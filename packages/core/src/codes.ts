/** Code tables: the glossary's codes (MISSION.md) and the national interface's (NHSA-INTERFACE.md). */

export const CATEGORY_NAMES = {
  extreme_poverty: '特困人员',
  subsistence_allowance: '低保对象',
  low_income_margin: '低保边缘家庭成员',
  returned_to_poverty: '返贫致贫人口',
  monitored: '监测人口',
  illness_impoverished: '因病致贫重病患者',
  family_planning_special: '计划生育特殊家庭成员',
  priority_entitled: '重点优抚对象',
  stable_exit: '稳定脱贫人口',
  ordinary: '普通参保居民',
} as const;
export type CategoryCode = keyof typeof CATEGORY_NAMES;
export const CATEGORY_CODES = Object.keys(CATEGORY_NAMES) as CategoryCode[];

export const LEVEL_NAMES = {
  township: '乡镇/一级及以下',
  county: '二级和县级',
  city: '市属三级',
  province: '省属三级',
} as const;
export type InstitutionLevel = keyof typeof LEVEL_NAMES;
export const INSTITUTION_LEVELS = Object.keys(LEVEL_NAMES) as InstitutionLevel[];

/** How a claim is settled. med_type 15 (特药) follows the 2025 national enum; other codes map as listed. */
export const ENCOUNTER_NAMES = {
  inpatient: '住院',
  ordinary_outpatient: '普通门诊',
  chronic_outpatient: '门诊慢特病',
  special_drug: '大病保险特药',
} as const;
export type EncounterType = keyof typeof ENCOUNTER_NAMES;
export const ENCOUNTER_TYPES = Object.keys(ENCOUNTER_NAMES) as EncounterType[];

export const MED_TYPES: Record<string, { name: string; encounter: EncounterType }> = {
  '11': { name: '普通门诊', encounter: 'ordinary_outpatient' },
  '13': { name: '急诊', encounter: 'ordinary_outpatient' },
  '14': { name: '门诊慢特病', encounter: 'chronic_outpatient' },
  '15': { name: '特药', encounter: 'special_drug' },
  '21': { name: '普通住院', encounter: 'inpatient' },
  '22': { name: '外伤住院', encounter: 'inpatient' },
  '23': { name: '转外诊治住院', encounter: 'inpatient' },
  '24': { name: '急诊转住院', encounter: 'inpatient' },
};

export const REFERRAL_NAMES = {
  in_province: '市外省内转诊',
  out_of_province: '省外转诊',
} as const;
export type Referral = keyof typeof REFERRAL_NAMES;

/** 收费项目等级: 01 甲类, 02 乙类, 03 丙类 (自费). The Chinese letters are accepted as aliases. */
export const CHRGITM_LV: Record<string, '01' | '02' | '03'> = {
  '01': '01',
  '02': '02',
  '03': '03',
  甲: '01',
  乙: '02',
  丙: '03',
};

/** The layers of one settlement, in the order they pay. */
export const LAYER_NAMES = {
  basic: '基本医保统筹基金',
  critical_illness: '大病保险',
  assistance: '医疗救助',
  re_assistance: '再救助（倾斜救助）',
  high_cost_subsidy: '高额医疗费用补助',
  supplementary: '商业补充保险',
  temporary: '临时政策补助',
} as const;
export type Layer = keyof typeof LAYER_NAMES;

/**
 * setldetail fund_pay_type per layer. Assistance and the high-cost subsidy are both paid by the medical
 * assistance fund (610100); re-assistance uses 610102 医疗再救助基金 (a Chongqing code, uncertain nationally).
 */
export const FUND_PAY_TYPES = {
  basic: { code: '390100', name: '城乡居民基本医疗保险基金' },
  critical_illness: { code: '390200', name: '城乡居民大病医疗保险基金' },
  assistance: { code: '610100', name: '医疗救助基金' },
  re_assistance: { code: '610102', name: '医疗再救助基金' },
  high_cost_subsidy: { code: '610100', name: '医疗救助基金' },
  supplementary: { code: '999997', name: '其他基金' },
  temporary: { code: '360100', name: '财政基金' },
} as const satisfies Record<Layer, { code: string; name: string }>;

export const WARNING_LEVEL_NAMES = { none: '无', blue: '蓝码', yellow: '黄码', red: '红码' } as const;
export type WarningLevel = keyof typeof WARNING_LEVEL_NAMES;
