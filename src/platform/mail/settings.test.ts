import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';
import { DEFAULT_MAIL_FROM, mailSettingsFrom } from './settings.js';
import { senderDomainOf, smtpServerOf } from './settings.js';

describe('mail settings', () => {
  it('hold mail without a server, from Tandem unless told otherwise', () => {
    expect(mailSettingsFrom({})).toEqual({ smtpUrl: undefined, from: DEFAULT_MAIL_FROM });
    expect(loadConfig({}).mail).toEqual({ smtpUrl: undefined, from: 'Tandem <no-reply@tandem.invalid>' });
  });

  it('read the server, its port and who signs in from the URL', () => {
    expect(smtpServerOf('smtp://mail.example.gov.uk')).toEqual({
      host: 'mail.example.gov.uk',
      port: 587,
      secure: false,
    });
    expect(smtpServerOf('smtps://mail.example.gov.uk')).toEqual({
      host: 'mail.example.gov.uk',
      port: 465,
      secure: true,
    });
    expect(smtpServerOf('smtp://tandem%40council:p%40ss%3Aword@127.0.0.1:2525')).toEqual({
      host: '127.0.0.1',
      port: 2525,
      secure: false,
      auth: { user: 'tandem@council', pass: 'p@ss:word' },
    });
  });

  it('refuse a server URL that could not work, without repeating it (it may hold a password)', () => {
    for (const url of [
      'mail.example.gov.uk',
      'http://user:secret@mail.example',
      'smtp://user:secret@mail.example/path',
      'smtp://',
    ]) {
      let message = '';
      try {
        loadConfig({ TANDEM_SMTP_URL: url });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        message = (error as Error).message;
      }
      expect(message).toMatch(/^TANDEM_SMTP_URL must look like/);
      expect(message).not.toContain('secret');
    }
  });

  it('take a sender as one address, with or without a name', () => {
    expect(senderDomainOf('Wyvern Shared Services <No-Reply@Shared.Example.gov.uk>')).toBe(
      'shared.example.gov.uk',
    );
    expect(senderDomainOf('no-reply@example.gov.uk')).toBe('example.gov.uk');
    for (const from of [
      'nobody',
      'a@example.gov.uk, b@example.gov.uk',
      'Team: a@example.gov.uk;',
      'x@example.gov.uk\r\nBcc: y@z',
    ]) {
      expect(() => loadConfig({ TANDEM_MAIL_FROM: from })).toThrow(/TANDEM_MAIL_FROM must be one address/);
    }
  });
});
