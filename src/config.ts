import os from 'node:os';
import path from 'node:path';
import { fixedNowFrom } from './platform/clock.js';
import { mailSettingsFrom, type MailSettings } from './platform/mail/settings.js';
import { attachmentSettingsFrom, type AttachmentSettings } from './modules/requests/index.js';

/** Typed configuration, read once from the environment. */
export interface Config {
  port: number;
  host: string;
  /**
   * A PostgreSQL server; when absent Tandem runs on the embedded engine in `dataDir`. In production
   * a login role that is only a member of tandem_app (see `databaseMigrationUrl`).
   */
  databaseUrl: string | undefined;
  /** The owner of the schema, who runs the migrations: DATABASE_MIGRATION_URL, else `databaseUrl`. */
  databaseMigrationUrl: string | undefined;
  /** NODE_ENV=production: a real session secret, and a server role that cannot bypass row level security. */
  production: boolean;
  dataDir: string;
  /** Secret for CSRF tokens and other signatures; required with a server database. */
  sessionSecret: string;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  /** Working days in which a resolved request may be reopened before it closes itself. */
  reopenWorkingDays: number;
  /** How long the answer to "whose is this session or token?" may be reused; 0 asks every time. */
  credentialCacheSeconds: number;
  /** Connections in the server pool (the embedded engine always has one). */
  databasePoolSize: number;
  /**
   * Server connections shared by single-statement reads (pipelined); the pool's are apart from
   * these. 0: none, and those reads take a connection from the pool like any unit of work.
   */
  databasePipelines: number;
  bodyLimitBytes: number;
  logLevel: string;
  /** Serve cookies with the Secure flag even when the request did not arrive over TLS (behind a proxy). */
  secureCookies: boolean;
  trustProxy: boolean;
  /** `TANDEM_NOW`: the instant the clock stands at (demos, tests); undefined for the real clock. */
  fixedNow: Date | undefined;
  /** Outgoing e-mail: the SMTP server (none: messages are held in the outbox) and the sender. */
  mail: MailSettings;
  /** Attached files: where they are kept, the largest taken, the kinds taken. */
  attachments: AttachmentSettings;
}

/** The secret the embedded demo uses when none is set; refused with a server database. */
export const DEMO_SESSION_SECRET = 'tandem-embedded-demo-secret-not-for-production';

export class ConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}; it is "${raw}"`);
  }
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  return ['1', 'true', 'yes', 'on'].includes((env[name] ?? '').toLowerCase());
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  if (env.DATABASE_MIGRATION_URL && !databaseUrl) {
    throw new ConfigError('DATABASE_MIGRATION_URL is for a server: set DATABASE_URL too');
  }
  const production = env.NODE_ENV === 'production';
  const sessionSecret = env.TANDEM_SESSION_SECRET || DEMO_SESSION_SECRET;
  if (databaseUrl && sessionSecret === DEMO_SESSION_SECRET && production) {
    throw new ConfigError('TANDEM_SESSION_SECRET must be set when DATABASE_URL is set in production');
  }
  if (sessionSecret.length < 32) {
    throw new ConfigError('TANDEM_SESSION_SECRET must be at least 32 characters');
  }
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    databaseMigrationUrl: env.DATABASE_MIGRATION_URL || databaseUrl,
    production,
    dataDir: path.resolve(env.TANDEM_DATA_DIR || 'data'),
    sessionSecret,
    sessionIdleMinutes: integer(env, 'TANDEM_SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
    reopenWorkingDays: integer(env, 'TANDEM_REOPEN_WORKING_DAYS', 5, 1, 60),
    sessionAbsoluteHours: integer(env, 'TANDEM_SESSION_ABSOLUTE_HOURS', 12, 1, 24 * 30),
    credentialCacheSeconds: integer(env, 'TANDEM_CREDENTIAL_CACHE_SECONDS', 10, 0, 60),
    databasePoolSize: integer(env, 'TANDEM_DB_POOL_SIZE', 10, 1, 200),
    // One per two cores: enough to spread PostgreSQL's work, few enough that statements share writes.
    databasePipelines: integer(
      env,
      'TANDEM_DB_PIPELINES',
      Math.max(1, Math.floor(os.availableParallelism() / 2)),
      0,
      64,
    ),
    bodyLimitBytes: integer(env, 'TANDEM_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    logLevel: env.LOG_LEVEL || 'info',
    secureCookies: flag(env, 'TANDEM_SECURE_COOKIES'),
    trustProxy: flag(env, 'TANDEM_TRUST_PROXY'),
    fixedNow: refusedAsConfig(() => fixedNowFrom(env)),
    mail: refusedAsConfig(() => mailSettingsFrom(env)),
    attachments: refusedAsConfig(() =>
      attachmentSettingsFrom(env, path.resolve(env.TANDEM_DATA_DIR || 'data')),
    ),
  };
}

/** A setting read by the module it belongs to; a value it refuses is a configuration error like any other. */
function refusedAsConfig<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}
