import type { Config } from './config.js';
import { openDatabase, migrate, type Database } from './platform/db/index.js';

/** A mistake in how a command was called: answered with the usage text and exit code 2. */
export class UsageError extends Error {}

export function out(line: string) {
  process.stdout.write(`${line}\n`);
}

export async function withDatabase<T>(config: Config, work: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    migrationUrl: config.databaseMigrationUrl,
    dataDir: config.dataDir,
    poolSize: 2,
    // A command's reads need no connections of their own.
    pipelines: 0,
  });
  try {
    await migrate(db, { onApplied: (file) => out(`migrated: ${file}`) });
    return await work(db);
  } finally {
    await db.close();
  }
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
