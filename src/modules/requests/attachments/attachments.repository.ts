import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';
import { named, visibleTo } from '../requests.repository.js';
import { orderedRows } from '../requests.sql.js';
import type { Visibility } from '../requests.policy.js';

/** A stored file as its owner reads it. */
export interface AttachmentRow {
  id: string;
  request_id: string | null;
  field_key: string | null;
  file_name: string;
  media_type: string;
  size_bytes: number;
  sha256: string;
  storage_key: string;
  uploaded_at: Date;
}

/** A file checked and ready to keep. */
export interface PreparedFile {
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  storageKey: string;
}

const COLUMNS = sql.raw(`a.id, a.field_key, a.file_name, a.media_type, a.size_bytes, a.sha256, a.storage_key,
  a.uploaded_at`);

/** The files as rows `f` (in their order, `f.ord`). */
const fileRows = (files: readonly PreparedFile[]) =>
  orderedRows(
    files.map((file) => ({
      file_name: file.fileName,
      media_type: file.mediaType,
      size_bytes: file.sizeBytes,
      sha256: file.sha256,
      storage_key: file.storageKey,
    })),
    'file_name text, media_type text, size_bytes integer, sha256 text, storage_key text',
    'f',
  );

export const attachmentsRepository = {
  /**
   * Holds the bytes of these digests for the rest of the unit of work: a clean-up that would remove
   * them waits until it ends, then finds the row that now refers to them. Taken in one order, so two
   * units of work never wait for each other.
   */
  async lockContent(tx: Tx, digests: readonly string[]): Promise<void> {
    const sorted = [...new Set(digests)].sort();
    if (sorted.length === 0) return;
    await sql`select pg_advisory_xact_lock(hashtextextended('attachment:' || d, 0))
                from unnest(${sorted}::text[]) with ordinality as t(d, n) order by n`.execute(tx);
  },

  /** Files kept before their request exists, for the caller alone (row level security too). */
  async addUploads(
    tx: Tx,
    owner: { orgId: string; userId: string },
    files: readonly PreparedFile[],
  ): Promise<AttachmentRow[]> {
    const { rows } = await sql<AttachmentRow>`
      insert into attachment_uploads as a (org_id, user_id, file_name, media_type, size_bytes, sha256, storage_key)
      select ${owner.orgId}, ${owner.userId}, f.file_name, f.media_type, f.size_bytes, f.sha256, f.storage_key
        from ${fileRows(files)}
       order by f.ord
      returning a.id, null::text as field_key, a.file_name, a.media_type, a.size_bytes, a.sha256, a.storage_key,
                a.uploaded_at, null::uuid as request_id`.execute(tx);
    return rows;
  },

  /** Files added to a request already raised. */
  async addToRequest(
    tx: Tx,
    request: { id: string; orgId: string; hostOrgId: string },
    uploadedBy: string,
    files: readonly PreparedFile[],
  ): Promise<AttachmentRow[]> {
    const { rows } = await sql<AttachmentRow>`
      insert into request_attachments as a (org_id, host_org_id, request_id, file_name, media_type, size_bytes,
                                            sha256, storage_key, uploaded_by)
      select ${request.orgId}, ${request.hostOrgId}, ${request.id}, f.file_name, f.media_type, f.size_bytes,
             f.sha256, f.storage_key, ${uploadedBy}
        from ${fileRows(files)}
       order by f.ord
      returning ${COLUMNS}, a.request_id`.execute(tx);
    return rows;
  },

  /**
   * How many of these uploads are the caller's and unused. Not locked: two requests racing for one
   * upload both pass here, and the second finds nothing left to move (`claimUploads`).
   */
  async countOwnUploads(tx: Tx, owner: { orgId: string; userId: string }, ids: readonly string[]) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from attachment_uploads
       where id = any(${[...ids]}::uuid[]) and org_id = ${owner.orgId} and user_id = ${owner.userId}`.execute(
      tx,
    );
    return rows[0]?.n ?? 0;
  },

  /** Moves the caller's uploads onto the request they answer a question of; how many moved. */
  async claimUploads(
    tx: Tx,
    request: { id: string; orgId: string; hostOrgId: string },
    fieldKey: string,
    ids: readonly string[],
  ): Promise<number> {
    const { rows } = await sql<{ n: number }>`
      with taken as (
        delete from attachment_uploads
         where id = any(${[...ids]}::uuid[]) and org_id = ${request.orgId} and user_id = app_user_id()
        returning *
      ), moved as (
        insert into request_attachments (id, org_id, host_org_id, request_id, field_key, file_name, media_type,
                                         size_bytes, sha256, storage_key, uploaded_by, uploaded_at)
        select t.id, ${request.orgId}, ${request.hostOrgId}, ${request.id}, ${fieldKey}, t.file_name, t.media_type,
               t.size_bytes, t.sha256, t.storage_key, t.user_id, t.uploaded_at
          from taken t
        returning 1
      )
      select count(*)::int as n from moved`.execute(tx);
    return rows[0]?.n ?? 0;
  },

  /**
   * The files of the request a reference names, with the request's id: one row with a null file for
   * a request with none; no rows when the caller cannot see such a request.
   */
  async listForRequest(tx: Tx, visibility: Visibility, reference: string) {
    const { rows } = await sql<Omit<AttachmentRow, 'id'> & { id: string | null; request_id: string }>`
      select r.id as request_id, ${COLUMNS}
        from requests r
        left join request_attachments a on a.request_id = r.id and a.org_id = r.org_id
       where ${named(reference)} and ${visibleTo(visibility)}
       order by r.id, a.uploaded_at, a.id`.execute(tx);
    return rows;
  },

  /** One file of a request the caller may see, or none. */
  async findForRequest(
    tx: Tx,
    visibility: Visibility,
    reference: string,
    id: string,
  ): Promise<AttachmentRow | undefined> {
    const { rows } = await sql<AttachmentRow>`
      select ${COLUMNS}, a.request_id
        from request_attachments a
        join requests r on r.id = a.request_id and r.org_id = a.org_id
       where a.id = ${id} and ${named(reference)} and ${visibleTo(visibility)}`.execute(tx);
    return rows[0];
  },

  /** Of these digests, those no file (of a request, or waiting for one) has any more. */
  async unreferenced(tx: Tx, digests: readonly string[]): Promise<string[]> {
    if (digests.length === 0) return [];
    const { rows } = await sql<{ d: string }>`
      select d from unnest(${[...digests]}::text[]) as t(d)
       where not exists (select 1 from request_attachments a where a.sha256 = t.d)
         and not exists (select 1 from attachment_uploads u where u.sha256 = t.d)`.execute(tx);
    return rows.map((row) => row.d);
  },

  /** Removes uploads never used by `before`; the digests they had. */
  async removeUnusedUploads(tx: Tx, before: Date): Promise<string[]> {
    const { rows } = await sql<{ sha256: string }>`
      delete from attachment_uploads where uploaded_at < ${before}::timestamptz returning sha256`.execute(tx);
    return rows.map((row) => row.sha256);
  },
};
