import path from 'node:path';

/** The kinds of file Tandem can take, by the name used in TANDEM_ATTACHMENT_TYPES. */
export const ATTACHMENT_KINDS = {
  pdf: { mediaType: 'application/pdf', extensions: ['pdf'] },
  png: { mediaType: 'image/png', extensions: ['png'] },
  jpeg: { mediaType: 'image/jpeg', extensions: ['jpg', 'jpeg'] },
  docx: {
    mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['docx'],
  },
  xlsx: {
    mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['xlsx'],
  },
  odt: { mediaType: 'application/vnd.oasis.opendocument.text', extensions: ['odt'] },
  ods: { mediaType: 'application/vnd.oasis.opendocument.spreadsheet', extensions: ['ods'] },
  csv: { mediaType: 'text/csv', extensions: ['csv'] },
  txt: { mediaType: 'text/plain', extensions: ['txt', 'text', 'log', 'md'] },
} as const;

export type AttachmentKind = keyof typeof ATTACHMENT_KINDS;
export const DEFAULT_KINDS = Object.keys(ATTACHMENT_KINDS) as AttachmentKind[];

export interface AttachmentSettings {
  /** The folder of the file-system store: TANDEM_ATTACHMENTS_DIR, else `<data folder>/attachments`. */
  dir: string;
  /** The largest file taken, in bytes (TANDEM_ATTACHMENT_MAX_BYTES, 10 MB unless given). */
  maxBytes: number;
  /** The kinds of file taken (TANDEM_ATTACHMENT_TYPES, a comma-separated list; all known ones unless given). */
  kinds: AttachmentKind[];
  /** Files in one upload (form or API call). */
  maxFiles: number;
}

export class AttachmentSettingError extends Error {}

const MB = 1024 * 1024;

/** Reads the attachment settings from the environment; `dataDir` is the embedded database's folder. */
export function attachmentSettingsFrom(env: NodeJS.ProcessEnv, dataDir: string): AttachmentSettings {
  const rawMax = env.TANDEM_ATTACHMENT_MAX_BYTES;
  let maxBytes = 10 * MB;
  if (rawMax !== undefined && rawMax !== '') {
    maxBytes = Number(rawMax);
    if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > 1024 * MB)
      throw new AttachmentSettingError(
        `TANDEM_ATTACHMENT_MAX_BYTES must be a whole number of bytes from 1 to ${1024 * MB}; it is "${rawMax}"`,
      );
  }
  let kinds = DEFAULT_KINDS;
  const rawKinds = env.TANDEM_ATTACHMENT_TYPES;
  if (rawKinds !== undefined && rawKinds.trim() !== '') {
    const named = rawKinds
      .split(',')
      .map((kind) => kind.trim().toLowerCase())
      .filter(Boolean);
    const unknown = named.filter((kind) => !(kind in ATTACHMENT_KINDS));
    if (unknown.length > 0)
      throw new AttachmentSettingError(
        `TANDEM_ATTACHMENT_TYPES takes ${DEFAULT_KINDS.join(', ')}; it names ${unknown.join(', ')}`,
      );
    kinds = [...new Set(named)] as AttachmentKind[];
  }
  const dir = env.TANDEM_ATTACHMENTS_DIR
    ? path.resolve(env.TANDEM_ATTACHMENTS_DIR)
    : path.join(dataDir, 'attachments');
  return { dir, maxBytes, kinds, maxFiles: 20 };
}
