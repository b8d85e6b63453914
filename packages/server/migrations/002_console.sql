-- Console users: a role and a region scope (an admdvs; null = the whole system).
create table users (
  username       text primary key check (username ~ '^[a-z0-9_.-]{3,32}$'),
  display_name   text not null,
  role           text not null check (role in ('administrator', 'operator', 'read_only')),
  scope_admdvs   text references regions,
  -- scrypt: salt and hash, hex.
  password_salt  text not null,
  password_hash  text not null,
  active         boolean not null default true,
  created_at     timestamptz not null default now()
);

create table sessions (
  token_sha256  text primary key,
  username      text not null references users,
  expires_at    timestamptz not null
);
