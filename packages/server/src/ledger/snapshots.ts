/**
 * Before and after: every spell an import wrote is kept as it was before (the merge's `latest`, taken before any
 * change) and as the import left it, with what happened to it — created (新增), changed (变更) or ended because its
 * person left the ledger (取消); and the rows a confirmed preview held back for a clerk (待核查).
 */
import type { Queryable } from './import-types.js';

/** After the merge, on its transaction (its temporary tables `latest` and `leaving`). */
export async function recordSnapshot(client: Queryable, importId: number): Promise<void> {
  await client.query(
    `insert into ledger_import_snapshots (import_id, psn_no, spell_id, code, change, before_begin, before_end, after_begin, after_end)
     select $1, c.psn_no, c.spell_id, c.code,
            case when l.spell_id is null then 'created' when e.spell_id is not null then 'ended' else 'changed' end,
            l.begin_date, l.end_date, c.begin_date, c.end_date
       from person_categories c
       left join latest l on l.psn_no = c.psn_no and l.spell_id = c.spell_id
       left join leaving e on e.psn_no = c.psn_no and e.spell_id = c.spell_id
      where c.import_id = $1`,
    [importId],
  );
}

/** The rows the preview held (its `preview_items`), kept with the import that did not apply them. */
export async function recordHolds(client: Queryable, importId: number): Promise<number> {
  const { rowCount } = await client.query(
    `insert into ledger_import_holds (import_id, row_no, psn_no, code, begin_date, end_date, other_code, other_begin, other_end)
     select $1, row_no, psn_no, code, after_begin, after_end, before_code, before_begin, before_end
       from preview_items where kind = 'held'`,
    [importId],
  );
  return rowCount ?? 0;
}
