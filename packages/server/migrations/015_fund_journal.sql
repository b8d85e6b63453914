-- The fund journal keeps its own rule, whoever writes: the postings one statement writes for a settlement record sum
-- to zero (every writer posts a settlement's entries in one statement), and postings are never changed or removed —
-- a cancellation posts the reversal.
create function fund_postings_balance() returns trigger language plpgsql as $$
declare
  unbalanced record;
begin
  select psn_no, setl_id, sum(amount) as total into unbalanced
    from inserted group by psn_no, setl_id having sum(amount) <> 0 limit 1;
  if found then
    raise exception 'fund postings of %/% do not balance (sum %)', unbalanced.psn_no, unbalanced.setl_id, unbalanced.total
      using errcode = '23514';
  end if;
  return null;
end
$$;
create trigger fund_postings_balance after insert on fund_postings
  referencing new table as inserted for each statement execute function fund_postings_balance();

create function fund_postings_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'fund postings are never changed or removed; post the reversal' using errcode = '23514';
end
$$;
create trigger fund_postings_append_only before update or delete on fund_postings
  for each statement execute function fund_postings_append_only();
