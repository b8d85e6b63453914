-- Departments' ledgers (台账): each import is recorded with the file's hash, so the same file imported twice
-- changes nothing; a refused file is recorded too, with its problems, and nothing else is written.
create sequence psn_seq;

create table ledger_imports (
  import_id       bigint generated always as identity primary key,
  source_dept     text not null,
  region          text not null references regions,
  ledger_date     date not null,
  file_name       text not null,
  file_sha256     text not null,
  mode            text not null check (mode in ('atomic', 'partial')),
  status          text not null check (status in ('imported', 'refused')),
  total_rows      integer not null,
  good_rows       integer not null,
  bad_rows        integer not null,
  persons_created integer not null default 0,
  spells_created  integer not null default 0,
  spells_changed  integer not null default 0,
  spells_ended    integer not null default 0,
  -- The file's header row, to lay out the error report as the file was.
  header          text[] not null default '{}',
  actor           text not null,
  at              timestamptz not null default now()
);
create unique index ledger_imports_once on ledger_imports (source_dept, region, ledger_date, file_sha256)
  where status = 'imported';

create table ledger_import_problems (
  import_id  bigint not null references ledger_imports,
  row_no     integer not null,
  codes      text[] not null,
  reasons    text not null,
  -- The row as sent, for the error report.
  cells      json not null,
  primary key (import_id, row_no)
);

-- Which import last wrote a spell (null: registered by hand or by the demo). No foreign key: an import writes up
-- to millions of spells, and a per-row check of the same import row would cost more than the rest of the insert.
alter table person_categories add column import_id bigint;
