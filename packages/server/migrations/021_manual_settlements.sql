-- 零星报销: a bill a person paid in full at a hospital that could not settle it directly, settled by a clerk at the
-- bureau's counter with the same engine. The settlement, its stay and its postings are ordinary records; this row
-- says who settled it, from which request (a key the clerk's screen makes: the same key settles once), the lines as
-- entered, and, when a reviewer reverses it, who did, why and the cancellation's record.
create table manual_settlements (
  request_key        uuid primary key,
  request_sha256     text not null,
  psn_no             text not null,
  mdtrt_id           text not null,
  setl_id            text not null,
  fixmedins_code     text not null references institutions,
  clerk              text not null,
  note               text not null default '',
  lines              jsonb not null default '[]',
  created_at         timestamptz not null default now(),
  cancellation_id    text,
  cancelled_by       text,
  cancel_reason      text,
  cancelled_at       timestamptz,
  unique (psn_no, setl_id),
  foreign key (psn_no, setl_id) references settlements,
  check ((cancellation_id is null) = (cancelled_by is null))
);
create index manual_settlements_by_time on manual_settlements (created_at);
