/**
 * The shapes of the preview's answers: a preview's counts and state, a spell before and after (a preview's item, an
 * import's snapshot or held row), with names for every code and ID numbers masked.
 */
import { CATEGORY_NAMES, departmentName, type CategoryCode } from '@sanbao/core';
import { z } from 'zod';
import { chinaTime, ChinaTime, IsoDay } from '../console/units.js';
import { maskedCertno } from '../security/identity.js';
import { disagreementReason, ownerOf } from './disagreement.js';
import { isMassEnd, MASS_END } from './merge.js';
import type { PreviewRow, SpellChangeRow } from './queries.js';

const Count = z.number().int();
const categoryName = (code: string): string => CATEGORY_NAMES[code as CategoryCode] ?? code;

export const SpellChange = z.object({
  row: Count.nullable().describe('文件中的行号（取消的类别无行号）'),
  psn_no: z.string().nullable().describe('人员编号（确认导入时新登记的人员为空）'),
  psn_name: z.string().describe('姓名'),
  certno: z.string().describe('身份证号码（脱敏）'),
  category: z.string().describe('人员类别代码'),
  category_name: z.string().describe('人员类别'),
  before: z
    .object({
      category: z.string().describe('类别代码'),
      category_name: z.string().describe('类别'),
      department_name: z.string().describe('认定部门'),
      begin: IsoDay.nullable().describe('认定日期'),
      end: IsoDay.nullable().describe('终止日期（空为有效）'),
    })
    .nullable()
    .describe('原登记（待核查时为另一部门的类别；新增为空）'),
  after: z
    .object({ begin: IsoDay.nullable().describe('认定日期'), end: IsoDay.nullable().describe('终止日期（空为有效）') })
    .describe('导入后（待核查为台账所报，未导入）'),
  note: z.string().describe('说明'),
});

export function spellChange(row: SpellChangeRow): z.input<typeof SpellChange> {
  const before =
    row.before_code !== null && row.before_begin !== null
      ? {
          category: row.before_code,
          category_name: categoryName(row.before_code),
          department_name: departmentName(ownerOf(row.before_code) ?? ''),
          begin: row.before_begin,
          end: row.before_end,
        }
      : null;
  return {
    row: row.row_no,
    psn_no: row.psn_no,
    psn_name: row.psn_name,
    certno: maskedCertno(row.certno_sm4),
    category: row.code,
    category_name: categoryName(row.code),
    before,
    after: { begin: row.after_begin, end: row.after_end },
    note:
      row.kind === 'held' && before
        ? disagreementReason(row.code, { code: before.category, begin: before.begin, end: before.end })
        : row.note,
  };
}

export const PreviewAnswer = z
  .object({
    preview_id: Count.describe('预览编号'),
    department: z.string().describe('报送部门代码'),
    department_name: z.string().describe('报送部门'),
    region: z.string().describe('台账所属区划'),
    region_name: z.string().describe('区划名称'),
    ledger_date: IsoDay.describe('台账日期'),
    file_name: z.string().describe('文件名'),
    mode: z.enum(['atomic', 'partial']).describe('atomic 整体导入、partial 仅导入正确行'),
    created_at: ChinaTime.describe('预览时间'),
    expires_at: ChinaTime.describe('预览保留至'),
    import_id: Count.nullable().describe('确认后的导入记录编号（未确认为空）'),
    total_rows: Count.describe('数据行数'),
    importable_rows: Count.describe('可导入的行数'),
    bad_rows: Count.describe('错误行数'),
    rows_held: Count.describe('待核查行数（与其他部门的认定不一致，不导入）'),
    rows_unchanged: Count.describe('与登记一致、无变化的行数'),
    persons_new: Count.describe('将新登记的人员数'),
    spells_new: Count.describe('新增人员类别数'),
    spells_changed: Count.describe('变更人员类别数'),
    spells_ended: Count.describe('取消（终止）人员类别数'),
    spells_running: Count.describe('本部门在该区划有效的人员类别数'),
    mass_end: z.boolean().describe(`将终止超过 ${MASS_END.percent}% 的有效类别（确认时须注明数量）`),
    can_confirm: z.boolean().describe('可否确认导入'),
    blocked: z.string().nullable().describe('不能确认的原因'),
  })
  .describe('台账预览');

export function previewAnswer(row: PreviewRow, now: Date): z.input<typeof PreviewAnswer> {
  const importable = row.total_rows - row.bad_rows - row.rows_held;
  const blocked =
    row.import_id !== null
      ? `已确认导入（导入记录 ${row.import_id}）`
      : row.expires_at < now
        ? '预览已过期，请重新上传'
        : row.mode === 'atomic' && row.bad_rows > 0
          ? `有 ${row.bad_rows} 行错误，整体导入方式下不能导入；请改正后重新上传，或选择“部分导入”`
          : importable === 0
            ? '没有可导入的行'
            : null;
  return {
    preview_id: row.preview_id,
    department: row.source_dept,
    department_name: departmentName(row.source_dept),
    region: row.region,
    region_name: row.region_name,
    ledger_date: row.ledger_date,
    file_name: row.file_name,
    mode: row.mode === 'atomic' ? 'atomic' : 'partial',
    created_at: chinaTime(row.created_at),
    expires_at: chinaTime(row.expires_at),
    import_id: row.import_id,
    total_rows: row.total_rows,
    importable_rows: importable,
    bad_rows: row.bad_rows,
    rows_held: row.rows_held,
    rows_unchanged: row.rows_unchanged,
    persons_new: row.persons_new,
    spells_new: row.spells_new,
    spells_changed: row.spells_changed,
    spells_ended: row.spells_ended,
    spells_running: row.spells_running,
    mass_end: isMassEnd(row.spells_ended, row.spells_running),
    can_confirm: blocked === null,
    blocked,
  };
}

export const Problem = z.object({
  row: Count.describe('文件中的行号'),
  codes: z.array(z.string()).describe('错误代码'),
  reasons: z.string().describe('错误原因'),
  cells: z.array(z.string()).describe('该行内容（身份证号码脱敏）'),
});
