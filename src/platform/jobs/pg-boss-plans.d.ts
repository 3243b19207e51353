// The SQL pg-boss 10 sends for each of its operations, as functions of its schema name. Its types
// leave this file out; the adapter (boss-database.ts) needs two of its statements to recognise them.
declare module 'pg-boss/src/plans.js' {
  const plans: {
    completeJobs(schema: string): string;
    failJobsById(schema: string): string;
    create(schema: string, version: number): string;
  };
  export default plans;
}
