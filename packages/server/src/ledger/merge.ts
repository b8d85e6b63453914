/**
 * The merge of a staged ledger into the register, set-wise: `plan` takes what the merge will read and counts the
 * spells it would end (the safety check against a short list sent as the whole ledger), `merge` writes new persons
 * and new, changed and ended spells, and the settlements made since a spell's new end are listed for re-settlement.
 */
import { DEPARTMENTS } from '@sanbao/core';
import type { ImportRequest, Queryable, Resettlement } from './import-types.js';

/** When an import asks for confirmation: more than `percent` % of the running spells, and at least `minimum` of them. */
export const MASS_END = { percent: 20, minimum: 10 } as const;

export interface Merged {
  personsCreated: number;
  spellsCreated: number;
  spellsChanged: number;
  spellsEnded: number;
}

/**
 * What the merge will read, taken before any change: `latest`, each registered person's newest spell of each of the
 * department's categories in the region; `rows_by_person`, the good rows of registered persons (the merge adds those
 * of the persons it creates); and `leaving`, the running spells of persons the ledger no longer lists (and who are
 * not named in a bad row), which the merge ends. Returns how many spells would end and how many are running.
 */
export async function plan(client: Queryable, request: ImportRequest): Promise<{ ending: number; running: number }> {
  const categories = DEPARTMENTS[request.department].categories as readonly string[];
  await client.query(`create temp table rows_by_person on commit drop as
      select p.psn_no, l.code, l.begin_date, l.end_date from ledger_rows l join persons p on p.certno_index = l.certno_index where l.good`);
  await client.query(
    `create temp table latest on commit drop as
      select distinct on (c.psn_no, c.code) c.psn_no, c.code, c.spell_id, c.begin_date, c.end_date
        from person_categories c join persons p on p.psn_no = c.psn_no
       where c.source_dept = $1 and c.code = any($2) and (p.admdvs = $3 or p.admdvs in (select admdvs from regions where parent = $3))
       order by c.psn_no, c.code, c.begin_date desc, c.spell_id desc`,
    [request.department, categories, request.region],
  );
  // People named only in bad rows: their spells stay as they are.
  await client.query(`create temp table named_in_bad_rows on commit drop as
      select distinct p.psn_no from ledger_rows l join persons p on p.certno_index = l.certno_index where not l.good`);
  await client.query('analyze rows_by_person; analyze latest; analyze named_in_bad_rows');
  // Running on the ledger's date, not on the ledger any more, not named in a bad row.
  await client.query(
    `create temp table leaving on commit drop as
      select l.psn_no, l.spell_id from latest l
       where (l.end_date is null or l.end_date >= $1::date)
         and not exists (select 1 from rows_by_person r where r.psn_no = l.psn_no and r.code = l.code)
         and not exists (select 1 from named_in_bad_rows b where b.psn_no = l.psn_no)`,
    [request.ledgerDate],
  );
  const { rows } = await client.query<{ ending: number; running: number }>(
    `select (select count(*)::int from leaving) as ending,
            (select count(*)::int from latest where end_date is null or end_date >= $1::date) as running`,
    [request.ledgerDate],
  );
  return rows[0]!;
}

/** Whether ending `ending` of `running` spells needs the operator's confirmation. */
export function isMassEnd(ending: number, running: number): boolean {
  return ending >= MASS_END.minimum && ending * 100 > running * MASS_END.percent;
}

