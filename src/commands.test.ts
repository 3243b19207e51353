import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../test/helpers/app.js';
import { demoIds } from '../test/helpers/database.js';
import { verifyPassword } from './platform/auth/index.js';
import { UsageError } from './cli-support.js';
import { sql } from 'kysely';
import { addUser, createToken, verifyAudit } from './commands.js';

let t: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
beforeAll(async () => {
  t = await buildTestApp();
  ids = await demoIds(t.db);
});
afterAll(() => t?.close());

/** Runs a command as `tandem` would, with `stdin` as standard input; returns what it printed. */
async function run(command: 'user add' | 'token create', args: string[], stdin = ''): Promise<string[]> {
  const lines: string[] = [];
  const io = { out: (line: string) => lines.push(line), readStdin: async () => stdin };
  const work = command === 'user add' ? await addUser(args, io) : createToken(args, io);
  await work(t.db);
  return lines;
}

const userByEmail = (email: string) =>
  t.db.kysely.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();

const auditOf = (entityId: string) =>
  t.db.kysely
    .selectFrom('audit_events')
    .select(['action', 'org_id', 'after'])
    .where('entity_id', 'like', `%${entityId}`)
    .orderBy('at')
    .execute();

describe('tandem user add', () => {
  it('adds a user with roles in an organisation, with the password given on standard input, and audits both', async () => {
    const printed = await run(
      'user add',
      [
        '--email',
        ' Nia.Clerk@Wyvern.example ',
        '--name',
        'Nia Clerk',
        '--org',
        'wdc',
        '--roles',
        'requester,partner_manager',
        '--password-stdin',
      ],
      'a long enough passphrase',
    );
    expect(printed).toEqual([
      'Added Nia Clerk <nia.clerk@wyvern.example> with requester, partner_manager in WDC',
    ]);
    const user = (await userByEmail('nia.clerk@wyvern.example'))!;
    expect(user.name).toBe('Nia Clerk');
    expect(await verifyPassword('a long enough passphrase', user.password_hash)).toBe(true);
    const membership = await t.db.kysely
      .selectFrom('memberships')
      .select('roles')
      .where('user_id', '=', user.id)
      .where('org_id', '=', ids.orgs.WDC!)
      .executeTakeFirstOrThrow();
    expect([...membership.roles].sort()).toEqual(['partner_manager', 'requester']);
    const audit = await auditOf(user.id);
    expect(audit.map((event) => event.action)).toEqual(['user.add', 'membership.add']);
    expect(audit[1]).toMatchObject({ org_id: ids.orgs.WDC, after: { source: 'cli' } });
  });

  it('without a password on standard input, makes one, prints it once, and it works', async () => {
    const printed = await run('user add', ['--email', 'no.roles@mercia.example', '--name', 'No Roles']);
    expect(printed[0]).toBe('Added No Roles <no.roles@mercia.example>');
    const password = /^Password \(shown once\): (\S{20})$/.exec(printed[1] ?? '')?.[1];
    expect(password).toBeDefined();
    const user = (await userByEmail('no.roles@mercia.example'))!;
    expect(await verifyPassword(password!, user.password_hash)).toBe(true);
  });

  it('refuses bad arguments before touching the database', async () => {
    const io = { out: () => {}, readStdin: async () => 'a long enough passphrase' };
    const refusals: Array<[string[], RegExp]> = [
      [['--email', 'not-an-email', '--name', 'X'], /--email/],
      [['--email', 'x@example.org'], /--name/],
      [['--email', 'x@example.org', '--name', 'X', '--org', 'WDC'], /--roles is required/],
      [['--email', 'x@example.org', '--name', 'X', '--roles', 'agent'], /--org is required/],
      [['--email', 'x@example.org', '--name', 'X', '--org', 'WDC', '--roles', 'agent,wizard'], /wizard/],
    ];
    for (const [args, message] of refusals) {
      await expect(addUser(args, io)).rejects.toThrow(message);
    }
    await expect(addUser(['--email', 'x@example.org', '--name', 'X', '--colour', 'red'], io)).rejects.toThrow(
      /colour/,
    );
    await expect(
      addUser(['--email', 'x@example.org', '--name', 'X', '--password-stdin'], {
        ...io,
        readStdin: async () => 'password',
      }),
    ).rejects.toBeInstanceOf(UsageError);
  });

  it('audits a user added with no organisation under the host, which answers for them', async () => {
    await run('user add', ['--email', 'unplaced@mercia.example', '--name', 'Unplaced'], '');
    const user = (await userByEmail('unplaced@mercia.example'))!;
    expect(await auditOf(user.id)).toEqual([
      { action: 'user.add', org_id: ids.orgs.MCC, after: expect.objectContaining({ source: 'cli' }) },
    ]);
  });

  it('adds nothing when the email is taken or the organisation is unknown', async () => {
    await expect(
      run('user add', ['--email', 'requester@wyvern.example', '--name', 'Again'], 'a long enough passphrase'),
    ).rejects.toThrow(/already exists/);
    await expect(
      run(
        'user add',
        ['--email', 'nowhere@example.org', '--name', 'Nowhere', '--org', 'NOPE', '--roles', 'agent'],
        'a long enough passphrase',
      ),
    ).rejects.toThrow(/no organisation has the code NOPE/);
    expect(await userByEmail('nowhere@example.org')).toBeUndefined();
  });
});

