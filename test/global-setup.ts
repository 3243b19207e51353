import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { TestProject } from 'vitest/node';
import { openDatabase, migrate } from '../src/platform/db/index.js';
import { seedDemo } from '../src/demo.js';
import { adminUrl, databaseUrl, ensureRole, LOGIN_ROLE, testEngine } from './helpers/engine.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated, demo-seeded database every test file starts from: a dump file (embedded) or a template database name (server). */
    template: string;
  }
}

/**
 * Migrates and seeds one database for the whole run (the demo, but for the joint committee's
 * records: its tests start from an empty committee and build their own); each test file then starts from a copy of it
 * (a restored dump on the embedded engine, CREATE DATABASE … TEMPLATE on a server), which takes a
 * fraction of a second instead of migrating again.
 */
export async function setup(project: TestProject) {
  if (testEngine() === 'embedded') {
    const db = await openDatabase({ dataDir: 'memory://' });
    await migrate(db);
    await seedDemo(db, undefined, { committee: false });
    const dump = await db.dump!();
    await db.close();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-test-')), 'template.tar');
    fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    project.provide('template', file);
    return () => fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }

  const name = `tandem_template_${process.pid}_${Date.now()}`;
  const admin = await openDatabase({ databaseUrl: adminUrl(), poolSize: 1 });
  await sql.raw(`create database ${name}`).execute(admin.kysely);
  const db = await openDatabase({ databaseUrl: databaseUrl(name), poolSize: 2 });
  try {
    await migrate(db);
    await seedDemo(db, undefined, { committee: false });
  } finally {
    await db.close();
  }
  // The login role that tests connect the application as, where they ask to (`asLoginRole`): the
  // first migration has made tandem_app, of which it is a member. The server may have only postgres.
  await ensureRole(admin.kysely, { name: LOGIN_ROLE, attributes: 'login noinherit', memberOf: 'tandem_app' });
  project.provide('template', name);
  return async () => {
    await sql.raw(`drop database if exists ${name} with (force)`).execute(admin.kysely);
    await admin.close();
  };
}
