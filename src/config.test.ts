import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const SERVER = 'postgres://tandem_web@db.example/tandem';
const OWNER = 'postgres://tandem_owner@db.example/tandem';

describe('database configuration', () => {
  it('migrates as the owner in DATABASE_MIGRATION_URL, or as DATABASE_URL when there is none', () => {
    expect(loadConfig({ DATABASE_URL: SERVER })).toMatchObject({
      databaseUrl: SERVER,
      databaseMigrationUrl: SERVER,
    });
    expect(loadConfig({ DATABASE_URL: SERVER, DATABASE_MIGRATION_URL: OWNER })).toMatchObject({
      databaseUrl: SERVER,
      databaseMigrationUrl: OWNER,
    });
    expect(loadConfig({})).toMatchObject({ databaseUrl: undefined, databaseMigrationUrl: undefined });
  });

  it('refuses a migration connection without a server to go with it', () => {
    expect(() => loadConfig({ DATABASE_MIGRATION_URL: OWNER })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_MIGRATION_URL: OWNER })).toThrow(/set DATABASE_URL too/);
  });

  it('takes TANDEM_DB_PIPELINES=0 as no pipelined connections, and refuses fewer', () => {
    expect(loadConfig({ TANDEM_DB_PIPELINES: '0' }).databasePipelines).toBe(0);
    expect(loadConfig({ TANDEM_DB_PIPELINES: '3' }).databasePipelines).toBe(3);
    expect(loadConfig({}).databasePipelines).toBeGreaterThanOrEqual(1);
    expect(() => loadConfig({ TANDEM_DB_PIPELINES: '-1' })).toThrow(
      /TANDEM_DB_PIPELINES must be a whole number from 0/,
    );
  });

  it('takes the working days in which a resolved request may be reopened, 5 unless told', () => {
    expect(loadConfig({}).reopenWorkingDays).toBe(5);
    expect(loadConfig({ TANDEM_REOPEN_WORKING_DAYS: '10' }).reopenWorkingDays).toBe(10);
    expect(() => loadConfig({ TANDEM_REOPEN_WORKING_DAYS: '0' })).toThrow(/TANDEM_REOPEN_WORKING_DAYS/);
  });

  it('knows production by NODE_ENV', () => {
    const secret = { TANDEM_SESSION_SECRET: 'a-session-secret-of-at-least-32-characters' };
    expect(loadConfig({ ...secret, NODE_ENV: 'production' }).production).toBe(true);
    expect(loadConfig({ ...secret, NODE_ENV: 'development' }).production).toBe(false);
  });
});
