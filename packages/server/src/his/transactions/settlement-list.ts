/**
 * 4101 / 4101A 医疗保障基金结算清单信息上传: the settlement list of one settlement, which DRG/DIP grouping and payment
 * read. 4101 carries the whole list (setlinfo with the person's details, blood and payments, fee items by category);
 * 4101A the part the institution fills in (setlinfo without what the settlement already knows, blood as bldinfo[]).
 * Both are accepted with every field of either; what grouping reads is validated strictly, the rest for its form.
 *
 * The list names a standing settlement of the calling institution (psn_no, mdtrt_id, setl_id). It is stored whole,
 * normalized, with the codes grouping needs beside it; a new upload for the same settlement replaces it and counts a
 * version (docs/HIS.md).
 */
import { MED_TYPES } from '@sanbao/core';
import { shareEncounter } from '../../encounters/repository.js';
import { sealIdNumbersInJson } from '../../security/identity.js';
import { readInput, type Handler, type HisContext } from '../context.js';
import { Refusal } from '../../refusal.js';
import {
  checkItems,
  checkSetlinfoTimes,
  readBlood,
  readDiagnoses,
  readIcuStays,
  readProcedures,
  readStay,
  type EncounterTimes,
} from './settlement-list-checks.js';
import { durationMinutes } from './settlement-list-fields.js';
import { canonicalSetlinfo, readLists, setlinfoSchema, type Setlinfo } from './settlement-list-nodes.js';

interface SettlementRow {
  mdtrt_id: string;
  fixmedins_code: string;
  kind: string;
  reversed_by: string | null;
  med_type: string;
  medfee_sumamt: number;
}

/**
 * The settlement the list is for, and its encounter's times, with the encounter locked (as a cancellation locks it):
 * the settlement cannot be cancelled while its list is stored.
 */
async function standingSettlement(
  context: HisContext,
  info: Setlinfo,
): Promise<{ settlement: SettlementRow; encounter: EncounterTimes }> {
  const { client } = context;
  const [encounter, settlements] = await Promise.all([
    shareEncounter(client, info.psn_no, info.mdtrt_id),
    client.query<SettlementRow>(
      'select mdtrt_id, fixmedins_code, kind, reversed_by, med_type, medfee_sumamt from settlements where psn_no = $1 and setl_id = $2',
      [info.psn_no, info.setl_id],
    ),
  ]);
  const settlement = settlements.rows[0];
  const mine = context.institution.fixmedins_code;
  if ((settlement && settlement.fixmedins_code !== mine) || (encounter && encounter.fixmedins_code !== mine))
    throw new Refusal('FORBIDDEN', `结算 ${info.setl_id} 属于其他定点医药机构`);
  if (!settlement || !encounter || settlement.kind !== 'settlement' || settlement.mdtrt_id !== info.mdtrt_id)
    throw new Refusal('SETTLEMENT_NOT_FOUND', `人员 ${info.psn_no} 的就诊 ${info.mdtrt_id} 没有结算ID ${info.setl_id}`);
  if (settlement.reversed_by !== null)
    throw new Refusal(
      'STATE',
      `结算 ${info.setl_id} 已撤销（撤销结算ID ${settlement.reversed_by}），不能上传结算清单；请上传重新结算后的结算ID`,
    );
  return { settlement, encounter };
}

