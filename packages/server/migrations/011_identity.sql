-- ID numbers (身份证号码, GB 11643) are not kept in clear (商用密码应用安全性评估: SM4 for what is stored, HMAC-SM3
-- for what is looked up). A person's number is kept sealed in certno_sm4 (SM4-CTR with a random IV and an HMAC-SM3
-- tag) and found through certno_index (HMAC-SM3 of the number), each under its own key derived from the platform's
-- ID key (security/identity.ts). Without the key this file cannot compute either: the platform converts the rows
-- still holding a clear certno when it starts (protectIdentities, right after the migrations) and then validates the
-- check below. No masked copy is stored: beside brdy it would be the whole number again.
alter table persons alter column certno drop not null;
-- Hex digests compare byte by byte whatever the database's locale.
alter table persons add column certno_index text collate "C";
alter table persons add column certno_sm4 text;
drop index persons_certno;
create unique index persons_certno_index on persons (certno_index);
alter table persons add constraint persons_certno_protected
  check (certno is null and certno_index is not null and certno_sm4 is not null) not valid;

-- The key the numbers are protected with, known by a fingerprint: a platform started with another key refuses to
-- start instead of sealing new numbers under it and no longer finding the old ones.
create table identity_key (
  only_one     boolean primary key default true check (only_one),
  fingerprint  text not null,
  created_at   timestamptz not null default now()
);

-- Stored HIS messages keep every ID number in them sealed (`sm4:<sealed>`), and a replayed msgid gets the reply
-- opened again. The digest that recognises a resend becomes keyed: an unkeyed sha256 of a stored message whose
-- only hidden part is an ID number would give the number away to a search of a few million candidates. Rows logged
-- before are sealed and given the keyed digest by the platform at start (their request_hmac_sm3 is null until then).
alter table message_log drop column request_sha256;
alter table message_log add column request_hmac_sm3 text;
create index message_log_unprotected on message_log (fixmedins_code, msgid) where request_hmac_sm3 is null;

-- A ledger's bad rows keep the ID numbers they named sealed too; those stored before are masked here, as the error
-- report shows them.
update ledger_import_problems
   set cells = regexp_replace(cells::text, '(?<![0-9A-Za-z])([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])',
                              '\1********\2', 'g')::json
 where cells::text ~ '(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])';
