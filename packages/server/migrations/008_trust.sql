-- A resend is recognised by its content, not only its msgid: the digest of the transaction and its input.
alter table message_log add column request_sha256 text;

-- Refusals of requests that did not authenticate: counted per day, channel and code, never stored one by one.
create table refusal_counts (
  day      date not null,
  channel  text not null,
  code     text not null,
  count    bigint not null,
  primary key (day, channel, code)
);

-- Amounts stay far below 2^53 fen (about 90 trillion yuan), where JavaScript numbers stop being exact: one
-- settlement below 10^11 fen (1 billion yuan), a person-year's sums below 10^13 fen.
alter table settlements add constraint settlements_amount_bound check (abs(medfee_sumamt) < 100000000000 and abs(fund_pay_sumamt) < 100000000000);
alter table person_years add constraint person_years_amount_bound check (
  abs(personal_burden) < 10000000000000 and abs(in_scope_burden) < 10000000000000 and abs(fund_paid) < 10000000000000);
alter table fee_lines add constraint fee_lines_amount_bound check (abs(det_item_fee_sumamt) < 100000000000 and abs(pric) < 100000000000);

-- Electronic medical-insurance vouchers (医保电子凭证, mdtrt_cert_type 01): short-lived tokens the platform issues to a
-- person, shown at the counter; only their SM3 digest is kept.
create table vouchers (
  token_sm3   text primary key,
  psn_no      text not null references persons,
  issued_by   text not null,
  issued_at   timestamptz not null default now(),
  expires_at  timestamptz not null
);
create index vouchers_by_person on vouchers (psn_no);
