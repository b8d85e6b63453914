/**
 * The shapes of the ledger routes' requests and answers: the reporting department, and what an import did — its
 * counts, its bad rows and the settlements it left to be made again.
 */
import { CATEGORY_NAMES, DEPARTMENT_CODES, type Department } from '@sanbao/core';
import { z } from 'zod';
import { ChinaTime, IsoDay } from '../console/units.js';
import type { ImportResult, Resettlement } from './import.js';

export const DepartmentCode = z
  .enum(DEPARTMENT_CODES as [Department, ...Department[]], { message: '未知的报送部门' })
  .describe('报送部门代码');

export const ResettlementAnswer = z.object({
  psn_no: z.string().describe('人员编号'),
  psn_name: z.string().describe('姓名'),
  setl_id: z.string().describe('结算ID'),
  mdtrt_id: z.string().describe('就诊ID'),
  fixmedins_code: z.string().describe('定点医疗机构编号'),
  setl_time: ChinaTime.describe('结算时间'),
  category: z.string().describe('结算所依人员类别代码'),
  category_name: z.string().describe('结算所依人员类别'),
  spell_end: IsoDay.describe('该类别的终止日期'),
  reason: z.string().describe('需重新结算的原因'),
});

export function resettlementAnswer(row: Resettlement): z.input<typeof ResettlementAnswer> {
  const name = CATEGORY_NAMES[row.category] ?? row.category;
  return {
    psn_no: row.psnNo,
    psn_name: row.psnName,
    setl_id: row.setlId,
    mdtrt_id: row.mdtrtId,
    fixmedins_code: row.fixmedinsCode,
    // The import gives the time as China's wall clock ("2026-06-15 10:00:00"): the same moment with its offset.
    setl_time: `${row.setlTime.slice(0, 10)}T${row.setlTime.slice(11, 19)}+08:00`,
    category: row.category,
    category_name: name,
    spell_end: row.spellEnd,
    reason: `需重新结算：${name}已于 ${row.spellEnd} 终止，本笔按该类别结算`,
  };
}

const Count = z.number().int();
export const ImportAnswer = z
  .object({
    import_id: z.number().int().describe('导入记录编号'),
    status: z
      .enum(['imported', 'refused', 'duplicate'])
      .describe('imported 已导入、refused 未导入、duplicate 重复文件'),
    total_rows: Count.describe('数据行数'),
    good_rows: Count.describe('正确行数'),
    bad_rows: Count.describe('错误行数'),
    persons_created: Count.describe('新登记人员数'),
    spells_created: Count.describe('新增人员类别数'),
    spells_changed: Count.describe('变更人员类别数'),
    spells_ended: Count.describe('终止人员类别数'),
    file_problem: z
      .object({ code: z.string().describe('错误代码'), message: z.string().describe('中文说明') })
      .optional()
      .describe('整个文件的问题（无表头、空文件、格式不符、终止过多）'),
    problems: z
      .array(
        z.object({
          row: Count.describe('文件中的行号'),
          codes: z.array(z.string()).describe('错误代码'),
          reasons: z.string().describe('错误原因'),
        }),
      )
      .describe('错误行（至多 100 行；全部见错误行报告）'),
    error_report: z.string().optional().describe('错误行报告（XLSX）的地址'),
    spells_to_end: Count.optional().describe('将终止的人员类别数'),
    spells_running: Count.optional().describe('本部门在该区划有效的人员类别数'),
    resettlements_needed: Count.describe('需重新结算的结算记录数'),
    resettlements: z.array(ResettlementAnswer).describe('需重新结算的结算记录（至多 200 条）'),
    resettlement_list: z.string().optional().describe('需重新结算的全部记录的地址'),
  })
  .describe('导入结果');

/** A refused import: the refusal, and the record of the import with its reasons. */
export const RefusedImport = z
  .object({
    code: z.string().describe('错误代码'),
    message: z.string().describe('中文说明'),
    spells_to_end: Count.optional().describe('将终止的人员类别数（LEDGER_MASS_END）'),
    spells_running: Count.optional().describe('本部门在该区划有效的人员类别数（LEDGER_MASS_END）'),
    import: ImportAnswer,
  })
  .describe('未导入（409 LEDGER_MASS_END、415 LEDGER_FORMAT、422 LEDGER_HEADER、LEDGER_EMPTY 或 LEDGER_REFUSED）');

export function importAnswer(result: ImportResult): z.input<typeof ImportAnswer> {
  return {
    import_id: result.importId,
    status: result.status,
    total_rows: result.totalRows,
    good_rows: result.goodRows,
    bad_rows: result.badRows,
    persons_created: result.personsCreated,
    spells_created: result.spellsCreated,
    spells_changed: result.spellsChanged,
    spells_ended: result.spellsEnded,
    ...(result.fileProblem ? { file_problem: result.fileProblem } : {}),
    problems: result.problems
      .slice(0, 100)
      .map((problem) => ({ row: problem.rowNo, codes: problem.codes, reasons: problem.reasons })),
    ...(result.badRows > 0 ? { error_report: `/api/ledger-imports/${result.importId}/errors.xlsx` } : {}),
    ...(result.massEnd ? { spells_to_end: result.massEnd.ending, spells_running: result.massEnd.running } : {}),
    resettlements_needed: result.resettlements.length,
    resettlements: result.resettlements.slice(0, 200).map(resettlementAnswer),
    ...(result.resettlements.length > 0
      ? { resettlement_list: `/api/ledger-imports/${result.importId}/resettlements` }
      : {}),
  };
}
