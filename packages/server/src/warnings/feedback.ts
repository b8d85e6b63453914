/**
 * Feedback (反馈) to townships and departments: on a level's cadence, each township (with its department) gets a
 * batch holding every warning of that level it has this year, the ones it has not had yet marked new; those become
 * "sent", and the batch hands its warnings down to the township (下放) unless the bureau has taken them back. A level fed back at once gets a batch whenever a township has a new one. A batch keeps its rows as they
 * were, so its workbook is the one that was sent, whenever it is downloaded.
 */
import { departmentName, WARNING_LEVEL_NAMES, WARNING_STATUSES, yearOf } from '@sanbao/core';
import type { WarningStatus } from '@sanbao/core';
import { groupBy } from '../collections.js';
import { inTransaction, type Pool } from '../db/pool.js';
import { chinaDateTime } from '../time.js';
import { maskedCertno } from '../security/identity.js';
import { workbookXlsx, type Sheet } from '../xlsx.js';
import { handDownFed } from './handover.js';

export type FedLevel = 'blue' | 'yellow' | 'red';

export interface FeedbackRun {
  level: FedLevel;
  /** The regions whose policy feeds this level back at the cadence being run. */
  regions: string[];
  dueDate: string;
  now: Date;
  /** Immediate feedback: only townships with a warning not yet sent get a batch. */
  onlyWithNew: boolean;
  actor: string;
}

export interface FeedbackResult {
  batches: number;
  warnings: number;
  newWarnings: number;
}

interface Due {
  psn_no: string;
  year: number;
  admdvs: string;
  township: string;
  department: string;
  amount: string;
  status: WarningStatus;
  handover_id: number | null;
}

export async function feedBack(pool: Pool, run: FeedbackRun): Promise<FeedbackResult> {
  const year = yearOf(run.dueDate);
  return inTransaction(pool, async (client) => {
    // Last year's warnings still go out once if they were raised too late to be sent; what the bureau has taken back
    // from a township (收回) does not go to it again.
    const { rows } = await client.query<Due>(
      `select psn_no, year, admdvs, township, department, amount, status, handover_id from warnings
        where level = $1 and admdvs = any($2::text[]) and (year = $3 or (year = $3 - 1 and status = 'new')) and not recalled
        order by admdvs, township, department, psn_no
          for update`,
      [run.level, run.regions, year],
    );
    const groups = groupBy(rows, (row) => `${row.admdvs}\u0000${row.township}\u0000${row.department}`);
    const result: FeedbackResult = { batches: 0, warnings: 0, newWarnings: 0 };
    for (const group of groups.values()) {
      const fresh = group.filter((row) => row.status === 'new');
      if (run.onlyWithNew && fresh.length === 0) continue;
      const first = group[0]!;
      const { rows: made } = await client.query<{ batch_id: string }>(
        `insert into feedback_batches (level, admdvs, township, department, due_date, warnings, new_warnings, at)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning batch_id`,
        [run.level, first.admdvs, first.township, first.department, run.dueDate, group.length, fresh.length, run.now],
      );
      const batchId = made[0]!.batch_id;
      await client.query(
        `insert into feedback_items (batch_id, psn_no, year, level, amount, status, is_new)
         select $1, psn_no, year, $2, amount, status, status = 'new'
           from unnest($3::text[], $4::int[], $5::bigint[], $6::text[]) as t(psn_no, year, amount, status)`,
        [
          batchId,
          run.level,
          group.map((r) => r.psn_no),
          group.map((r) => r.year),
          group.map((r) => r.amount),
          group.map((r) => r.status),
        ],
      );
      await handDownFed(client, group, { batchId, year, actor: run.actor, at: run.now });
      if (fresh.length > 0) {
        await client.query(
          `with sent as (
             update warnings w set status = 'sent', updated_at = $4
               from unnest($1::text[], $2::int[]) as t(psn_no, year)
              where w.psn_no = t.psn_no and w.year = t.year and w.status = 'new'
             returning w.psn_no, w.year)
           insert into warning_actions (psn_no, year, from_status, to_status, actor, note, at)
           select psn_no, year, 'new', 'sent', $3, '已反馈（反馈批次 ' || $5 || '）', $4 from sent`,
          [fresh.map((r) => r.psn_no), fresh.map((r) => r.year), run.actor, run.now, batchId],
        );
      }
      result.batches += 1;
      result.warnings += group.length;
      result.newWarnings += fresh.length;
    }
    return result;
  });
}

export interface BatchRow {
  batch_id: string;
  level: FedLevel;
  admdvs: string;
  county: string;
  township: string;
  department: string;
  due_date: string;
  warnings: number;
  new_warnings: number;
  at: Date;
}

/** The batch's workbook: the township's warnings of the level as they were sent, new ones first. */
export async function batchWorkbook(pool: Pool, batch: BatchRow): Promise<Buffer> {
  const { rows } = await pool.query<{
    psn_no: string;
    psn_name: string;
    certno_sm4: string;
    gend: string;
    year: number;
    amount: string;
    status: WarningStatus;
    is_new: boolean;
    population: string;
    raised_at: Date;
  }>(
    `select i.psn_no, p.psn_name, p.certno_sm4, p.gend, i.year, i.amount, i.status, i.is_new, w.population, w.raised_at
       from feedback_items i join persons p on p.psn_no = i.psn_no join warnings w on w.psn_no = i.psn_no and w.year = i.year
      where i.batch_id = $1 order by i.is_new desc, i.amount desc, i.psn_no`,
    [batch.batch_id],
  );
  const levelName = WARNING_LEVEL_NAMES[batch.level];
  const department = departmentName(batch.department);
  const ledger: Sheet = {
    name: `${levelName}台账`,
    columns: [
      { header: '本期新增', width: 10 },
      { header: '人员编号', width: 22, text: true },
      { header: '姓名', width: 10 },
      { header: '身份证号码', width: 22, text: true },
      { header: '性别', width: 6 },
      { header: '年度', width: 8 },
      { header: '人群', width: 18 },
      { header: '预警级别', width: 10 },
      { header: '年度自付医药费用（元）', width: 22, money: true },
      { header: '首次预警时间', width: 20 },
      { header: '跟进状态', width: 12 },
      // Filled in by the township after the visit, and reported back through the console.
      { header: '走访情况', width: 30 },
      { header: '帮扶措施', width: 30 },
    ],
    rows: rows.map((row) => [
      row.is_new ? '是' : '',
      row.psn_no,
      row.psn_name,
      maskedCertno(row.certno_sm4),
      row.gend === '1' ? '男' : '女',
      row.year,
      row.population,
      levelName,
      Number(row.amount),
      chinaDateTime(row.raised_at),
      WARNING_STATUSES[row.status],
      '',
      '',
    ]),
  };
  const about: Sheet = {
    name: '反馈说明',
    columns: [
      { header: '项目', width: 16 },
      { header: '内容', width: 60 },
    ],
    rows: [
      ['反馈批次', batch.batch_id],
      ['县（市、区）', `${batch.county}（${batch.admdvs}）`],
      ['乡镇（街道）', batch.township],
      ['反馈部门', department],
      ['预警级别', levelName],
      ['反馈日期', batch.due_date],
      ['预警人数', batch.warnings],
      ['本期新增', batch.new_warnings],
      ['说明', '身份证号码已脱敏；请家庭签约医生入户走访后，在平台登记走访情况与帮扶措施。'],
    ],
  };
  return workbookXlsx([ledger, about]);
}
