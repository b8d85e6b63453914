-- Hand-down (下放) of warnings to their townships and taking them back (收回), in batches recorded with who and when;
-- and the two remarks of a warning, the township's (乡镇备注) and the bureau's (局备注), each written by its own side.
-- A township's users see a warning of their township only while it is handed down.
create table warning_handovers (
  handover_id  bigint generated always as identity primary key,
  kind         text not null check (kind in ('down', 'recall')),
  -- How the warnings were chosen: a township, ticked rows, the ledger's filter, a feedback batch that went out, a
  -- batch taken back whole, or the warnings that townships already saw before this migration.
  basis        text not null check (basis in ('township', 'selected', 'filter', 'feedback', 'batch', 'migration')),
  year         integer not null,
  -- The filter, township, feedback batch or hand-down batch the choice was made by (for the record).
  criteria     json not null default '{}',
  warnings     integer not null check (warnings > 0),
  note         text not null default '',
  -- user:<username>, or system:<job>.
  actor        text not null,
  at           timestamptz not null
);
create index warning_handovers_by_year on warning_handovers (year, handover_id);

create table warning_handover_items (
  handover_id  bigint not null references warning_handovers,
  psn_no       text not null,
  year         integer not null,
  primary key (handover_id, psn_no, year),
  foreign key (psn_no, year) references warnings
);
create index warning_handover_items_by_warning on warning_handover_items (psn_no, year);

-- The hand-down batch the warning is with its township by (null: never handed down, or taken back); recalled: taken
-- back by the bureau since, so the feedback runs do not send it to the township again.
alter table warnings add column handover_id bigint references warning_handovers;
alter table warnings add column recalled boolean not null default false;
alter table warnings add column township_remark text not null default '';
alter table warnings add column township_remark_by text;
alter table warnings add column township_remark_at timestamptz;
alter table warnings add column bureau_remark text not null default '';
alter table warnings add column bureau_remark_by text;
alter table warnings add column bureau_remark_at timestamptz;
create index warnings_by_handover on warnings (handover_id) where handover_id is not null;

-- Townships saw every warning of theirs before hand-down existed: what is there stays with them, one batch a year.
insert into warning_handovers (kind, basis, year, warnings, note, actor, at)
select 'down', 'migration', year, count(*), '升级前乡镇已可见的预警', 'system:migration', now()
  from warnings group by year;
insert into warning_handover_items (handover_id, psn_no, year)
select h.handover_id, w.psn_no, w.year
  from warnings w join warning_handovers h on h.basis = 'migration' and h.year = w.year;
update warnings w set handover_id = h.handover_id
  from warning_handovers h where h.basis = 'migration' and h.year = w.year;
