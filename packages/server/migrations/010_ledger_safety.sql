-- A ledger that would end more than a fifth of a department's running categories in its region is refused unless
-- the operator confirms the number (kept with the import); every refusal keeps its code and message; settlements
-- made under a category after the day an import ended it are listed with the import, to be settled again.
alter table ledger_imports add column confirmed_end integer;
alter table ledger_imports add column refusal_code text;
alter table ledger_imports add column refusal_message text;
alter table ledger_imports add column resettlements integer not null default 0;

create table ledger_import_resettlements (
  import_id  bigint not null references ledger_imports,
  psn_no     text not null,
  setl_id    text not null,
  -- The category the import ended, and the spell's last day as the import left it.
  code       text not null,
  spell_end  date not null,
  primary key (import_id, psn_no, setl_id),
  foreign key (psn_no, setl_id) references settlements
);
