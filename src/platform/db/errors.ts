// The database's errors that a command reports as they are, kept apart from the modules that raise
// them so that reporting them loads nothing else.
export { DataDirLockedError } from './lock.js';

export class MigrationError extends Error {
  readonly code = 'ERR_MIGRATION_FAILED';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`Migration ${file} failed and was rolled back: ${reason}`);
  }
}
