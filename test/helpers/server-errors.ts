/**
 * The errors the server logs, by request id, so that a fuzz test can say why a request failed
 * (`22P02 invalid input syntax for type uuid`), not only that it did. Build the app with
 * `{ LOG_LEVEL: 'error' }` and `{ logger: true, logStream: errors.stream }`.
 */
export class ServerErrors {
  private readonly byRequest = new Map<string, string>();

  readonly stream = {
    write: (line: string) => {
      try {
        const entry = JSON.parse(line) as {
          reqId?: string;
          msg?: string;
          err?: { type?: string; message?: string; code?: string; stack?: string };
        };
        if (!entry.reqId) return;
        const err = entry.err;
        const where = err?.stack
          ?.split('\n')
          .find((frame) => /\/src\//.test(frame) && !frame.includes('node_modules'))
          ?.trim()
          .replace(/^at .*?\(?[^()]*\/(src\/[^:)]+:\d+).*$/, '$1');
        const cause = err
          ? [err.code, err.type, err.message, where ? `at ${where}` : undefined].filter(Boolean).join(' ')
          : (entry.msg ?? '');
        this.byRequest.set(entry.reqId, cause.slice(0, 300));
      } catch {
        // Not a JSON log line: nothing to learn from it.
      }
    },
  };

  /** What the server logged as the error of this request, if anything. */
  causeOf(requestId: unknown): string | undefined {
    return typeof requestId === 'string' ? this.byRequest.get(requestId) : undefined;
  }
}
