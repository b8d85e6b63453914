-- Authentication that cannot be flooded or brute-forced.

-- Institutions' HIS secrets: a salted HMAC-SM3, '<salt hex>:<hmac hex>'. The unsalted sha256 of the first schema
-- cannot be turned into it (the secret is not known): such a row keeps being verified by its sha256 and is re-hashed
-- to HMAC-SM3 (its sha256 cleared) at its first successful sign-in. A row with neither cannot sign in.
alter table institutions alter column secret_sha256 drop not null;
alter table institutions add column secret_hmac_sm3 text check (secret_hmac_sm3 ~ '^[0-9a-f]{32}:[0-9a-f]{64}$');
comment on column institutions.secret_sha256 is 'legacy: unsalted sha256 of the secret, cleared at the first successful sign-in';
comment on column institutions.secret_hmac_sm3 is 'salt and HMAC-SM3 of the secret, hex: <salt>:<hmac>';

-- Consecutive failed sign-ins per subject: a console username (known or not) or an institution code. Shared by every
-- platform process on the database; a row goes when the subject signs in, or a day after its last failure.
create table auth_failures (
  realm           text not null check (realm in ('console', 'his')),
  subject         text not null,
  failures        integer not null,
  last_failed_at  timestamptz not null,
  locked_until    timestamptz,
  primary key (realm, subject)
);
create index auth_failures_last_failed_at on auth_failures (last_failed_at);
