/**
 * The warning ledger's answers as the console API gives them: a warning (with whether it is handed down to its
 * township, and its two remarks), its level and status, and who did something in words a clerk reads.
 */
import { departmentName, WARNING_LEVEL_NAMES, WARNING_STATUS_CODES, WARNING_STATUSES } from '@sanbao/core';
import { z } from 'zod';
import { chinaTime, ChinaTime, chinaTimeOrNull, IsoDay, Yuan, yuan } from '../console/units.js';
import { maskedCertno } from '../security/identity.js';
import type { WarningRow } from './queries.js';

export const tag = '因病返贫致贫预警';
export const Level = z
  .enum(['none', 'blue', 'yellow', 'red'])
  .describe('预警级别：none 无、blue 蓝码、yellow 黄码、red 红码');
export const Status = z.enum(WARNING_STATUS_CODES).describe('跟进状态');

export const Warning = z.object({
  psn_no: z.string().describe('人员编号'),
  psn_name: z.string().describe('姓名'),
  certno: z.string().describe('身份证号（脱敏）'),
  year: z.number().int().describe('年度'),
  level: Level,
  level_name: z.string().describe('预警级别名称'),
  population: z.string().describe('人群（帮扶对象或普通参保群众）'),
  amount: Yuan.describe('级别最近一次变化时的年度自付医药费用（元）'),
  admdvs: z.string().describe('县（市、区）区划'),
  county: z.string().describe('县（市、区）'),
  township: z.string().describe('乡镇（街道）'),
  department: z.string().describe('反馈部门代码'),
  department_name: z.string().describe('反馈部门'),
  status: Status,
  status_name: z.string().describe('跟进状态名称'),
  feedback_due: IsoDay.describe('反馈时限'),
  raised_at: ChinaTime.describe('首次预警时间'),
  level_at: ChinaTime.describe('级别最近一次变化的时间'),
  handed_down: z.boolean().describe('是否已下放至所在乡镇（街道）：乡镇用户只看得到已下放的预警'),
  handover_id: z.number().int().nullable().describe('下放批次（未下放或已收回为空）'),
  handed_down_at: ChinaTime.nullable().describe('下放时间'),
  recalled: z.boolean().describe('是否已由医保局收回（收回后反馈作业不再发给乡镇）'),
  township_remark: z.string().describe('乡镇备注'),
  bureau_remark: z.string().describe('局备注'),
});

export function present(row: WarningRow): z.input<typeof Warning> {
  return {
    ...row,
    certno: maskedCertno(row.certno),
    amount: yuan(row.amount),
    level_name: WARNING_LEVEL_NAMES[row.level],
    status_name: WARNING_STATUSES[row.status],
    department_name: departmentName(row.department),
    raised_at: chinaTime(row.raised_at),
    level_at: chinaTime(row.level_at),
    handed_down: row.handover_id !== null,
    handed_down_at: chinaTimeOrNull(row.handed_down_at),
  };
}

/** Who did it, in words: the user's display name, or which of the platform's own jobs. */
export function actorName(actor: string, displayName: string | null): string {
  if (displayName) return displayName;
  if (actor.startsWith('system:feedback')) return '平台（定期反馈）';
  if (actor === 'system:level') return '平台（预警级别变化）';
  if (actor === 'system:migration') return '平台（系统升级）';
  if (actor.startsWith('system:')) return '平台作业';
  return actor.replace(/^user:/, '');
}
