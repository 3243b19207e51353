export {
  openDatabase,
  startOpening,
  type Opening,
  type Database,
  type ListenHandlers,
  type Engine,
  type OpenOptions,
} from './database.js';
export {
  inScope,
  readInScope,
  authenticationStatement,
  NO_SCOPE,
  APP_ROLE,
  type Scope,
  type Tx,
} from './unit-of-work.js';
export { migrate, readMigrations, MIGRATIONS_DIR } from './migrate.js';
export { DataDirLockedError, MigrationError } from './errors.js';
export type { Schema } from './schema.js';
