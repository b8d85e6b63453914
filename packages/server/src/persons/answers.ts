/** The shapes persons are answered in, shared by the person routes. */
import { z } from 'zod';
import { IsoDay } from '../console/units.js';

export const tag = '参保人员';

export const PsnNo = z.string().min(1).max(30).describe('人员编号');
export const Category = z.object({ code: z.string().describe('类别代码'), name: z.string().describe('类别名称') });
export const Person = z.object({
  psn_no: PsnNo,
  psn_name: z.string().describe('姓名'),
  certno: z.string().describe('身份证号（脱敏）'),
  gend: z.string().describe('性别（1 男，2 女）'),
  brdy: IsoDay.describe('出生日期'),
  admdvs: z.string().describe('参保地区划'),
  township: z.string().describe('乡镇（街道）'),
});
