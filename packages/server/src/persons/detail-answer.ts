/**
 * The answer of a person's page (GET /api/persons/:psnNo): identity, categories, enrollments, years with each fund's
 * net payments, settlements, warnings and assistance applications, every code given with its Chinese name.
 */
import {
  CATEGORY_NAMES,
  departmentName,
  WARNING_LEVEL_NAMES,
  WARNING_STATUS_CODES,
  WARNING_STATUSES,
  type CategoryCode,
  type Department,
  type WarningLevel,
} from '@sanbao/core';
import { z } from 'zod';
import { chinaTime, ChinaTime, chinaTimeOrNull, IsoDay, Yuan, yuan, yuanOrNull } from '../console/units.js';
import { maskedCertno } from '../security/identity.js';
import { Category, Person } from './answers.js';
import type { PersonDetailRows } from './queries.js';

/** The interface's gend codes (GB/T 2261.1). */
export const GENDER_NAMES: Record<string, string> = { '0': '未知', '1': '男', '2': '女', '9': '未说明' };

/**
 * The names of an application's statuses, as applications/service.ts's APPLICATION_STATUSES: that room imports this
 * one (persons/repository.ts), so importing it back would make a cycle. Moving the table to @sanbao/core would let
 * both use one.
 */
export const APPLICATION_STATUS_NAMES = { pending: '待审核', approved: '已批准', refused: '不予批准' } as const;

const WARNING_LEVEL_CODES = Object.keys(WARNING_LEVEL_NAMES) as [WarningLevel, ...WarningLevel[]];
const APPLICATION_STATUS_CODES = Object.keys(APPLICATION_STATUS_NAMES) as [
  keyof typeof APPLICATION_STATUS_NAMES,
  ...(keyof typeof APPLICATION_STATUS_NAMES)[],
];

export const PersonDetail = Person.extend({
  gend_name: z.string().describe('性别（男、女）'),
  admdvs_name: z.string().describe('参保地名称'),
  supplementary: z.boolean().describe('是否参加补充保险'),
  categories: z
    .array(
      Category.extend({
        spell_id: z.number().int().describe('类别记录编号'),
        begin_date: IsoDay.describe('开始日期'),
        end_date: IsoDay.nullable().describe('结束日期（空为长期）'),
        source_dept: z.string().describe('认定部门代码'),
        source_dept_name: z.string().describe('认定部门'),
      }),
    )
    .describe('人员类别（含已结束的）'),
  enrollments: z
    .array(
      z.object({
        year: z.number().int().describe('年度'),
        insutype: z.string().describe('险种'),
        begin_date: IsoDay.describe('参保开始日期'),
        end_date: IsoDay.nullable().describe('参保结束日期'),
        contribution: Yuan.describe('个人缴费标准（元）'),
        subsidy: Yuan.describe('资助金额（元）'),
        subsidy_category: z.string().nullable().describe('资助所依类别'),
      }),
    )
    .describe('参保缴费，新年度在前'),
  years: z
    .array(
      z.object({
        year: z.number().int().describe('年度'),
        settlements: z.number().int().describe('结算次数'),
        admissions: z.number().int().describe('住院次数'),
        medfee: Yuan.describe('医疗费用总额（元）'),
        fund_paid: Yuan.describe('基金支付（元）'),
        personal_burden: Yuan.describe('个人负担（元）'),
        in_scope_burden: Yuan.describe('其中政策范围内个人负担（元）'),
        hifp_pay: Yuan.describe('本年度基本医疗保险统筹基金支出合计（元，已扣除冲销，含补付）'),
        hifmi_pay: Yuan.describe('本年度大病保险支出合计（元，已扣除冲销，含补付）'),
        maf_pay: Yuan.describe('本年度医疗救助基金支出合计（元，已扣除冲销，含补付）'),
      }),
    )
    .describe('年度累计，新年度在前'),
  settlements: z
    .array(
      z.object({
        setl_id: z.string().describe('结算ID'),
        kind: z.string().describe('settlement 结算、cancellation 冲销、top_up 补付'),
        reverses: z.string().nullable().describe('冲销的原结算ID'),
        reversed_by: z.string().nullable().describe('冲销本结算的结算ID'),
        mdtrt_id: z.string().describe('就诊ID'),
        fixmedins_code: z.string().describe('定点医疗机构编号'),
        fixmedins_name: z.string().describe('定点医疗机构'),
        setl_time: ChinaTime.describe('结算时间'),
        med_type: z.string().describe('医疗类别'),
        category: z.string().describe('结算时的人员类别代码'),
        category_name: z.string().describe('结算时的人员类别'),
        medfee_sumamt: Yuan.describe('医疗费用总额（元）'),
        hifp_pay: Yuan.describe('基本医疗保险统筹基金支出（元）'),
        hifmi_pay: Yuan.describe('大病保险支出（元）'),
        maf_pay: Yuan.describe('医疗救助基金支出（元）'),
        oth_pay: Yuan.describe('其他支出（元）'),
        fund_pay_sumamt: Yuan.describe('基金支付总额（元）'),
        psn_part_amt: Yuan.describe('个人负担总金额（元）'),
      }),
    )
    .describe('最近 100 笔结算（含冲销、补付），新结算在前'),
  warnings: z
    .array(
      z.object({
        year: z.number().int().describe('年度'),
        level: z.enum(WARNING_LEVEL_CODES).describe('预警级别：none 无、blue 蓝码、yellow 黄码、red 红码'),
        level_name: z.string().describe('预警级别名称'),
        status: z.enum(WARNING_STATUS_CODES).describe('跟进状态'),
        status_name: z.string().describe('跟进状态名称'),
        amount: Yuan.describe('级别最近一次变化时的年度自付医药费用（元）'),
        department: z.string().describe('反馈部门代码'),
        department_name: z.string().describe('反馈部门'),
        raised_at: ChinaTime.describe('首次预警时间'),
      }),
    )
    .describe('因病返贫致贫预警（与预警台账同一管辖范围：乡镇、部门用户只见本乡镇、本部门的），新年度在前'),
  applications: z
    .array(
      z.object({
        application_id: z.number().int().describe('申请编号'),
        year: z.number().int().describe('年度'),
        status: z.enum(APPLICATION_STATUS_CODES).describe('pending 待审核、approved 已批准、refused 不予批准'),
        status_name: z.string().describe('状态名称'),
        applied_at: ChinaTime.describe('登记时间'),
        decided_at: ChinaTime.nullable().describe('审核时间'),
        top_up: Yuan.nullable().describe('批准后补付合计（元）'),
      }),
    )
    .describe('依申请医疗救助，新申请在前'),
});

