-- The console's work board reads the settlements of a period across a whole city: by time, with the amounts it sums,
-- without reading the settlement documents (the table's rows are wide).
create index settlements_by_time on settlements (setl_time)
  include (psn_no, kind, voided, hifp_pay, hifmi_pay, maf_pay, medfee_sumamt, psn_part_amt);

-- Every printed copy of a settlement sheet: the first is the original, each later one a reprint (补打), with who
-- printed it and when.
create table settlement_prints (
  psn_no      text not null,
  setl_id     text not null,
  copy        integer not null check (copy >= 1),
  printed_by  text not null,
  printed_at  timestamptz not null default now(),
  primary key (psn_no, setl_id, copy),
  foreign key (psn_no, setl_id) references settlements
);
