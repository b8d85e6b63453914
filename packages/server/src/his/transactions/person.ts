/** 9001 签到 and 1101 人员信息获取. */
import { activeCategories, CATEGORY_NAMES } from '@sanbao/core';
import { z } from 'zod';
import { categoriesOf, findPerson, nextId } from '../../store.js';
import { readInput, type Handler } from '../context.js';
import { personByVoucher } from '../vouchers.js';
import { chinaDateTime, HisError } from '../protocol.js';

export const signIn: Handler = async (context) => {
  readInput(
    context,
    'signIn',
    z.looseObject({ opter_no: z.string().min(1), mac: z.string().optional(), ip: z.string().optional() }),
  );
  const signNo = await nextId(context.client, 'sign_seq', 'SG', context.today);
  return { output: { signinoutb: { sign_time: chinaDateTime(context.now), sign_no: signNo } } };
};

const personQuery = z.looseObject({
  mdtrt_cert_type: z.enum(['01', '02', '03'], {
    message: '就诊凭证类型应为 01 医保电子凭证、02 居民身份证、03 社会保障卡',
  }),
  mdtrt_cert_no: z.string().min(1).max(50),
  psn_cert_type: z.string().optional(),
  certno: z.string().max(50).optional(),
  psn_name: z.string().max(50).optional(),
});

/** Years of age on a date. */
function ageOn(birth: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(birth.slice(0, 4));
  return date.slice(5) < birth.slice(5) ? years - 1 : years;
}

export const personInfo: Handler = async (context) => {
  const query = readInput(context, 'data', personQuery);
  // The card's number when the HIS sends it separately (certno) with an ID card; the voucher itself otherwise.
  const certNo = query.mdtrt_cert_type === '01' ? query.mdtrt_cert_no : query.certno || query.mdtrt_cert_no;
  const { psnNo } = await personByVoucher(context, query.mdtrt_cert_type, certNo);
  const person = await findPerson(context.client, psnNo);
  if (query.psn_name && query.psn_name !== person.psn_name)
    throw new HisError('PERSON_NOT_FOUND', '姓名与证件号码不符');
  const enrollments = await context.client.query<{
    year: number;
    insutype: string;
    begin_date: string;
    end_date: string;
  }>('select year, insutype, begin_date, end_date from enrollments where psn_no = $1 order by year desc', [psnNo]);
  const spells = await categoriesOf(context.client, psnNo);
  const active = new Set(activeCategories(spells, context.today));
  const age = ageOn(person.brdy, context.today);
  return {
    psnNo,
    output: {
      baseinfo: {
        psn_no: psnNo,
        psn_cert_type: '01',
        certno: person.certno,
        psn_name: person.psn_name,
        gend: person.gend,
        naty: '01',
        brdy: person.brdy,
        age,
      },
      insuinfo: enrollments.rows.map((row) => ({
        balc: 0,
        insutype: row.insutype,
        psn_type: age >= 18 ? '1501' : '1405',
        psn_insu_stas: row.begin_date <= context.today && context.today <= row.end_date ? '1' : '2',
        psn_insu_date: row.begin_date,
        paus_insu_date: row.end_date,
        cvlserv_flag: '0',
        insuplc_admdvs: person.admdvs,
        emp_name: '',
      })),
      // psn_idet_type: the national list is not published; the platform sends its glossary codes (docs/HIS.md).
      idetinfo: spells
        .filter((spell) => active.has(spell.code))
        .map((spell) => ({
          psn_idet_type: spell.code,
          psn_type_lv: '',
          memo: CATEGORY_NAMES[spell.code],
          begntime: spell.begin,
          endtime: spell.end ?? '',
        })),
    },
  };
};
