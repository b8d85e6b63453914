/** 9001 签到 and 1101 人员信息获取. */
import { activeCategories, CATEGORY_NAMES } from '@sanbao/core';
import { z } from 'zod';
import { nextId } from '../../encounters/repository.js';
import { categoriesOf, enrollmentsOf, findPerson } from '../../persons/repository.js';
import { readInput, type Handler } from '../context.js';
import { personByVoucher } from '../vouchers.js';
import { Refusal } from '../../refusal.js';
import { ageOn, chinaDateTime } from '../../time.js';
import { code, dateTime, optional, text } from '../fields.js';

export const signIn: Handler = async (context) => {
  readInput(
    context,
    'signIn',
    z.looseObject({ opter_no: code(30), mac: optional(text(100)), ip: optional(text(100)) }),
  );
  const signNo = await nextId(context.client, 'sign_seq', 'SG', context.today);
  return { output: { signinoutb: { sign_time: chinaDateTime(context.now), sign_no: signNo } } };
};

/** 9002 签退: the operator signs out; the platform keeps no session, so it answers with the time and the number. */
export const signOut: Handler = (context) => {
  const data = readInput(context, 'signOut', z.looseObject({ sign_no: text(100), opter_no: code(30) }));
  return Promise.resolve({ output: { signoutoutb: { sign_time: chinaDateTime(context.now), sign_no: data.sign_no } } });
};

const personQuery = z.looseObject({
  mdtrt_cert_type: code(3, { width: 2 }).pipe(
    z.enum(['01', '02', '03'], { message: '就诊凭证类型应为 01 医保电子凭证、02 居民身份证、03 社会保障卡' }),
  ),
  mdtrt_cert_no: code(50),
  card_sn: optional(code(50)),
  begntime: optional(dateTime),
  psn_cert_type: optional(code(6, { width: 2 })),
  certno: optional(code(50)),
  psn_name: optional(text(50)),
});

export const personInfo: Handler = async (context) => {
  const query = readInput(context, 'data', personQuery);
  // The card's number when the HIS sends it separately (certno) with an ID card; the voucher itself otherwise.
  const certNo = query.mdtrt_cert_type === '01' ? query.mdtrt_cert_no : query.certno || query.mdtrt_cert_no;
  const { psnNo } = await personByVoucher(context, query.mdtrt_cert_type, certNo);
  const person = await findPerson(context.client, psnNo);
  if (query.psn_name && query.psn_name !== person.psn_name) throw new Refusal('PERSON_NOT_FOUND', '姓名与证件号码不符');
  const enrollments = await enrollmentsOf(context.client, psnNo);
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
      insuinfo: enrollments.map((row) => {
        const insured = row.begin_date <= context.today && context.today <= row.end_date;
        return {
          balc: 0,
          insutype: row.insutype,
          psn_type: age >= 18 ? '1501' : '1405',
          psn_insu_stas: insured ? '1' : '2',
          psn_insu_date: row.begin_date,
          // 暂停参保日期: none while insured; the day cover ended otherwise.
          paus_insu_date: insured ? null : row.end_date,
          cvlserv_flag: '0',
          insuplc_admdvs: person.admdvs,
          emp_name: '',
        };
      }),
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
