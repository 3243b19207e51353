import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Where the bytes of attached files live. Keys are made by Tandem (see `contentKey`), never taken
 * from a user; the database keeps which key each file has. A put of a key already stored leaves
 * the same bytes in place, so storing by content needs no check first.
 */
export interface AttachmentStore {
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The bytes, as a stream; fails with code ENOENT when the key is not stored. */
  get(key: string): Promise<Readable>;
  /** Removes a key; one that is not stored is no error. */
  delete(key: string): Promise<void>;
  /** Every key stored (for the clean-up of bytes no file refers to). */
  keys(): AsyncIterable<string>;
}

const KEY = /^[0-9a-f]{2}\/[0-9a-f]{64}$/;

/** The key of some bytes: their SHA-256, under a folder of its first two digits. */
export function contentKey(sha256: string): string {
  return `${sha256.slice(0, 2)}/${sha256}`;
}

export function sha256Of(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/**
 * A store in a folder: each key a file, written under a temporary name and renamed into place, so a
 * reader never sees half a file and a crash leaves at most a temporary file behind. The folder is
 * made on the first write.
 */
export function fileSystemStore(dir: string): AttachmentStore {
  const pathOf = (key: string) => {
    if (!KEY.test(key)) throw new Error(`not an attachment key: ${key}`);
    return path.join(dir, key);
  };
  return {
    async put(key, bytes) {
      const target = pathOf(key);
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      const temporary = path.join(path.dirname(target), `.${crypto.randomUUID()}.part`);
      try {
        await fs.promises.writeFile(temporary, bytes, { flag: 'wx', mode: 0o640 });
        await fs.promises.rename(temporary, target);
      } catch (error) {
        await fs.promises.rm(temporary, { force: true });
        throw error;
      }
    },
    async get(key) {
      const handle = await fs.promises.open(pathOf(key), 'r');
      return handle.createReadStream();
    },
    async delete(key) {
      await fs.promises.rm(pathOf(key), { force: true });
    },
    async *keys() {
      let folders: string[];
      try {
        folders = await fs.promises.readdir(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const folder of folders.sort()) {
        if (!/^[0-9a-f]{2}$/.test(folder)) continue;
        for (const name of (await fs.promises.readdir(path.join(dir, folder))).sort()) {
          const key = `${folder}/${name}`;
          if (KEY.test(key)) yield key;
        }
      }
    },
  };
}
