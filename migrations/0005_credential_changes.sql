-- Servers remember for a few seconds who a session or API token belongs to (see
-- src/platform/auth/credential-cache.ts). Whatever could change that answer is announced on the
-- channel tandem_credentials, which PostgreSQL delivers to every listening server once the change
-- commits, and never if it rolls back. Changes that cannot alter the answer — a session's or
-- token's last-use time, a new session or token — are not announced.
create function announce_credential_change() returns trigger
  language plpgsql as $$
begin
  perform pg_notify('tandem_credentials', tg_table_name);
  return null;
end
$$;

create trigger sessions_credentials_changed
  after update of token_hash, user_id, org_id, expires_at or delete or truncate on sessions
  for each statement execute function announce_credential_change();
create trigger api_tokens_credentials_changed
  after update of token_hash, user_id, org_id, expires_at, revoked_at or delete or truncate on api_tokens
  for each statement execute function announce_credential_change();
create trigger users_credentials_changed
  after update of email, name, disabled_at or delete or truncate on users
  for each statement execute function announce_credential_change();
create trigger memberships_credentials_changed
  after insert or update or delete or truncate on memberships
  for each statement execute function announce_credential_change();
create trigger organisations_credentials_changed
  after update of code, name, role or delete or truncate on organisations
  for each statement execute function announce_credential_change();
