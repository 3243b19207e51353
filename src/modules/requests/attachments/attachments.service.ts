import type { Readable } from 'node:stream';
import { scopeOf, type Caller, type Principal } from '../../../platform/auth/index.js';
import { inScope, readInScope, type Database, type Scope, type Tx } from '../../../platform/db/index.js';
import { DomainError, notFound } from '../../../platform/errors.js';
import { actorFor, requestsPolicy, visibility } from '../requests.policy.js';
import { requestsRepository } from '../requests.repository.js';
import { hostsScope } from '../requests.system.js';
import type { AttachmentHook } from '../requests.deps.js';
import { applyDecision, eventBy, refuseIfFinal, type ChangeOptions } from '../workflow/change.js';
import { staleVersion } from '../requests.errors.js';
import { attachmentRefused } from './attachments.errors.js';
import {
  attachmentsRepository as repo,
  type AttachmentRow,
  type PreparedFile,
} from './attachments.repository.js';
import { cleanFileName, identify } from './identify.js';
import type { UploadedFile } from './multipart.js';
import type { AttachmentSettings } from './settings.js';
import { contentKey, fileSystemStore, sha256Of, type AttachmentStore } from './store.js';

/** A stored file, as the API and pages show it. */
export interface Attachment {
  id: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  /** The form question it answers, if any. */
  fieldKey: string | null;
  uploadedAt: Date;
}

export interface AttachmentsOptions {
  settings: AttachmentSettings;
  /** Where the bytes go; a folder (settings.dir) unless given. */
  store?: AttachmentStore;
  now?: () => Date;
}

/** How long an upload may wait for the request it was made for. */
const UPLOAD_KEPT_MS = 24 * 3_600_000;

const attachmentOf = (row: AttachmentRow): Attachment => ({
  id: row.id,
  fileName: row.file_name,
  mediaType: row.media_type,
  sizeBytes: Number(row.size_bytes),
  sha256: row.sha256,
  fieldKey: row.field_key,
  uploadedAt: row.uploaded_at,
});

/**
 * Attachments: files checked by their content, kept in a store by their SHA-256, and recorded in
 * the database in the unit of work that uses them.
 *
 * Ordering, so that nothing is half-written: within the unit of work, the file's digest is locked
 * (an advisory lock), the bytes are stored, then the row is added. If the unit of work fails, the
 * bytes are removed again unless another row has them (checked under the same lock, so a concurrent
 * upload of the same content cannot lose its bytes). A process that dies in between leaves bytes no
 * row names, which `sweep` removes; never a row without its bytes.
 */