/** 4101 and 4101A: validates the list, stores it (replacing an earlier one) and answers its list ID. */
export const uploadSettlementList: Handler = async (context) => {
  const info = readInput(context, 'setlinfo', setlinfoSchema);
  const lists = readLists(context);
  if (info.fixmedins_code !== undefined && info.fixmedins_code !== context.institution.fixmedins_code)
    throw new Refusal(
      'INSTITUTION_MISMATCH',
      `input.setlinfo.fixmedins_code ${info.fixmedins_code} 不是本机构编号 ${context.institution.fixmedins_code}`,
    );
  checkSetlinfoTimes(context, info);

  const { settlement, encounter } = await standingSettlement(context, info);
  const inpatient = MED_TYPES[settlement.med_type]?.encounter === 'inpatient';
  const warnings: string[] = [];
  const stay = readStay(info, encounter, inpatient, warnings);
  const diagnoses = readDiagnoses(lists, inpatient);
  const procedures = readProcedures(context, lists);
  const icuMinutes = readIcuStays(context, lists, stay.admTime, stay.dscgTime, warnings);
  const blood = readBlood(info, lists);
  checkItems(lists, settlement.medfee_sumamt);

  const setlinfo = canonicalSetlinfo(info);
  const nwbBirWts = [info.nwb_bir_wt ?? info.nwbbirwt, ...(info.mul_nwb_bir_wt ?? [])].filter((w) => w !== undefined);
  const nwbAdmWts = [info.nwb_adm_wt ?? info.nwbadmwt, ...(info.mul_nwb_adm_wt ?? [])].filter((w) => w !== undefined);
  // The list as stored: the normalized nodes (fields outside the specification are not kept; the message log has
  // the request as sent), ID numbers sealed as in the message log.
  const document = sealIdNumbersInJson(JSON.stringify({ ...lists, setlinfo, bldinfo: blood.blood }));

  const { rows } = await context.client.query<{ setl_list_id: string; version: number }>(
    `insert into settlement_lists (psn_no, setl_id, setl_list_id, mdtrt_id, fixmedins_code, infno, version,
        main_diag_code, other_diag_codes, main_oprn_code, oprn_codes, icu_minutes, vent_minutes, bld_amt, bld_unt,
        dscg_way, adm_time, dscg_time, ipt_days, nwb_bir_wts, nwb_adm_wts, list, msgid, first_uploaded_at, uploaded_at)
     values ($1, $2, 'SL' || $3 || lpad(nextval('setl_list_seq')::text, 10, '0'), $4, $5, $6, 1,
        $7, $8, $9, $10, $11, $12, $13, $14,
        $15, $16::timestamp at time zone 'Asia/Shanghai', $17::timestamp at time zone 'Asia/Shanghai', $18, $19, $20,
        $21::jsonb, $22, $23, $23)
     on conflict (psn_no, setl_id) do update set
        infno = excluded.infno, version = settlement_lists.version + 1,
        main_diag_code = excluded.main_diag_code, other_diag_codes = excluded.other_diag_codes,
        main_oprn_code = excluded.main_oprn_code, oprn_codes = excluded.oprn_codes,
        icu_minutes = excluded.icu_minutes, vent_minutes = excluded.vent_minutes,
        bld_amt = excluded.bld_amt, bld_unt = excluded.bld_unt, dscg_way = excluded.dscg_way,
        adm_time = excluded.adm_time, dscg_time = excluded.dscg_time, ipt_days = excluded.ipt_days,
        nwb_bir_wts = excluded.nwb_bir_wts, nwb_adm_wts = excluded.nwb_adm_wts,
        list = excluded.list, msgid = excluded.msgid, uploaded_at = excluded.uploaded_at
     returning setl_list_id, version`,
    [
      info.psn_no,
      info.setl_id,
      context.today.replaceAll('-', ''),
      info.mdtrt_id,
      context.institution.fixmedins_code,
      context.envelope.infno,
      diagnoses.mainDiagCode,
      diagnoses.otherDiagCodes,
      procedures.mainOprnCode,
      procedures.oprnCodes,
      icuMinutes,
      info.vent_used_dura === undefined ? null : durationMinutes(info.vent_used_dura),
      blood.bldAmt,
      blood.bldUnt,
      info.dscg_way ?? null,
      stay.admTime,
      stay.dscgTime,
      stay.iptDays,
      nwbBirWts,
      nwbAdmWts,
      document,
      context.envelope.msgid,
      context.now,
    ],
  );
  const stored = rows[0];
  if (!stored) throw new Error('settlement list not stored');
  // Clients read the list ID at output.setl_list_id or at output.data.setl_list_id: both are given.
  return {
    psnNo: info.psn_no,
    output: { setl_list_id: stored.setl_list_id, data: { setl_list_id: stored.setl_list_id } },
    ...(warnings.length > 0 ? { warn: warnings.join('；') } : {}),
  };
};