export function presentPersonDetail(found: PersonDetailRows): z.input<typeof PersonDetail> {
  return {
    ...found.person,
    certno: maskedCertno(found.person.certno),
    gend_name: GENDER_NAMES[found.person.gend] ?? found.person.gend,
    categories: found.categories.map((spell) => ({
      ...spell,
      name: CATEGORY_NAMES[spell.code] ?? spell.code,
      source_dept_name: departmentName(spell.source_dept as Department),
    })),
    enrollments: found.enrollments.map((row) => ({
      ...row,
      contribution: yuan(row.contribution),
      subsidy: yuan(row.subsidy),
    })),
    years: found.years.map((row) => ({
      year: row.year,
      settlements: row.settlements,
      admissions: row.ytd?.admissions ?? 0,
      medfee: yuan(row.ytd?.medfee ?? 0),
      fund_paid: yuan(row.fund_paid),
      personal_burden: yuan(row.personal_burden),
      in_scope_burden: yuan(row.in_scope_burden),
      hifp_pay: yuan(row.hifp_pay),
      hifmi_pay: yuan(row.hifmi_pay),
      maf_pay: yuan(row.maf_pay),
    })),
    settlements: found.settlements.map((row) => ({
      ...row,
      setl_time: chinaTime(row.setl_time),
      category_name: CATEGORY_NAMES[row.category as CategoryCode] ?? '普通参保人员',
      medfee_sumamt: yuan(row.medfee_sumamt),
      hifp_pay: yuan(row.hifp_pay),
      hifmi_pay: yuan(row.hifmi_pay),
      maf_pay: yuan(row.maf_pay),
      oth_pay: yuan(row.oth_pay),
      fund_pay_sumamt: yuan(row.fund_pay_sumamt),
      psn_part_amt: yuan(row.psn_part_amt),
    })),
    warnings: found.warnings.map((row) => ({
      ...row,
      level_name: WARNING_LEVEL_NAMES[row.level],
      status_name: WARNING_STATUSES[row.status],
      amount: yuan(row.amount),
      department_name: departmentName(row.department),
      raised_at: chinaTime(row.raised_at),
    })),
    applications: found.applications.map((row) => ({
      ...row,
      status_name: APPLICATION_STATUS_NAMES[row.status],
      applied_at: chinaTime(row.applied_at),
      decided_at: chinaTimeOrNull(row.decided_at),
      top_up: yuanOrNull(row.top_up),
    })),
  };
}
