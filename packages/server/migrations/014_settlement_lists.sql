-- Settlement lists (医疗保障基金结算清单, 4101/4101A): one per settlement, for DRG/DIP grouping and payment. The list
-- as received, normalized (codes as text, times as yyyy-MM-dd HH:mm:ss in China time, amounts in yuan, ID numbers
-- sealed as in the message log), and beside it what grouping reads. A new upload for the same settlement replaces the
-- list and counts a version; the list ID stays. A list keeps its settlement's row: whether that settlement still
-- stands is the settlement's reversed_by.
create sequence setl_list_seq;

create table settlement_lists (
  psn_no            text not null,
  setl_id           text not null,
  -- The platform's list ID (清单流水号), given on the first upload and kept by every later one.
  setl_list_id      text not null,
  mdtrt_id          text not null,
  fixmedins_code    text not null references institutions,
  -- The transaction of the last upload, and how many uploads the list has had.
  infno             text not null check (infno in ('4101', '4101A')),
  version           integer not null check (version >= 1),
  -- The western-medicine main diagnosis (diag_type 1, maindiag_flag 1) and the other western diagnoses in the order
  -- sent; null for an outpatient list given without diseinfo.
  main_diag_code    text,
  other_diag_codes  text[] not null,
  -- The main procedure (oprn_oprt_type 1, else the first listed) and every procedure, the main one first.
  main_oprn_code    text,
  oprn_codes        text[] not null,
  -- ICU stays together, from their entry and exit times; ventilation as declared (vent_used_dura), in minutes.
  icu_minutes       integer not null check (icu_minutes >= 0),
  icu_hours         numeric(9, 2) generated always as (round(icu_minutes / 60.0, 2)) stored,
  vent_minutes      integer check (vent_minutes >= 0),
  -- Blood transfused: the total and its unit when every entry has the same unit (else both null; the entries are in
  -- the document).
  bld_amt           numeric(12, 2) check (bld_amt >= 0),
  bld_unt           text,
  dscg_way          text,
  adm_time          timestamptz,
  dscg_time         timestamptz,
  -- Length of stay in days from the admission and discharge dates (a stay within one day counts 1).
  ipt_days          integer check (ipt_days >= 1),
  -- Newborns' weights in grams: nwb_bir_wt / nwb_adm_wt followed by mul_nwb_bir_wt / mul_nwb_adm_wt.
  nwb_bir_wts       numeric(7, 2)[] not null,
  nwb_adm_wts       numeric(7, 2)[] not null,
  list              jsonb not null,
  msgid             text not null,
  first_uploaded_at timestamptz not null,
  uploaded_at       timestamptz not null,
  primary key (psn_no, setl_id),
  foreign key (psn_no, setl_id) references settlements,
  check (dscg_time is null or adm_time is null or dscg_time >= adm_time)
);
create index settlement_lists_by_institution on settlement_lists (fixmedins_code, uploaded_at);
