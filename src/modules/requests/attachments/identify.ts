import { fileTypeFromBuffer } from 'file-type';
import { attachmentRefused } from './attachments.errors.js';
import { ATTACHMENT_KINDS, type AttachmentKind } from './settings.js';

const TEXT_KINDS: readonly AttachmentKind[] = ['csv', 'txt'];

/** What a file is, told from its content. */
export interface Identified {
  kind: AttachmentKind;
  mediaType: string;
}

/** A file name fit to keep and to give back: no folders, no control characters, at most 255 characters. */
export function cleanFileName(given: string | undefined): string {
  const base = (given ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '').trim();
  const name = clean === '.' || clean === '..' ? '' : clean;
  return (name || 'attachment').slice(0, 255);
}

function extensionOf(fileName: string): string | undefined {
  const match = /\.([A-Za-z0-9]{1,10})$/.exec(fileName);
  return match?.[1]?.toLowerCase();
}

/** The kind a file's name claims, if its extension is one Tandem knows. */
function claimedKind(fileName: string): AttachmentKind | undefined {
  const extension = extensionOf(fileName);
  if (!extension) return undefined;
  return (Object.keys(ATTACHMENT_KINDS) as AttachmentKind[]).find((kind) =>
    (ATTACHMENT_KINDS[kind].extensions as readonly string[]).includes(extension),
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether the bytes are text: valid UTF-8 with no NUL character. */
export function isPlainText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const names = (kinds: readonly AttachmentKind[]) => kinds.map((kind) => kind.toUpperCase()).join(', ');

/**
 * Tells what a file is from its content (the name and the type the browser sent are only checked
 * against it): binary formats by their signatures (`file-type`), text as valid UTF-8 with no NUL.
 * Refuses an empty file, a kind not in `allowed`, and a file whose name claims another kind than
 * its content is.
 */
export async function identify(
  bytes: Uint8Array,
  fileName: string,
  allowed: readonly AttachmentKind[],
): Promise<Identified> {
  if (bytes.length === 0) throw attachmentRefused('ERR_ATTACHMENT_MISSING', `${fileName} is empty`, fileName);
  const claimed = claimedKind(fileName);
  const detected = await fileTypeFromBuffer(bytes);
  let kind: AttachmentKind | undefined;
  if (detected) {
    kind = (Object.keys(ATTACHMENT_KINDS) as AttachmentKind[]).find(
      (candidate) => ATTACHMENT_KINDS[candidate].mediaType === detected.mime,
    );
    if (!kind || TEXT_KINDS.includes(kind))
      throw claimed
        ? attachmentRefused(
            'ERR_ATTACHMENT_DISGUISED',
            `${fileName} is named as ${claimed.toUpperCase()} but is a file of another kind (${detected.ext})`,
            fileName,
          )
        : attachmentRefused(
            'ERR_ATTACHMENT_TYPE',
            `${fileName} is a kind of file not taken here (${detected.ext}); send ${names(allowed)}`,
            fileName,
          );
  } else if (isPlainText(bytes)) {
    const extension = extensionOf(fileName);
    if (claimed && !TEXT_KINDS.includes(claimed))
      throw attachmentRefused(
        'ERR_ATTACHMENT_DISGUISED',
        `${fileName} is named as ${claimed.toUpperCase()} but is text`,
        fileName,
      );
    // Text under a name that says it is something else (page.html, run.sh) is not taken as text.
    if (extension && !claimed)
      throw attachmentRefused(
        'ERR_ATTACHMENT_TYPE',
        `${fileName} is not a kind of file taken here; send ${names(allowed)}`,
        fileName,
      );
    kind = claimed ?? 'txt';
  } else {
    throw claimed
      ? attachmentRefused(
          'ERR_ATTACHMENT_DISGUISED',
          `${fileName} is named as ${claimed.toUpperCase()} but its content is not`,
          fileName,
        )
      : attachmentRefused(
          'ERR_ATTACHMENT_TYPE',
          `${fileName} is not a kind of file taken here; send ${names(allowed)}`,
          fileName,
        );
  }
  if (claimed && claimed !== kind)
    throw attachmentRefused(
      'ERR_ATTACHMENT_DISGUISED',
      `${fileName} is named as ${claimed.toUpperCase()} but is ${kind.toUpperCase()}`,
      fileName,
    );
  if (!allowed.includes(kind))
    throw attachmentRefused(
      'ERR_ATTACHMENT_TYPE',
      `${kind.toUpperCase()} files are not taken here; send ${names(allowed)}`,
      fileName,
    );
  return { kind, mediaType: ATTACHMENT_KINDS[kind].mediaType };
}
