-- Sanbao system of record. Amounts are bigint fen; ratios integer basis points.
-- Every per-person table keeps psn_no in its primary key, so the schema can be distributed by person (Citus):
-- persons, person_categories, enrollments, encounters, fee_lines, settlements, person_years, fund_postings.
-- Reference tables: regions, institutions, users. Logs: message_log (per institution), audit_log.

create table regions (
  admdvs      text primary key check (admdvs ~ '^\d{6}$'),
  name        text not null,
  parent      text references regions,
  -- The policy settling the claims of people insured here (a built-in policy id or a file path).
  policy_id   text not null
);

create table institutions (
  fixmedins_code  text primary key,
  name            text not null,
  level           text not null check (level in ('township', 'county', 'city', 'province')),
  admdvs          text not null references regions,
  lat             double precision,
  lon             double precision,
  -- sha256 of the HIS credential's secret; the secret itself is never stored.
  secret_sha256   text not null,
  active          boolean not null default true
);

create table persons (
  psn_no      text primary key,
  certno      text not null,
  psn_name    text not null,
  gend        text not null check (gend in ('1', '2')),
  brdy        date not null,
  admdvs      text not null references regions,
  township    text not null default '',
  supplementary boolean not null default false,
  created_at  timestamptz not null default now()
);
create unique index persons_certno on persons (certno);

create table person_categories (
  psn_no      text not null references persons,
  spell_id    bigint generated always as identity,
  code        text not null,
  begin_date  date not null,
  end_date    date,
  source_dept text not null,
  created_at  timestamptz not null default now(),
  primary key (psn_no, spell_id),
  check (end_date is null or end_date >= begin_date)
);

create table enrollments (
  psn_no        text not null references persons,
  year          integer not null,
  insutype      text not null default '390',
  begin_date    date not null,
  end_date      date not null,
  contribution  bigint not null default 0,
  subsidy       bigint not null default 0,
  subsidy_category text,
  primary key (psn_no, year, insutype),
  check (end_date >= begin_date)
);

create table encounters (
  psn_no          text not null references persons,
  mdtrt_id        text not null,
  fixmedins_code  text not null references institutions,
  med_type        text not null,
  insutype        text not null,
  begntime        timestamptz not null,
  endtime         timestamptz,
  status          text not null check (status in ('open', 'discharged', 'settled', 'cancelled')),
  dise_codg       text[] not null default '{}',
  chronic_scheme  text,
  referral        text,
  ipt_otp_no      text,
  created_msgid   text not null,
  created_at      timestamptz not null default now(),
  primary key (psn_no, mdtrt_id)
);
create index encounters_by_institution on encounters (fixmedins_code, begntime);

create table fee_lines (
  psn_no               text not null,
  mdtrt_id             text not null,
  feedetl_sn           text not null,
  chrg_bchno           text,
  med_list_codg        text not null,
  medins_list_codg     text,
  chrgitm_lv           text not null,
  fee_ocur_time        timestamptz,
  cnt                  numeric not null,
  pric                 bigint not null,
  det_item_fee_sumamt  bigint not null,
  pric_uplmt_amt       bigint,
  selfpay_prop         integer not null default 0,
  fulamt_ownpay_amt    bigint not null,
  overlmt_amt          bigint not null,
  preselfpay_amt       bigint not null,
  inscp_scp_amt        bigint not null,
  status               text not null check (status in ('active', 'withdrawn', 'settled')),
  setl_id              text,
  primary key (psn_no, mdtrt_id, feedetl_sn),
  foreign key (psn_no, mdtrt_id) references encounters
);

create table person_years (
  psn_no          text not null references persons,
  year            integer not null,
  -- The engine's year-to-date accumulators (YearToDate), replaced whole by every settlement and cancellation.
  ytd             jsonb not null,
  personal_burden bigint not null default 0,
  in_scope_burden bigint not null default 0,
  fund_paid       bigint not null default 0,
  settlements     integer not null default 0,
  updated_at      timestamptz not null default now(),
  primary key (psn_no, year)
);

create table settlements (
  psn_no              text not null,
  setl_id             text not null,
  mdtrt_id            text not null,
  fixmedins_code      text not null references institutions,
  kind                text not null check (kind in ('settlement', 'cancellation')),
  -- For a cancellation: the settlement it reverses. For a settlement: the cancellation that reversed it, if any.
  reverses            text,
  reversed_by         text,
  year                integer not null,
  setl_time           timestamptz not null,
  med_type            text not null,
  category            text not null,
  policy_id           text not null,
  policy_fingerprint  text not null,
  medfee_sumamt       bigint not null,
  fulamt_ownpay_amt   bigint not null,
  overlmt_selfpay     bigint not null,
  preselfpay_amt      bigint not null,
  inscp_scp_amt       bigint not null,
  act_pay_dedc        bigint not null,
  hifp_pay            bigint not null,
  pool_prop_selfpay   integer not null,
  hifmi_pay           bigint not null,
  maf_pay             bigint not null,
  oth_pay             bigint not null,
  fund_pay_sumamt     bigint not null,
  psn_part_amt        bigint not null,
  psn_cash_pay        bigint not null,
  hosp_part_amt       bigint not null,
  -- What each layer measured and paid (fen); setldetail is the same by fund, in yuan, as the HIS received it.
  layers              jsonb not null,
  setldetail          jsonb not null,
  trace               jsonb not null,
  ytd_before          jsonb not null,
  ytd_after           jsonb not null,
  msgid               text not null,
  created_at          timestamptz not null default now(),
  primary key (psn_no, setl_id),
  foreign key (psn_no, mdtrt_id) references encounters,
  check (fund_pay_sumamt + psn_part_amt + hosp_part_amt = medfee_sumamt)
);
create index settlements_by_encounter on settlements (psn_no, mdtrt_id);
create index settlements_by_institution on settlements (fixmedins_code, setl_time);

-- Double-entry: each settlement debits the funds it draws on and credits what they owe the institution;
-- a cancellation posts the exact negatives. Every setl_id's postings sum to zero.
create table fund_postings (
  psn_no       text not null,
  posting_id   bigint generated always as identity,
  setl_id      text not null,
  account      text not null,
  amount       bigint not null,
  posted_at    timestamptz not null default now(),
  primary key (psn_no, posting_id),
  foreign key (psn_no, setl_id) references settlements
);
create index fund_postings_by_account on fund_postings (account);

-- Every HIS message once: the same msgid from the same institution returns the stored reply and writes nothing.
create table message_log (
  fixmedins_code  text not null,
  msgid           text not null,
  infno           text not null,
  psn_no          text,
  request         jsonb not null,
  reply           jsonb,
  received_at     timestamptz not null default now(),
  primary key (fixmedins_code, msgid)
);

create table audit_log (
  audit_id    bigint generated always as identity primary key,
  at          timestamptz not null default now(),
  actor       text not null,
  action      text not null,
  outcome     text not null,
  detail      jsonb not null default '{}'
);
create index audit_log_at on audit_log (at);

-- Identifiers sortable by time: prefix + yyyyMMdd + sequence.
create sequence mdtrt_seq;
create sequence setl_seq;
create sequence refmsg_seq;
create sequence sign_seq;
