-- 蓝黄红 warnings (防止因病返贫致贫): one row per person-year that reached a level, routed to the person's township
-- and the department the policy names; its level history, its follow-up (台账), what was fed back, and the webhook
-- outbox for red warnings.
create function warning_rank(level text) returns integer language sql immutable parallel safe
  return array_position(array['none', 'blue', 'yellow', 'red'], level) - 1;

create table warnings (
  psn_no        text not null references persons,
  year          integer not null,
  level         text not null check (level in ('none', 'blue', 'yellow', 'red')),
  population    text not null,
  -- The measured amount when the level last changed.
  amount        bigint not null,
  admdvs        text not null references regions,
  township      text not null,
  department    text not null,
  status        text not null check (status in ('new', 'sent', 'visited', 'monitored', 'assisted', 'closed')),
  -- The date the current level is due to be fed back by (its cadence's next date on or after the change).
  feedback_due  date not null,
  raised_at     timestamptz not null,
  level_at      timestamptz not null,
  updated_at    timestamptz not null,
  primary key (psn_no, year)
);
create index warnings_by_township on warnings (year, admdvs, township, level);

create table warning_levels (
  psn_no      text not null,
  year        integer not null,
  change_id   bigint generated always as identity,
  from_level  text not null,
  to_level    text not null,
  amount      bigint not null,
  cause       text not null check (cause in ('screening', 'settlement', 'cancellation')),
  setl_id     text,
  at          timestamptz not null,
  primary key (psn_no, year, change_id),
  foreign key (psn_no, year) references warnings
);

create table warning_actions (
  psn_no       text not null,
  year         integer not null,
  action_id    bigint generated always as identity,
  from_status  text not null,
  to_status    text not null,
  -- user:<username>, or system:<job> for the platform's own steps.
  actor        text not null,
  note         text not null default '',
  at           timestamptz not null,
  primary key (psn_no, year, action_id),
  foreign key (psn_no, year) references warnings
);

-- Feedback to townships and departments: a batch per township, department and level, on the level's cadence, with
-- the warnings as they stood (so the workbook downloaded later is the one that was sent).
create table feedback_batches (
  batch_id      bigint generated always as identity primary key,
  level         text not null check (level in ('blue', 'yellow', 'red')),
  admdvs        text not null references regions,
  township      text not null,
  department    text not null,
  due_date      date not null,
  warnings      integer not null,
  new_warnings  integer not null,
  at            timestamptz not null
);
create index feedback_batches_by_township on feedback_batches (admdvs, township, at);

create table feedback_items (
  batch_id  bigint not null references feedback_batches,
  psn_no    text not null,
  year      integer not null,
  level     text not null,
  amount    bigint not null,
  status    text not null,
  is_new    boolean not null,
  primary key (batch_id, psn_no, year)
);

-- Scheduled work runs once per job and due date, whichever instance claims it first.
create table job_runs (
  job          text not null,
  due_date     date not null,
  started_at   timestamptz not null,
  finished_at  timestamptz,
  summary      json,
  primary key (job, due_date)
);

-- Receivers of red warnings: a department, a county (or the whole system) and optionally one township.
create table webhook_endpoints (
  endpoint_id  bigint generated always as identity primary key,
  name         text not null,
  url          text not null check (url ~ '^https?://'),
  -- Signs each delivery (HMAC-SHA256 of the body); the receiver holds the same secret.
  secret       text not null,
  department   text,
  admdvs       text references regions,
  township     text,
  active       boolean not null default true,
  created_at   timestamptz not null default now()
);

-- Transactional outbox: written in the transaction that raises the warning, delivered until the receiver accepts.
create table webhook_outbox (
  delivery_id      bigint generated always as identity primary key,
  endpoint_id      bigint not null references webhook_endpoints,
  event            text not null,
  psn_no           text not null,
  year             integer not null,
  -- The facts of the event as they were when it happened.
  event_data       json not null,
  created_at       timestamptz not null,
  attempts         integer not null default 0,
  next_attempt_at  timestamptz not null,
  delivered_at     timestamptz,
  last_error       text
);
create index webhook_outbox_due on webhook_outbox (next_attempt_at) where delivered_at is null;

create table webhook_attempts (
  delivery_id  bigint not null references webhook_outbox,
  attempt      integer not null,
  at           timestamptz not null,
  status_code  integer,
  error        text,
  duration_ms  integer not null,
  primary key (delivery_id, attempt)
);

-- Township and department users (乡镇、乡村振兴等部门): within their county, only their township's or their
-- department's warnings.
alter table users add column township text;
alter table users add column department text;
