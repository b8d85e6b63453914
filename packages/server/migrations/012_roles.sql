-- The reviewer (审核人员) decides applications for assistance; the clerk who registers them (经办人员) never does.
alter table users drop constraint users_role_check;
alter table users add constraint users_role_check check (role in ('administrator', 'operator', 'reviewer', 'read_only'));

-- A person's category spells: the same spell is not registered twice, and dates stay within a sane span.
alter table person_categories add constraint person_categories_dates_sane
  check (begin_date >= date '1990-01-01' and begin_date <= date '2100-12-31' and (end_date is null or end_date <= date '2100-12-31'));
