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
  commitWith,
  authenticationStatement,
  NO_SCOPE,
  APP_ROLE,
  type Scope,
  type Tx,
} from './unit-of-work.js';
export { migrate, readMigrations, MigrationError, MIGRATIONS_DIR } from './migrate.js';
export { DataDirLockedError } from './lock.js';
export { applicationRoleProblems, refuseUnsafeApplicationRole, UnsafeDatabaseRoleError } from './roles.js';
export type { Schema } from './schema.js';
export { refusedBy, refusalOf } from './refusals.js';
