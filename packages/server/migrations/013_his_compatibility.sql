-- The national interface as hospitals send it: unit prices with six decimals (单价 16,6) and counts with four
-- (数量 16,4); refund lines (退费明细: a negative count and init_feedetl_sn naming the line returned).

-- Unit prices and caps were fen; they become yuan with six decimals.
alter table fee_lines drop constraint fee_lines_amount_bound;
alter table fee_lines alter column pric type numeric(20, 6) using pric / 100.0;
alter table fee_lines alter column pric_uplmt_amt type numeric(20, 6) using pric_uplmt_amt / 100.0;
alter table fee_lines alter column cnt type numeric(20, 4);
alter table fee_lines add constraint fee_lines_amount_bound check (
  abs(det_item_fee_sumamt) < 100000000000 and pric >= 0 and pric < 100000000 and abs(cnt) < 100000000 and cnt <> 0);

-- A refund line reduces the line it names; it is uploaded after it, and `line_seq` keeps that order.
alter table fee_lines add column init_feedetl_sn text;
alter table fee_lines add column line_seq bigserial;
alter table fee_lines add constraint fee_lines_refund_sign check ((init_feedetl_sn is null) = (cnt > 0));
create index fee_lines_refunds on fee_lines (psn_no, mdtrt_id, init_feedetl_sn) where init_feedetl_sn is not null;

-- The voucher the person presented when the visit or stay was opened (就诊凭证类型): replies echo it.
alter table encounters add column mdtrt_cert_type text;

-- A cancellation gives its lines back (active again), marks them with its setl_id and counts them: 2601 reversing
-- that cancellation settles exactly those lines again, and only while all of them are still there as they were (the
-- mark stays on a withdrawn line; a line uploaded again under its serial number loses it).
alter table fee_lines add column released_by text;
alter table settlements add column released_lines integer;

-- Whether a settlement closed its visit or stay (a final inpatient settlement, a visit settled by totals alone):
-- reinstating it after a reversed cancellation closes it again.
alter table settlements add column closes boolean not null default false;

-- 冲正 (2601) undoes a transaction as if it had never been made: the settlement or cancellation it reverses and the
-- record that reverses it are both void. The money still nets to zero in the rows; reconciliation (3201/3202) leaves
-- void rows out, since the hospital's books never held them.
alter table settlements add column voided boolean not null default false;
