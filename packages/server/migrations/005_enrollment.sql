-- Enrollment per coverage year with its classified subsidy (分类资助参保): the individual contribution, what the
-- medical assistance fund pays of it (代缴), what the person pays, and why.
alter table enrollments add column person_pays bigint generated always as (contribution - subsidy) stored;
alter table enrollments add column fiscal bigint not null default 0;
-- The contribution tier chosen where a policy has several (Linqing 280 / 320); null: the standard.
alter table enrollments add column tier bigint;
alter table enrollments add column paid_on date;
alter table enrollments add column subsidy_rule text;
alter table enrollments add constraint enrollments_subsidy_within check (subsidy >= 0 and subsidy <= contribution);
create index enrollments_by_year on enrollments (year, psn_no);

-- Monthly adjustment: people certified after they paid get the subsidy they now qualify for (refunded to them by
-- the assistance fund). One row per person, coverage year and month; a month run twice adds nothing.
create table subsidy_adjustments (
  psn_no     text not null references persons,
  year       integer not null,
  insutype   text not null,
  month      text not null check (month ~ '^\d{4}-\d{2}$'),
  category   text not null,
  before     bigint not null,
  after      bigint not null,
  delta      bigint not null check (delta = after - before and delta > 0),
  actor      text not null,
  at         timestamptz not null default now(),
  primary key (psn_no, year, insutype, month),
  foreign key (psn_no, year, insutype) references enrollments
);
