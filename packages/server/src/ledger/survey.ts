/**
 * What a staged ledger would do to the register, found without doing it (the preview, and its confirmation again
 * before merging): rows that disagree with another department are held back (disagreement.ts), the merge's plan is
 * taken (merge.ts), and every spell it would write is listed in the temporary table `preview_items` as new (新增),
 * changed (变更), ended (取消: running, of the department in the region, its person missing from the ledger) or held
 * (待核查), with the spell as it is and as it would be. A digest of all that — and of the department's spells the
 * merge reads — tells a confirmation whether the register still gives the same.
 */
import type { ImportRequest, Queryable } from './import-types.js';
import { disagreeingPairs } from './disagreement.js';
import { plan } from './merge.js';

export interface Survey {
  newSpells: number;
  personsNew: number;
  changed: number;
  ended: number;
  held: number;
  unchanged: number;
  /** The running spells of the department in the region (the mass-end check's whole). */
  running: number;
  digest: string;
}

/** Rows whose category disagrees with another department's running spell: staged as not good, marked held. */
async function hold(client: Queryable, request: ImportRequest): Promise<void> {
  const pairs = disagreeingPairs(request.department);
  await client.query(
    `create temp table held_rows on commit drop as
      select distinct on (l.row_no) l.row_no, p.psn_no, c.spell_id, c.code as other_code, c.begin_date as other_begin, c.end_date as other_end
        from ledger_rows l
        join persons p on p.certno_index = l.certno_index
        join unnest($2::text[], $3::text[]) as x(own, other) on x.own = l.code
        join person_categories c on c.psn_no = p.psn_no and c.code = x.other
       where l.good and (l.end_date is null or l.end_date >= $1::date)
         and c.begin_date <= $1::date and (c.end_date is null or c.end_date >= $1::date)
       order by l.row_no, c.begin_date, c.spell_id`,
    [request.ledgerDate, pairs.own, pairs.other],
  );
  await client.query(
    'update ledger_rows l set good = false, held = true from held_rows h where l.good and l.row_no = h.row_no',
  );
}

const ITEM_COLUMNS =
  'kind, row_no, psn_no, psn_name, certno_sm4, code, spell_id, before_code, before_begin, before_end, after_begin, after_end, note';

/** Lists what the merge would write in `preview_items` (the statements mirror merge.ts's, on the same tables). */
async function list(client: Queryable, request: ImportRequest): Promise<void> {
  await client.query(`create temp table preview_items (kind text, row_no integer, psn_no text, psn_name text, certno_sm4 text,
      code text, spell_id bigint, before_code text, before_begin date, before_end date, after_begin date, after_end date,
      note text) on commit drop`);
  // Persons the merge registers: each of their rows is a new spell.
  await client.query(
    `insert into preview_items (${ITEM_COLUMNS})
     select 'new', l.row_no, null, l.name, l.certno_sm4, l.code, null, null, null, null, l.begin_date, l.end_date, '新登记人员'
       from ledger_rows l where l.good and not exists (select 1 from persons p where p.certno_index = l.certno_index)`,
  );
  await client.query(
    `with r as (
       select l.row_no, p.psn_no, p.psn_name, p.certno_sm4, l.code, l.begin_date, l.end_date,
              t.spell_id, t.begin_date as t_begin, t.end_date as t_end
         from ledger_rows l join persons p on p.certno_index = l.certno_index
         left join latest t on t.psn_no = p.psn_no and t.code = l.code
        where l.good)
     insert into preview_items (${ITEM_COLUMNS})
     select 'new', row_no, psn_no, psn_name, certno_sm4, code, null, null, null, null, begin_date, end_date,
            case when spell_id is null then '' else '新的认定日期，另立一段类别记录' end
       from r where spell_id is null or begin_date > t_begin
     union all
     select 'changed', row_no, psn_no, psn_name, certno_sm4, code, spell_id, code, t_begin, t_end, t_begin, end_date,
            case when end_date is null then '恢复有效（取消终止日期）' when t_end is null then '台账填写了终止日期' else '终止日期变更' end
       from r where begin_date = t_begin and t_end is distinct from end_date
     union all
     select 'changed', row_no, psn_no, psn_name, certno_sm4, code, spell_id, code, t_begin, t_end, begin_date, end_date, '认定日期更正为更早的日期'
       from r where begin_date < t_begin
     union all
     select 'changed', row_no, psn_no, psn_name, certno_sm4, code, spell_id, code, t_begin, t_end, t_begin, begin_date - 1,
            '有新的认定日期，原记录终止于其前一日'
       from r where begin_date > t_begin and (t_end is null or t_end >= begin_date)`,
  );
  await client.query(
    `insert into preview_items (${ITEM_COLUMNS})
     select 'ended', null, e.psn_no, p.psn_name, p.certno_sm4, t.code, t.spell_id, t.code, t.begin_date, t.end_date,
            t.begin_date, greatest(t.begin_date, $1::date - 1), '本次台账未列出，类别于台账日期前一日终止'
       from leaving e join latest t on t.psn_no = e.psn_no and t.spell_id = e.spell_id join persons p on p.psn_no = e.psn_no`,
    [request.ledgerDate],
  );
  await client.query(
    `insert into preview_items (${ITEM_COLUMNS})
     select 'held', h.row_no, h.psn_no, p.psn_name, p.certno_sm4, l.code, h.spell_id, h.other_code, h.other_begin, h.other_end,
            l.begin_date, l.end_date, ''
       from held_rows h join ledger_rows l on l.row_no = h.row_no and l.held join persons p on p.psn_no = h.psn_no`,
  );
}

/**
 * Holds, plans and lists (the temporary tables stay for the merge), and counts. Runs on a transaction holding the
 * staged rows in `ledger_rows`, after the register's name check.
 */
export async function survey(client: Queryable, request: ImportRequest): Promise<Survey> {
  await hold(client, request);
  const planned = await plan(client, request);
  await list(client, request);
  const { rows } = await client.query<Omit<Survey, 'running' | 'ended'>>(
    `select count(*) filter (where kind = 'new')::int as "newSpells",
            (select count(distinct l.certno_index)::int from ledger_rows l
              where l.good and not exists (select 1 from persons p where p.certno_index = l.certno_index)) as "personsNew",
            count(*) filter (where kind = 'changed')::int as changed,
            count(*) filter (where kind = 'held')::int as held,
            (select count(*)::int from ledger_rows l join persons p on p.certno_index = l.certno_index
                join latest t on t.psn_no = p.psn_no and t.code = l.code
              where l.good and l.begin_date = t.begin_date and l.end_date is not distinct from t.end_date) as unchanged,
            -- Order-free sums of row hashes: what would be written, what the merge reads, which rows are good.
            concat_ws('|',
              count(*),
              coalesce(sum(hashtextextended(concat_ws(',', kind, row_no, psn_no, code, spell_id, before_code, before_begin,
                                                      before_end, after_begin, after_end), 17)), 0),
              (select concat(count(*), ':', coalesce(sum(hashtextextended(t::text, 17)), 0)) from latest t),
              (select concat(count(*), ':', coalesce(sum(hashtextextended(concat(row_no, good, held), 17)), 0)) from ledger_rows)
            ) as digest
       from preview_items i`,
  );
  return { ...rows[0]!, ended: planned.ending, running: planned.running };
}
