/**
 * How Tandem logs: JSON lines for machines (a log collector, a file, a pipe), or one short line per
 * request for a person watching a terminal, so that `npm start` stays readable.
 */
import type { FastifyInstance } from 'fastify';
import { ConfigError } from '../config.js';

export type LogFormat = 'json' | 'pretty';

/** `LOG_FORMAT` when set (`json` or `pretty`); otherwise pretty at a terminal and JSON anywhere else. */
export function logFormatFor(env: NodeJS.ProcessEnv, stdoutIsTerminal: boolean): LogFormat {
  const chosen = (env.LOG_FORMAT ?? '').trim().toLowerCase();
  if (chosen === 'json' || chosen === 'pretty') return chosen;
  if (chosen) throw new ConfigError(`LOG_FORMAT must be json or pretty; it is "${env.LOG_FORMAT}"`);
  return stdoutIsTerminal ? 'pretty' : 'json';
}

const LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** Control characters (a terminal would act on an escape sequence in a logged address) as \u escapes. */
function printable(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

interface LogRecord {
  level?: number;
  msg?: string;
  request?: { method: string; url: string; statusCode: number; ms: number };
  err?: { type?: string; message?: string; stack?: string };
}

/**
 * One JSON log line as a person reads it: a request as `GET /catalogue 200 12 ms`; anything else
 * as its message, with the level when it is not plain information and the stack of an error.
 */
export function prettyLine(json: string): string {
  let record: LogRecord;
  try {
    record = JSON.parse(json) as LogRecord;
  } catch {
    return printable(json.trimEnd());
  }
  const { request } = record;
  if (request) return printable(`${request.method} ${request.url} ${request.statusCode} ${request.ms} ms`);
  const level = LEVELS[record.level ?? 30] ?? 'info';
  const text = printable(`${level === 'info' ? '' : `${level}: `}${record.msg ?? ''}`);
  const stack =
    record.err?.stack ?? (record.err?.message ? `${record.err.type ?? 'Error'}: ${record.err.message}` : '');
  return stack ? `${text}\n${stack}` : text;
}

/** A destination for the logger that writes each JSON line it is given as a pretty one. */
export function prettyLogStream(out: { write(text: string): unknown }): { write(line: string): void } {
  return {
    write(line) {
      out.write(`${prettyLine(line)}\n`);
    },
  };
}

/**
 * In place of Fastify's two lines per request (received, completed), one line when the response
 * has gone: method, address, status and time taken.
 */
export function logEachRequestOnce(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        request: {
          method: request.method,
          url: request.url,
          statusCode: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
      },
      'request completed',
    );
  });
}
