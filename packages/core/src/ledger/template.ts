/**
 * Departments' ledgers (台账): who sends which categories, and the columns of the template each fills in. A ledger is
 * the department's whole list of its targets on the ledger's date: a person missing from it has left the category.
 */
import { CATEGORY_NAMES, type CategoryCode } from '../codes.js';

export const DEPARTMENTS = {
  civil_affairs: {
    name: '民政部门',
    categories: ['extreme_poverty', 'subsistence_allowance', 'low_income_margin'],
  },
  rural_revitalization: {
    name: '乡村振兴部门',
    categories: ['returned_to_poverty', 'monitored', 'stable_exit'],
  },
  health: { name: '卫生健康部门', categories: ['family_planning_special'] },
  veterans: { name: '退役军人事务部门', categories: ['priority_entitled'] },
  medical_security: { name: '医疗保障部门', categories: ['illness_impoverished'] },
} as const satisfies Record<string, { name: string; categories: readonly CategoryCode[] }>;
export type Department = keyof typeof DEPARTMENTS;
export const DEPARTMENT_CODES = Object.keys(DEPARTMENTS) as Department[];

/** A department's Chinese name; a code the platform does not know (stored before it was renamed) as it is. */
export function departmentName(code: string): string {
  return code in DEPARTMENTS ? DEPARTMENTS[code as Department].name : code;
}

export type LedgerField = 'certno' | 'name' | 'category' | 'begin' | 'end' | 'admdvs' | 'township' | 'note';

export interface LedgerColumn {
  field: LedgerField;
  header: string;
  required: boolean;
  /** What the template's instructions sheet says about the column. */
  help: string;
}

export const LEDGER_COLUMNS: readonly LedgerColumn[] = [
  {
    field: 'certno',
    header: '身份证号码',
    required: true,
    help: '18 位居民身份证号码，请以文本格式填写（GB 11643 校验）',
  },
  { field: 'name', header: '姓名', required: true, help: '与身份证一致，2–30 个字' },
  {
    field: 'category',
    header: '人员类别',
    required: true,
    help: '本部门认定的类别名称（见下表），一人多个类别请分行填写',
  },
  { field: 'begin', header: '认定日期', required: true, help: '类别生效日期，yyyy-mm-dd，不晚于台账日期' },
  { field: 'end', header: '终止日期', required: false, help: '类别已终止时填写，yyyy-mm-dd；仍有效则留空' },
  { field: 'admdvs', header: '行政区划代码', required: true, help: '户籍所在县（区）6 位行政区划代码' },
  { field: 'township', header: '乡镇（街道）', required: false, help: '乡镇或街道名称，用于花名册和预警分送' },
  { field: 'note', header: '备注', required: false, help: '不导入，仅随错误报告返回' },
];

/** Category names a department's ledger may use: the glossary's names, their common short forms, and the codes. */
const SHORT_NAMES: Partial<Record<CategoryCode, readonly string[]>> = {
  extreme_poverty: ['特困', '特困供养人员', '特困供养'],
  subsistence_allowance: ['低保', '低保户', '低保人员'],
  low_income_margin: ['低保边缘', '低保边缘户', '低保边缘人员'],
  returned_to_poverty: ['返贫致贫', '返贫致贫户'],
  monitored: ['监测对象', '脱贫不稳定户', '边缘易致贫户', '突发严重困难户'],
  illness_impoverished: ['因病致贫重病患者'],
  family_planning_special: ['计生特殊家庭'],
  stable_exit: ['稳定脱贫', '稳定脱贫户', '脱贫人口'],
};

export function categoryOfName(department: Department, text: string): CategoryCode | null {
  const wanted = text.trim();
  for (const code of DEPARTMENTS[department].categories as readonly CategoryCode[]) {
    if (wanted === code || wanted === CATEGORY_NAMES[code] || SHORT_NAMES[code]?.includes(wanted)) return code;
  }
  return null;
}
