-- Files uploaded before the request they belong to exists: a requester answering a form's `file`
-- question uploads first, then raises the request naming the upload's id. Raising moves the row into
-- request_attachments (same id) in its own unit of work; an upload never used is removed by a job
-- after a day, with its bytes when nothing else refers to them.
--
-- Only the person who uploaded a file may see or use it (and the platform itself, acting as a
-- platform administrator, for the clean-up). The bytes live in the attachment store, addressed by
-- their SHA-256.
create table attachment_uploads (
  id uuid not null default gen_random_uuid(),
  org_id uuid not null references organisations (id),
  user_id uuid not null references users (id),
  file_name text not null check (length(file_name) between 1 and 255),
  media_type text not null,
  size_bytes integer not null check (size_bytes > 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  storage_key text not null,
  uploaded_at timestamptz not null default now(),
  primary key (id),
  unique (org_id, id)
);
create index attachment_uploads_user on attachment_uploads (org_id, user_id);
create index attachment_uploads_uploaded on attachment_uploads (uploaded_at);
create index attachment_uploads_sha256 on attachment_uploads (sha256);
-- The clean-up asks whether any request's file still has these bytes.
create index request_attachments_sha256 on request_attachments (sha256);

alter table attachment_uploads enable row level security;
alter table attachment_uploads force row level security;
create policy attachment_uploads_own on attachment_uploads for all
  using ((app_org_visible(org_id) and user_id = app_user_id()) or app_is_platform_admin())
  with check (app_org_visible(org_id) and user_id = app_user_id());

grant select, insert, delete on attachment_uploads to tandem_app;
