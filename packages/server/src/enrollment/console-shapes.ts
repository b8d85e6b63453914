/**
 * What the enrollment screen's routes share: who may register and adjust (the bureau), the persons a list covers,
 * and the shapes of an enrollment and of the sums of amounts.
 */
import { CATEGORY_NAMES, type CategoryCode } from '@sanbao/core';
import { z } from 'zod';
import type { User } from '../console/auth.js';
import { ApiError } from '../console/errors.js';
import { region } from '../console/parse.js';
import { requireRegionInScope } from '../console/scope.js';
import { IsoDay, Yuan, yuan } from '../console/units.js';
import type { Pool } from '../db/pool.js';
import { maskedCertno } from '../security/identity.js';
import type { EnrollmentRow, Sums } from './queries.js';

export const tag = '参保与资助';
export const categoryName = (code: string | null): string =>
  code ? (CATEGORY_NAMES[code as CategoryCode] ?? code) : '';

/** Enrollment and the monthly adjustment are the bureau's counter work. */
export function bureauOnly(me: User): void {
  if (me.township) throw new ApiError('FORBIDDEN', '乡镇（街道）用户不能办理参保登记或资助调整');
  if (me.department) throw new ApiError('FORBIDDEN', '报送部门的用户只能查看参保与资助，不能办理登记或调整');
}

/** The persons a list covers: the region asked (inside the scope) or the scope; a township user's own township. */
export async function personFilter(
  pool: Pool,
  me: User,
  query: { region?: string | undefined; township?: string | undefined },
): Promise<{ region: string | null; township: string | null }> {
  if (query.region !== undefined) await requireRegionInScope(pool, me, query.region);
  return { region: query.region ?? me.scope_admdvs, township: me.township ?? query.township ?? null };
}

export const Where = {
  region: region.optional().describe('区划（6 位，须在管辖范围内；默认为管辖范围）'),
  township: z.string().min(1).max(50).optional().describe('乡镇（街道）'),
};

export const SumsAnswer = z.object({
  contribution: Yuan.describe('个人缴费标准合计（元）'),
  subsidy: Yuan.describe('医疗救助资助合计（元）'),
  person_pays: Yuan.describe('个人实缴合计（元）'),
});
export const sumsAnswer = (sums: Sums): z.input<typeof SumsAnswer> => ({
  contribution: yuan(sums.contribution),
  subsidy: yuan(sums.subsidy),
  person_pays: yuan(sums.person_pays),
});

export const EnrollmentItem = z.object({
  psn_no: z.string().describe('人员编号'),
  psn_name: z.string().describe('姓名'),
  certno: z.string().describe('身份证号码（脱敏）'),
  county: z.string().describe('县（区）'),
  township: z.string().describe('乡镇（街道）'),
  year: z.number().int().describe('参保年度'),
  begin_date: IsoDay.describe('待遇开始日期'),
  end_date: IsoDay.describe('待遇截止日期'),
  contribution: Yuan.describe('个人缴费标准（元）'),
  fiscal: Yuan.describe('财政补助（元）'),
  subsidy: Yuan.describe('医疗救助资助（元）'),
  person_pays: Yuan.describe('个人实缴（元）'),
  subsidy_category: z.string().nullable().describe('资助类别代码'),
  subsidy_category_name: z.string().describe('资助类别（无资助为空）'),
  subsidy_rule: z.string().nullable().describe('资助依据'),
  paid_on: IsoDay.nullable().describe('缴费日期'),
});
export const enrollmentItem = (row: EnrollmentRow): z.input<typeof EnrollmentItem> => ({
  ...row,
  certno: maskedCertno(row.certno),
  contribution: yuan(row.contribution),
  fiscal: yuan(row.fiscal),
  subsidy: yuan(row.subsidy),
  person_pays: yuan(row.person_pays),
  subsidy_category_name: categoryName(row.subsidy_category),
});
