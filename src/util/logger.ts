/**
 * Minimal leveled logger to stderr. Never used on the hot path (per chunk).
 * stdout is reserved for command output (rendered YAML, JSON, tables).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  level: LogLevel;
}

export function createLogger(level: LogLevel = 'info', write: (s: string) => void = (s) => process.stderr.write(s)): Logger {
  const log = (l: LogLevel, prefix: string, msg: string): void => {
    if (order[l] >= order[logger.level]) write(`${prefix}${msg}\n`);
  };
  const logger: Logger = {
    level,
    debug: (m) => log('debug', 'debug: ', m),
    info: (m) => log('info', '', m),
    warn: (m) => log('warn', 'warning: ', m),
    error: (m) => log('error', 'error: ', m),
  };
  return logger;
}