export function attachmentsService(db: Database, options: AttachmentsOptions) {
  const { settings } = options;
  const store = options.store ?? fileSystemStore(settings.dir);
  const now = options.now ?? (() => new Date());

  /** The platform's own scope for clean-ups: every host (whose requests' files it sees) and every upload. */
  const systemScope = async (): Promise<Scope> => ({ ...(await hostsScope(db)), platformAdmin: true });

  async function prepare(files: readonly UploadedFile[]): Promise<Array<PreparedFile & { bytes: Buffer }>> {
    if (files.length === 0) throw attachmentRefused('ERR_ATTACHMENT_MISSING', 'Choose a file to attach', '');
    const prepared = [];
    for (const file of files) {
      const fileName = cleanFileName(file.fileName);
      if (file.bytes.length > settings.maxBytes)
        throw new DomainError('ERR_BODY_TOO_LARGE', `${fileName} is larger than the service accepts`, {
          fields: { file: 'attachments.errors.tooLarge' },
        });
      const { mediaType } = await identify(file.bytes, fileName, settings.kinds);
      const sha256 = sha256Of(file.bytes);
      prepared.push({
        fileName,
        mediaType,
        sizeBytes: file.bytes.length,
        sha256,
        storageKey: contentKey(sha256),
        bytes: file.bytes,
      });
    }
    return prepared;
  }

  /** Removes the bytes of these digests that no row has (any more), each under its lock. */
  async function release(digests: readonly string[]): Promise<number> {
    if (digests.length === 0) return 0;
    return inScope(db, await systemScope(), async (tx) => {
      await repo.lockContent(tx, digests);
      const unused = await repo.unreferenced(tx, digests);
      for (const digest of unused) await store.delete(contentKey(digest));
      return unused.length;
    });
  }

  /** Runs `work` (which stores `files`' bytes with `keep`) and removes the bytes again if it fails. */
  async function storing<T>(
    files: ReadonlyArray<PreparedFile & { bytes: Buffer }>,
    work: (keep: (tx: Tx) => Promise<void>) => Promise<T>,
  ): Promise<T> {
    let stored = false;
    const keep = async (tx: Tx) => {
      await repo.lockContent(
        tx,
        files.map((file) => file.sha256),
      );
      stored = true;
      for (const file of files) await store.put(file.storageKey, file.bytes);
    };
    try {
      return await work(keep);
    } catch (error) {
      if (stored) {
        await release(files.map((file) => file.sha256)).catch(() => {
          // Left for the sweep: bytes without a row are harmless until then.
        });
      }
      throw error;
    }
  }

  const hook: AttachmentHook = {
    async check(tx, principal, _fieldKey, ids) {
      const owner = { orgId: principal.org.orgId, userId: principal.userId };
      const found = await repo.countOwnUploads(tx, owner, ids);
      return found === ids.length ? undefined : 'requests.errors.answerFile';
    },
    async attach(tx, request, fieldKey, ids) {
      const moved = await repo.claimUploads(tx, request, fieldKey, ids);
      if (moved !== ids.length)
        throw new DomainError('ERR_VALIDATION', 'A file was given as the answer to more than one question', {
          fields: { [`answers.${fieldKey}`]: 'requests.errors.answerFile' },
        });
    },
  };

  const mayAttach = (principal: Principal) => {
    if (principal.org.role === 'host') requestsPolicy.work(principal);
    else requestsPolicy.actAsRequester(principal);
  };

  return {
    /** The store, for the clean-up's tests. */
    store,
    /** What the requests module calls when a request is raised with files in its answers. */
    hook,

    /**
     * Keeps files for a request about to be raised (answers to its `file` questions name their ids).
     * Only the caller can see or use them; one not used within a day is removed.
     */
    async stage(caller: Caller, files: readonly UploadedFile[]): Promise<Attachment[]> {
      const { principal } = caller;
      requestsPolicy.raise(principal);
      const prepared = await prepare(files);
      return storing(prepared, (keep) =>
        inScope(db, scopeOf(principal), async (tx) => {
          await keep(tx);
          const rows = await repo.addUploads(
            tx,
            { orgId: principal.org.orgId, userId: principal.userId },
            prepared,
          );
          return rows.map(attachmentOf);
        }),
      );
    },

    /**
     * Adds files to a request: its requester's side or the service centre, as a public event on
     * its timeline. Not once it is closed, rejected or withdrawn.
     */
    async add(
      caller: Caller,
      reference: string,
      files: readonly UploadedFile[],
      change: ChangeOptions = {},
    ): Promise<{ attachments: Attachment[]; version: number }> {
      const { principal } = caller;
      mayAttach(principal);
      const prepared = await prepare(files);
      const at = now();
      return storing(prepared, (keep) =>
        inScope(db, scopeOf(principal), async (tx) => {
          const found = await requestsRepository.lockForChange(tx, visibility(principal), reference);
          if (found.length === 0) throw notFound('That request');
          if (found.length > 1)
            throw new DomainError(
              'ERR_AMBIGUOUS_REFERENCE',
              `More than one request has the reference ${reference}; name it by its id`,
            );
          const locked = found[0]!;
          const { record } = locked;
          if (change.expectedVersion !== undefined && change.expectedVersion !== record.version)
            throw staleVersion();
          refuseIfFinal(record.status);
          await keep(tx);
          const rows = await repo.addToRequest(tx, record, principal.userId, prepared);
          const names = prepared.map((file) => file.fileName).join(', ');
          await applyDecision(
            tx,
            caller,
            locked,
            {
              events: [
                eventBy(principal, actorFor(principal, record), at, { kind: 'attachment', body: names }),
              ],
              audit: {
                action: 'request.attach',
                after: {
                  files: rows.map((row) => ({ id: row.id, name: row.file_name, sha256: row.sha256 })),
                },
              },
            },
            at,
          );
          return { attachments: rows.map(attachmentOf), version: record.version + 1 };
        }),
      );
    },

    /** The files of a request the caller may see (another partner's: not found). */
    async list(caller: Caller, reference: string): Promise<Attachment[]> {
      requestsPolicy.read(caller.principal);
      const rows = await readInScope(db, scopeOf(caller.principal), (tx) =>
        repo.listForRequest(tx, visibility(caller.principal), reference),
      );
      if (rows.length === 0) throw notFound('That request');
      if (new Set(rows.map((row) => row.request_id)).size > 1)
        throw new DomainError(
          'ERR_AMBIGUOUS_REFERENCE',
          `More than one request has the reference ${reference}; name it by its id`,
        );
      return rows.flatMap((row) => (row.id === null ? [] : [attachmentOf({ ...row, id: row.id })]));
    },

    /**
     * One file of a request and its bytes, after the same check as reading the request: a file of a
     * request the caller cannot see is not found, as one that does not exist.
     */
    async open(
      caller: Caller,
      reference: string,
      id: string,
    ): Promise<{ attachment: Attachment; content: Readable }> {
      requestsPolicy.read(caller.principal);
      const row = await readInScope(db, scopeOf(caller.principal), (tx) =>
        repo.findForRequest(tx, visibility(caller.principal), reference, id.toLowerCase()),
      );
      if (!row) throw notFound('That file');
      const content = await store.get(row.storage_key);
      return { attachment: attachmentOf(row), content };
    },

    /**
     * Removes uploads not used within a day, and bytes that no row names (left by a process that
     * stopped between storing them and committing). A job runs it daily.
     */
    async sweep(at: Date = now()): Promise<{ uploads: number; files: number }> {
      const digests = await inScope(db, await systemScope(), (tx) =>
        repo.removeUnusedUploads(tx, new Date(at.getTime() - UPLOAD_KEPT_MS)),
      );
      let files = await release(digests);
      let batch: string[] = [];
      const flush = async () => {
        const candidates = await inScope(db, await systemScope(), (tx) => repo.unreferenced(tx, batch));
        files += await release(candidates);
        batch = [];
      };
      for await (const key of store.keys()) {
        batch.push(key.slice(3));
        if (batch.length >= 500) await flush();
      }
      if (batch.length > 0) await flush();
      return { uploads: digests.length, files };
    },
  };
}

export type AttachmentsService = ReturnType<typeof attachmentsService>;
