import { describe, expect, it } from 'vitest';
import { cleanFileName, identify, isPlainText } from './identify.js';
import { DEFAULT_KINDS } from './settings.js';
import { EXE, PDF, PNG } from './attachments.test-helpers.js';

const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]);

const refusal = async (bytes: Buffer, name: string, allowed = DEFAULT_KINDS) => {
  try {
    await identify(bytes, name, allowed);
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'accepted';
};

describe('telling a file by its content', () => {
  it.each([
    [PNG, 'screen.png', 'image/png'],
    [PDF, 'Invoice 42.PDF', 'application/pdf'],
    [Buffer.from('name,amount\nA,1\n'), 'costs.csv', 'text/csv'],
    [Buffer.from('Le café est fermé.\n'), 'note.txt', 'text/plain'],
    [Buffer.from('no extension at all'), 'README', 'text/plain'],
  ])('takes %#: %s as what it is', async (bytes, name, mediaType) => {
    expect((await identify(bytes, name, DEFAULT_KINDS)).mediaType).toBe(mediaType);
  });

  it.each([
    [EXE, 'invoice.pdf', 'ERR_ATTACHMENT_DISGUISED'],
    [ELF, 'photo.png', 'ERR_ATTACHMENT_DISGUISED'],
    [PNG, 'scan.pdf', 'ERR_ATTACHMENT_DISGUISED'],
    [PDF, 'minutes.docx', 'ERR_ATTACHMENT_DISGUISED'],
    [Buffer.from('plain words'), 'contract.docx', 'ERR_ATTACHMENT_DISGUISED'],
    [Buffer.from('a\u0000b'), 'notes.txt', 'ERR_ATTACHMENT_DISGUISED'],
    [Buffer.from([0xc3, 0x28, 0x41]), 'data.csv', 'ERR_ATTACHMENT_DISGUISED'],
    [EXE, 'setup.exe', 'ERR_ATTACHMENT_TYPE'],
    [EXE, 'no-extension', 'ERR_ATTACHMENT_TYPE'],
    [Buffer.from('<script>alert(1)</script>'), 'page.html', 'ERR_ATTACHMENT_TYPE'],
    [Buffer.alloc(0), 'empty.txt', 'ERR_ATTACHMENT_MISSING'],
  ])('refuses %#: %s named %s (%s)', async (bytes, name, code) => {
    expect(await refusal(bytes, name)).toBe(code);
  });

  it('refuses a kind the settings leave out', async () => {
    expect(await refusal(PNG, 'screen.png', ['pdf'])).toBe('ERR_ATTACHMENT_TYPE');
    expect(await refusal(Buffer.from('a,b'), 'x.csv', ['pdf', 'txt'])).toBe('ERR_ATTACHMENT_TYPE');
  });

  it('keeps a file name without folders or control characters', () => {
    expect(cleanFileName('C:\\Users\\me\\report.pdf')).toBe('report.pdf');
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('a\r\nb.txt')).toBe('ab.txt');
    expect(cleanFileName('..')).toBe('attachment');
    expect(cleanFileName(undefined)).toBe('attachment');
    expect(cleanFileName('x'.repeat(300))).toHaveLength(255);
  });

  it('reads text as UTF-8 with no NUL', () => {
    expect(isPlainText(Buffer.from('Llanfair£'))).toBe(true);
    expect(isPlainText(Buffer.from([0xff, 0xfe]))).toBe(false);
    expect(isPlainText(Buffer.from('a\0'))).toBe(false);
  });
});
