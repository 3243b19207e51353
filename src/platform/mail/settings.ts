import addressparser from 'nodemailer/lib/addressparser';

/** Outgoing e-mail, as configured. */
export interface MailSettings {
  /**
   * The SMTP server, `smtp://[user:password@]host[:port]` (STARTTLS when the server offers it) or
   * `smtps://…` (TLS from the start). Unset: messages are kept in the outbox as held.
   */
  smtpUrl: string | undefined;
  /** Who messages are from: `Name <address>` or a bare address. */
  from: string;
}

export const DEFAULT_MAIL_FROM = 'Tandem <no-reply@tandem.invalid>';

export class MailSettingError extends Error {}

/** The SMTP server's connection details, read from `smtpUrl`. */
export interface SmtpServer {
  host: string;
  port: number;
  /** TLS from the start (smtps); otherwise plain, upgraded with STARTTLS when offered. */
  secure: boolean;
  auth?: { user: string; pass: string };
}

/**
 * Reads `TANDEM_SMTP_URL` and `TANDEM_MAIL_FROM`, refusing values that could not work. Messages
 * never echo the URL: it may carry a password.
 */
export function mailSettingsFrom(env: NodeJS.ProcessEnv): MailSettings {
  const smtpUrl = env.TANDEM_SMTP_URL?.trim() || undefined;
  if (smtpUrl) smtpServerOf(smtpUrl);
  const from = env.TANDEM_MAIL_FROM?.trim() || DEFAULT_MAIL_FROM;
  senderDomainOf(from);
  return { smtpUrl, from };
}

export function smtpServerOf(smtpUrl: string): SmtpServer {
  const problem = (what: string) =>
    new MailSettingError(
      `TANDEM_SMTP_URL must look like smtp://user:password@host:587 or smtps://host:465; ${what}`,
    );
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw problem('it is not a URL');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw problem('its scheme is neither smtp nor smtps');
  if (!url.hostname) throw problem('it names no host');
  if ((url.pathname && url.pathname !== '/') || url.search || url.hash)
    throw problem('it has more than a server');
  const secure = url.protocol === 'smtps:';
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  const server: SmtpServer = { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port, secure };
  if (url.username || url.password) {
    server.auth = { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) };
  }
  return server;
}

/** The domain of the sender's address (Message-IDs are made on it); refuses anything but one address. */
export function senderDomainOf(from: string): string {
  const parsed = addressparser(from);
  const only = parsed.length === 1 ? parsed[0] : undefined;
  const address = only && !only.group ? only.address : '';
  const match = /^[^@\s]+@([A-Za-z0-9.-]+)$/.exec(address);
  if (!match?.[1] || /[\r\n]/.test(from)) {
    throw new MailSettingError(
      `TANDEM_MAIL_FROM must be one address, as "Tandem <no-reply@example.gov.uk>" or "no-reply@example.gov.uk"; it is "${from}"`,
    );
  }
  return match[1].toLowerCase();
}
