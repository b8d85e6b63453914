-- A ledger is previewed before it is imported: the upload is read, checked and compared with the register exactly as
-- an import would, and what it would do is kept for a while under the preview's id — nothing is written to persons or
-- person_categories. Confirming the preview merges its staged rows (the file is not sent again), unless the register
-- has changed since in a way that would change what it does (digest).
create table ledger_previews (
  preview_id      bigint generated always as identity primary key,
  source_dept     text not null,
  region          text not null references regions,
  ledger_date     date not null,
  file_name       text not null,
  file_sha256     text not null,
  mode            text not null check (mode in ('atomic', 'partial')),
  header          text[] not null default '{}',
  -- The field of each column, as the header was read (for the register's bad rows on confirmation).
  columns         text[] not null default '{}',
  total_rows      integer not null,
  -- Rows that passed the file's checks (before the register's: a name registered otherwise, a disagreement).
  good_rows       integer not null,
  bad_rows        integer not null,
  rows_held       integer not null default 0,
  rows_unchanged  integer not null default 0,
  persons_new     integer not null default 0,
  spells_new      integer not null default 0,
  spells_changed  integer not null default 0,
  spells_ended    integer not null default 0,
  spells_running  integer not null default 0,
  -- What the preview found, as a digest: a confirmation that would find otherwise is refused.
  digest          text not null,
  actor           text not null,
  created_at      timestamptz not null,
  expires_at      timestamptz not null,
  -- The import its confirmation made.
  import_id       bigint references ledger_imports
);
create index ledger_previews_expiry on ledger_previews (expires_at);

-- The rows as staged (ID numbers indexed and sealed, never clear), to be merged on confirmation.
create table ledger_preview_rows (
  preview_id   bigint not null references ledger_previews on delete cascade,
  row_no       integer not null,
  good         boolean not null,
  certno_index text collate "C",
  certno_sm4   text,
  name         text,
  code         text,
  begin_date   date,
  end_date     date,
  admdvs       text,
  township     text,
  gend         text,
  brdy         date
);
create index ledger_preview_rows_of on ledger_preview_rows (preview_id);

-- The bad rows: those of the file (kept for the import's error report) and those the register made bad (shown).
create table ledger_preview_problems (
  preview_id  bigint not null references ledger_previews on delete cascade,
  row_no      integer not null,
  codes       text[] not null,
  reasons     text not null,
  cells       json not null,
  from_file   boolean not null,
  primary key (preview_id, row_no)
);

-- What the import would do, spell by spell: new (新增), changed (变更), ended (取消), held for a clerk (待核查).
create table ledger_preview_items (
  preview_id    bigint not null references ledger_previews on delete cascade,
  kind          text not null check (kind in ('new', 'changed', 'ended', 'held')),
  seq           integer not null,
  row_no        integer,
  psn_no        text,
  psn_name      text not null,
  certno_sm4    text not null,
  code          text not null,
  spell_id      bigint,
  before_code   text,
  before_begin  date,
  before_end    date,
  after_begin   date,
  after_end     date,
  note          text not null default '',
  primary key (preview_id, kind, seq)
);

-- Every spell an import wrote, as it was before and as the import left it.
create table ledger_import_snapshots (
  import_id     bigint not null references ledger_imports,
  psn_no        text not null,
  spell_id      bigint not null,
  code          text not null,
  change        text not null check (change in ('created', 'changed', 'ended')),
  before_begin  date,
  before_end    date,
  after_begin   date not null,
  after_end     date,
  primary key (import_id, psn_no, spell_id)
);

-- Rows a confirmed import did not apply because another department's current category disagrees: for a clerk.
create table ledger_import_holds (
  import_id     bigint not null references ledger_imports,
  row_no        integer not null,
  psn_no        text not null,
  code          text not null,
  begin_date    date not null,
  end_date      date,
  other_code    text not null,
  other_begin   date not null,
  other_end     date,
  primary key (import_id, row_no)
);

alter table ledger_imports add column rows_held integer not null default 0;
alter table ledger_imports add column preview_id bigint;
