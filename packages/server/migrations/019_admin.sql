-- 系统管理: what the administrators' screen shows beside regions, institutions and users.

-- When a user last signed in: set by every new session (a login), whichever code creates it.
alter table users add column last_login_at timestamptz;

create function users_last_login() returns trigger language plpgsql as $$
begin
  update users set last_login_at = now() where username = new.username;
  return new;
end
$$;

create trigger users_last_login after insert on sessions
  for each row execute function users_last_login();

-- When an institution's HIS secret was last issued (created or rotated from the console); null for secrets set before.
alter table institutions add column secret_issued_at timestamptz;

-- The audit log is read newest first, filtered by an action's prefix or by who acted.
create index audit_log_action on audit_log (action text_pattern_ops, at);
create index audit_log_actor on audit_log (actor, at);
