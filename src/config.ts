import os from 'node:os';
import path from 'node:path';

/** Typed configuration, read once from the environment. */
export interface Config {
  port: number;
  host: string;
  /** A PostgreSQL server; when absent Tandem runs on the embedded engine in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Secret for CSRF tokens and other signatures; required with a server database. */
  sessionSecret: string;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  /** How long the answer to "whose is this session or token?" may be reused; 0 asks every time. */
  credentialCacheSeconds: number;
  /** Connections in the server pool (the embedded engine always has one). */
  databasePoolSize: number;
  /** Server connections shared by single-statement reads (pipelined); the pool's are apart from these. */
  databasePipelines: number;
  bodyLimitBytes: number;
  logLevel: string;
  /** Serve cookies with the Secure flag even when the request did not arrive over TLS (behind a proxy). */
  secureCookies: boolean;
  trustProxy: boolean;
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
  const sessionSecret = env.TANDEM_SESSION_SECRET || DEMO_SESSION_SECRET;
  if (databaseUrl && sessionSecret === DEMO_SESSION_SECRET && env.NODE_ENV === 'production') {
    throw new ConfigError('TANDEM_SESSION_SECRET must be set when DATABASE_URL is set in production');
  }
  if (sessionSecret.length < 32) {
    throw new ConfigError('TANDEM_SESSION_SECRET must be at least 32 characters');
  }
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    dataDir: path.resolve(env.TANDEM_DATA_DIR || 'data'),
    sessionSecret,
    sessionIdleMinutes: integer(env, 'TANDEM_SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
    sessionAbsoluteHours: integer(env, 'TANDEM_SESSION_ABSOLUTE_HOURS', 12, 1, 24 * 30),
    credentialCacheSeconds: integer(env, 'TANDEM_CREDENTIAL_CACHE_SECONDS', 10, 0, 60),
    databasePoolSize: integer(env, 'TANDEM_DB_POOL_SIZE', 10, 1, 200),
    // One per two cores: enough to spread PostgreSQL's work, few enough that statements share writes.
    databasePipelines: integer(
      env,
      'TANDEM_DB_PIPELINES',
      Math.max(1, Math.floor(os.availableParallelism() / 2)),
      1,
      64,
    ),
    bodyLimitBytes: integer(env, 'TANDEM_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    logLevel: env.LOG_LEVEL || 'info',
    secureCookies: flag(env, 'TANDEM_SECURE_COOKIES'),
    trustProxy: flag(env, 'TANDEM_TRUST_PROXY'),
  };
}
