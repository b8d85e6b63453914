/**
 * What a printed one-stop settlement sheet (一站式结算单) needs beside a settlement's figures: the visit or stay, the
 * institution, the person, and the settlement's records (it, its cancellation, its top-ups) in the order they were
 * made.
 */
import { MED_TYPES, type InstitutionLevel } from '@sanbao/core';
import { z } from 'zod';
import { chinaTime, ChinaTime, chinaTimeOrNull, Yuan, yuan } from '../console/units.js';
import { ageOn, chinaDate } from '../time.js';
import type { HistoryRow, SettlementDetailRow } from './queries.js';

/** The institution's level as a sheet prints it. */
const LEVEL_SHORT_NAMES: Record<InstitutionLevel, string> = {
  township: '乡镇',
  county: '县级',
  city: '市级',
  province: '省级',
};

const GENDER_NAMES: Record<string, string> = { '1': '男', '2': '女' };

export const SheetParts = {
  encounter: z
    .object({
      begntime: ChinaTime.describe('就诊或入院时间'),
      endtime: ChinaTime.nullable().describe('出院时间（门诊或未出院为空）'),
      dise_codg: z.array(z.string()).describe('诊断代码'),
      med_type_name: z.string().describe('医疗类别名称（普通门诊、门诊慢特病、普通住院 …）'),
      ipt_otp_no: z.string().nullable().describe('住院号或门诊号'),
    })
    .describe('就诊信息'),
  institution: z
    .object({
      name: z.string().describe('定点医疗机构名称'),
      level_name: z.string().describe('医疗机构级别：乡镇、县级、市级、省级'),
      admdvs_name: z.string().describe('医疗机构所在区划名称'),
    })
    .describe('定点医疗机构'),
  person: z
    .object({
      gend_name: z.string().describe('性别：男、女'),
      age: z.number().int().describe('就诊（入院）之日的周岁年龄'),
      admdvs_name: z.string().describe('参保地区划名称'),
      township: z.string().describe('乡镇（街道）'),
    })
    .describe('参保人员'),
  history: z
    .array(
      z.object({
        setl_id: z.string().describe('结算ID'),
        kind: z.string().describe('settlement 结算、cancellation 冲销、top_up 补付'),
        setl_time: ChinaTime.describe('结算时间'),
        fund_pay_sumamt: Yuan.describe('基金支付总额（元）'),
        psn_part_amt: Yuan.describe('个人负担总金额（元）'),
      }),
    )
    .describe('本结算的相关记录（原结算、撤销、依申请救助补付），按时间先后'),
};

type Parts = { [K in keyof typeof SheetParts]: z.input<(typeof SheetParts)[K]> };

/** The sheet's parts of a settlement and its records. */
export function sheetParts(row: SettlementDetailRow, history: HistoryRow[]): Parts {
  return {
    encounter: {
      begntime: chinaTime(row.begntime),
      endtime: chinaTimeOrNull(row.endtime),
      dise_codg: row.dise_codg,
      med_type_name: MED_TYPES[row.med_type]?.name ?? `其他（${row.med_type}）`,
      ipt_otp_no: row.ipt_otp_no,
    },
    institution: {
      name: row.fixmedins_name,
      level_name: LEVEL_SHORT_NAMES[row.fixmedins_level],
      admdvs_name: row.fixmedins_admdvs_name,
    },
    person: {
      gend_name: GENDER_NAMES[row.gend] ?? '未知',
      age: ageOn(row.brdy, chinaDate(row.begntime)),
      admdvs_name: row.admdvs_name,
      township: row.township,
    },
    history: history.map((record) => ({
      setl_id: record.setl_id,
      kind: record.kind,
      setl_time: chinaTime(record.setl_time),
      fund_pay_sumamt: yuan(record.fund_pay_sumamt),
      psn_part_amt: yuan(record.psn_part_amt),
    })),
  };
}
