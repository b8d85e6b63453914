-- Assistance on application (依申请救助): an ordinary insured person whose yearly burden qualifies applies; a
-- reviewer approves or refuses it. An approval gives the policy's category for the year and pays what settling the
-- year again with it adds, as top-up settlements (one per settlement that gains), posted like any settlement.
create table assistance_applications (
  application_id  bigint generated always as identity primary key,
  psn_no          text not null references persons,
  year            integer not null,
  status          text not null check (status in ('pending', 'approved', 'refused')),
  -- The measured burden when applied, and the line it had to be above.
  burden          bigint not null,
  qualifying      bigint not null,
  note            text not null default '',
  applied_by      text not null,
  applied_at      timestamptz not null,
  decided_by      text,
  decided_at      timestamptz,
  reason          text,
  -- An approval: the category spell it gave and what the top-ups paid in all.
  spell_id        bigint,
  top_up          bigint,
  check ((status = 'pending') = (decided_at is null)),
  check (status <> 'refused' or reason is not null)
);
-- One open or granted application per person-year; a refused one may be followed by another.
create unique index assistance_applications_open on assistance_applications (psn_no, year) where status <> 'refused';
create index assistance_applications_by_status on assistance_applications (status, applied_at);

alter table settlements drop constraint settlements_kind_check;
alter table settlements add constraint settlements_kind_check check (kind in ('settlement', 'cancellation', 'top_up'));
-- For a top-up: the settlement it adds to, and the application whose approval paid it. A top-up has no bill of its own
-- (medfee 0): the funds pay more and the person's part falls by as much. Its ytd_before/ytd_after are the person-year
-- before and after the whole approval.
alter table settlements add column tops_up text;
alter table settlements add column application_id bigint references assistance_applications;
create index settlements_topped_up on settlements (psn_no, tops_up) where tops_up is not null;
