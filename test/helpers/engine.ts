/** Which engine database tests run on: the embedded one by default, a server with TANDEM_TEST_ENGINE=postgres. */
export function testEngine(): 'embedded' | 'server' {
  return process.env.TANDEM_TEST_ENGINE === 'postgres' ? 'server' : 'embedded';
}

/** The server to create test databases on. */
export function adminUrl(): string {
  return process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function databaseUrl(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}
