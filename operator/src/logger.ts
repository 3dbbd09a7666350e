/** Structured JSON lines on stdout (one object per line), with a level threshold. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const ORDER: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

export function isLogLevel(value: string): value is LogLevel {
  return value in ORDER;
}

export function newLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stdout.write(line),
  base: LogFields = {},
): Logger {
  const log =
    (at: LogLevel) =>
    (message: string, fields: LogFields = {}): void => {
      if (ORDER[at] < ORDER[level]) return;
      write(
        `${JSON.stringify({ time: new Date().toISOString(), level: at, msg: message, ...base, ...fields })}\n`,
      );
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => newLogger(level, write, { ...base, ...fields }),
  };
}

/** A logger that drops everything (tests). */
export const SILENT: Logger = newLogger('error', () => undefined);
