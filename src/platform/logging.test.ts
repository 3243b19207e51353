import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../test/helpers/app.js';
import { ConfigError } from '../config.js';
import { logFormatFor, prettyLine } from './logging.js';

describe('choosing how to log', () => {
  it('writes for a person at a terminal and for machines anywhere else, unless told', () => {
    expect(logFormatFor({}, true)).toBe('pretty');
    expect(logFormatFor({}, false)).toBe('json');
    expect(logFormatFor({ LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(logFormatFor({ LOG_FORMAT: ' Pretty ' }, false)).toBe('pretty');
    expect(logFormatFor({ LOG_FORMAT: '' }, false)).toBe('json');
  });

  it('refuses a format it does not know, naming the setting', () => {
    expect(() => logFormatFor({ LOG_FORMAT: 'yaml' }, true)).toThrow(ConfigError);
    expect(() => logFormatFor({ LOG_FORMAT: 'yaml' }, true)).toThrow(/LOG_FORMAT must be json or pretty/);
  });
});

describe('a log line for a person', () => {
  it('reads a request as method, address, status and time', () => {
    const line = JSON.stringify({
      level: 30,
      reqId: 'abc',
      request: { method: 'GET', url: '/catalogue?page=2', statusCode: 200, ms: 12 },
      msg: 'request completed',
    });
    expect(prettyLine(line)).toBe('GET /catalogue?page=2 200 12 ms');
  });

  it('gives other messages with their level, and an error with its stack', () => {
    expect(prettyLine(JSON.stringify({ level: 30, msg: 'Server listening' }))).toBe('Server listening');
    expect(prettyLine(JSON.stringify({ level: 40, msg: 'slow query' }))).toBe('warn: slow query');
    expect(
      prettyLine(
        JSON.stringify({
          level: 50,
          msg: 'boom',
          err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x' },
        }),
      ),
    ).toBe('error: boom\nError: boom\n    at x');
    expect(prettyLine('not json\n')).toBe('not json');
  });

  it('never lets an address send control characters to the terminal', () => {
    const line = JSON.stringify({
      level: 30,
      request: { method: 'GET', url: '/\u001b[2Jx', statusCode: 404, ms: 1 },
    });
    expect(prettyLine(line)).toBe('GET /\\u001b[2Jx 404 1 ms');
  });
});

describe('the running app', () => {
  const capture = () => {
    const lines: string[] = [];
    return {
      lines,
      stream: { write: (text: string) => void lines.push(...text.split('\n').filter(Boolean)) },
    };
  };

  it('logs one short line per request in the pretty format', async () => {
    const { lines, stream } = capture();
    const t = await buildTestApp({}, { logStream: stream, logFormat: 'pretty' });
    try {
      lines.length = 0;
      await t.app.inject({ method: 'GET', url: '/healthz' });
      await t.app.inject({ method: 'GET', url: '/no-such-page' });
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^GET \/healthz 200 \d+ ms$/);
      expect(lines[1]).toMatch(/^GET \/no-such-page (303|404) \d+ ms$/);
    } finally {
      await t.close();
    }
  });

  it('keeps JSON lines, with request ids, for machines', async () => {
    const { lines, stream } = capture();
    const t = await buildTestApp({}, { logStream: stream });
    try {
      lines.length = 0;
      const response = await t.app.inject({ method: 'GET', url: '/healthz' });
      const records = lines.map((line) => JSON.parse(line) as { reqId?: string; msg?: string });
      expect(records.map((r) => r.msg)).toEqual(['incoming request', 'request completed']);
      expect(records.every((r) => r.reqId === response.headers['x-request-id'])).toBe(true);
    } finally {
      await t.close();
    }
  });
});
