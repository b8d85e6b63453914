-- Documents the platform stores whole and never queries into are kept as json (text, validated), not jsonb:
-- no binary conversion on every settlement. Columns queried by value stay relational.
alter table message_log alter column request type json using request::json;
alter table message_log alter column reply type json using reply::json;
alter table settlements alter column layers type json using layers::json;
alter table settlements alter column setldetail type json using setldetail::json;
alter table settlements alter column trace type json using trace::json;
alter table settlements alter column ytd_before type json using ytd_before::json;
alter table settlements alter column ytd_after type json using ytd_after::json;
alter table person_years alter column ytd type json using ytd::json;

-- Postings are written in the same statement as their settlement; checking each posting's key against it again
-- cost five index look-ups per settlement. The balance is asserted by tests and by the fund reconciliation instead.
alter table fund_postings drop constraint fund_postings_psn_no_setl_id_fkey;