describe('tandem token create', () => {
  it('prints a token that acts as that user in that organisation only, and audits it', async () => {
    const [secret] = await run('token create', [
      '--email',
      'requester@wyvern.example',
      '--org',
      'wdc',
      '--name',
      'Nightly',
    ]);
    expect(secret).toMatch(/^tdm_/);
    const me = await t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${secret}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email: 'requester@wyvern.example', organisation: { code: 'WDC' } });
    const token = await t.db.kysely
      .selectFrom('api_tokens')
      .select(['id', 'name', 'expires_at'])
      .where('user_id', '=', ids.users['requester@wyvern.example']!)
      .where('name', '=', 'Nightly')
      .executeTakeFirstOrThrow();
    const days = (new Date(token.expires_at).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThanOrEqual(90);
    expect((await auditOf(token.id)).map((event) => event.action)).toEqual(['api-token.create']);
  });

  it('refuses a user with no role there, an unknown user or organisation, and bad days', async () => {
    const refusals: Array<[string[], RegExp]> = [
      [['--email', 'requester@wyvern.example', '--org', 'MCC'], /has no role in MCC/],
      [['--email', 'nobody@example.org', '--org', 'WDC'], /no active user/],
      [['--email', 'requester@wyvern.example', '--org', 'NOPE'], /no organisation has the code NOPE/],
      [['--email', 'requester@wyvern.example', '--org', 'WDC', '--days', '0'], /--days/],
      [['--email', 'requester@wyvern.example', '--org', 'WDC', '--days', '1.5'], /--days/],
      [['--org', 'WDC'], /--email/],
    ];
    const before = await t.db.kysely
      .selectFrom('api_tokens')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    for (const [args, message] of refusals) {
      await expect(run('token create', args)).rejects.toThrow(message);
    }
    const after = await t.db.kysely
      .selectFrom('api_tokens')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    expect(after).toEqual(before);
  });
});

describe('tandem audit verify', () => {
  const verify = async () => {
    const lines: string[] = [];
    const intact = await verifyAudit([], { out: (line) => lines.push(line) })(t.db);
    return { intact, lines };
  };

  it('says the log is intact, with the hash at the end of each organisation’s chain', async () => {
    const { intact, lines } = await verify();
    expect(intact).toBe(true);
    expect(lines[0]).toMatch(/^The audit log is intact: \d+ entries in \d+ organisations' chains\./);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}MCC +\d+ {2}[0-9a-f]{64}$/));
  });

  it('names the entry where a chain breaks, and says the log is broken', async () => {
    const removed = await t.db.kysely
      .selectFrom('audit_events')
      .select(['id', 'seq'])
      .where('org_id', '=', ids.orgs.MCC!)
      .where('seq', '=', '2')
      .executeTakeFirstOrThrow();
    await t.db.kysely.transaction().execute(async (trx) => {
      await sql`alter table audit_events disable trigger audit_events_append_only`.execute(trx);
      await sql`delete from audit_events where id = ${removed.id}`.execute(trx);
      await sql`alter table audit_events enable always trigger audit_events_append_only`.execute(trx);
    });
    const { intact, lines } = await verify();
    expect(intact).toBe(false);
    expect(lines).toEqual([
      expect.stringMatching(/^The audit log is broken \(\d+ entries in \d+ organisations' chains\)\./),
      expect.stringMatching(/^ {2}MCC no\. 3 \(entry \d+, .*\): entry no\. 2 is missing before it$/),
    ]);
  });

  it('takes no options', () => {
    expect(() => verifyAudit(['--fix'], { out: () => {} })).toThrow(/fix/);
  });
});