/** The merge, on what `plan` took: every statement reads the state before any change, so their order does not matter. */
export async function merge(client: Queryable, request: ImportRequest, importId: number): Promise<Merged> {
  // New persons, and their rows for the statements below.
  const created = await client.query<{ persons: number }>(
    `with created as (
       insert into persons (psn_no, certno_index, certno_sm4, psn_name, gend, brdy, admdvs, township)
       select 'P' || admdvs || 'L' || lpad(nextval('psn_seq')::text, 9, '0'), certno_index, certno_sm4, name, gend, brdy, admdvs, township
         from (select distinct on (certno_index) * from ledger_rows where good order by certno_index, row_no) l
        where not exists (select 1 from persons p where p.certno_index = l.certno_index)
       returning psn_no, certno_index),
     added as (
       insert into rows_by_person (psn_no, code, begin_date, end_date)
       select c.psn_no, l.code, l.begin_date, l.end_date from created c join ledger_rows l on l.certno_index = c.certno_index where l.good)
     select count(*)::int as persons from created`,
  );
  const personsCreated = created.rows[0]!.persons;
  await client.query(
    `update persons p set township = l.township
       from (select distinct on (certno_index) certno_index, township from ledger_rows
              where good and township <> '' order by certno_index, row_no) l
      where p.certno_index = l.certno_index and p.township <> l.township`,
  );
  await client.query('analyze rows_by_person');
  const count = async (sql: string, values: unknown[] = []): Promise<number> =>
    (await client.query(sql, [importId, ...values])).rowCount ?? 0;
  // The same spell (same first day): the ledger's end date holds.
  let spellsChanged = await count(
    `update person_categories c set end_date = r.end_date, import_id = $1
       from rows_by_person r join latest l on l.psn_no = r.psn_no and l.code = r.code
      where c.psn_no = l.psn_no and c.spell_id = l.spell_id and r.begin_date = l.begin_date and c.end_date is distinct from r.end_date`,
  );
  // An earlier first day than the register's: the department corrected it.
  spellsChanged += await count(
    `update person_categories c set begin_date = r.begin_date, end_date = r.end_date, import_id = $1
       from rows_by_person r join latest l on l.psn_no = r.psn_no and l.code = r.code
      where c.psn_no = l.psn_no and c.spell_id = l.spell_id and r.begin_date < l.begin_date`,
  );
  // A later first day: a new spell; the previous one, if still running, ends the day before.
  let spellsEnded = await count(
    `update person_categories c set end_date = r.begin_date - 1, import_id = $1
       from rows_by_person r join latest l on l.psn_no = r.psn_no and l.code = r.code
      where c.psn_no = l.psn_no and c.spell_id = l.spell_id and r.begin_date > l.begin_date
        and (l.end_date is null or l.end_date >= r.begin_date)`,
  );
  const spellsCreated = await count(
    `insert into person_categories (psn_no, code, begin_date, end_date, source_dept, import_id)
     select r.psn_no, r.code, r.begin_date, r.end_date, $2, $1
       from rows_by_person r left join latest l on l.psn_no = r.psn_no and l.code = r.code
      where l.psn_no is null or r.begin_date > l.begin_date`,
    [request.department],
  );
  // Not on the ledger any more (and not named in a bad row): the category ends the day before the ledger's date.
  spellsEnded += await count(
    `update person_categories c set end_date = greatest(c.begin_date, $2::date - 1), import_id = $1
       from leaving l where c.psn_no = l.psn_no and c.spell_id = l.spell_id`,
    [request.ledgerDate],
  );
  return { personsCreated, spellsCreated, spellsChanged, spellsEnded };
}

/**
 * Settlements to be made again: each settlement (not reversed) whose deciding category is one this import ended,
 * made after the spell's new last day, on a day no other spell of that category covers. Recorded with the import.
 */
export async function findResettlements(client: Queryable, importId: number): Promise<Resettlement[]> {
  await client.query(
    `insert into ledger_import_resettlements (import_id, psn_no, setl_id, code, spell_end)
     select distinct on (s.psn_no, s.setl_id) $1::bigint, s.psn_no, s.setl_id, c.code, c.end_date
       from person_categories c
       join settlements s on s.psn_no = c.psn_no and s.category = c.code
        and s.kind = 'settlement' and s.reversed_by is null
        and (s.setl_time at time zone 'Asia/Shanghai')::date > c.end_date
      where c.import_id = $1 and c.end_date is not null
        and not exists (
          select 1 from person_categories o
           where o.psn_no = s.psn_no and o.code = s.category
             and o.begin_date <= (s.setl_time at time zone 'Asia/Shanghai')::date
             and (o.end_date is null or o.end_date >= (s.setl_time at time zone 'Asia/Shanghai')::date))
      order by s.psn_no, s.setl_id, c.end_date`,
    [importId],
  );
  return resettlementsOf(client, importId);
}

/** The settlements an import listed as needing re-settlement, in the order they were made. */
export async function resettlementsOf(client: Pick<Queryable, 'query'>, importId: number): Promise<Resettlement[]> {
  const { rows } = await client.query<Resettlement>(
    `select r.psn_no as "psnNo", p.psn_name as "psnName", r.setl_id as "setlId", s.mdtrt_id as "mdtrtId",
            s.fixmedins_code as "fixmedinsCode", to_char(s.setl_time at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') as "setlTime",
            r.code as category, to_char(r.spell_end, 'YYYY-MM-DD') as "spellEnd"
       from ledger_import_resettlements r
       join settlements s on s.psn_no = r.psn_no and s.setl_id = r.setl_id
       join persons p on p.psn_no = r.psn_no
      where r.import_id = $1
      order by s.setl_time, r.psn_no, r.setl_id`,
    [importId],
  );
  return rows;
}
