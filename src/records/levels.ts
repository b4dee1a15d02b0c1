// One spelling for the levels that programs print in many: E, err, error, 50, Fatal, CRIT...

const LEVELS: Record<string, string> = {
  TRACE: 'DEBUG', DEBUG: 'DEBUG', D: 'DEBUG', DBG: 'DEBUG', VERBOSE: 'DEBUG',
  INFO: 'INFO', I: 'INFO', INF: 'INFO', INFORMATION: 'INFO', NOTICE: 'NOTICE', N: 'NOTICE',
  WARN: 'WARNING', WARNING: 'WARNING', W: 'WARNING', WRN: 'WARNING',
  ERROR: 'ERROR', ERR: 'ERROR', E: 'ERROR', EROR: 'ERROR',
  CRITICAL: 'CRITICAL', CRIT: 'CRITICAL', C: 'CRITICAL', ALERT: 'CRITICAL', A: 'CRITICAL',
  FATAL: 'FATAL', F: 'FATAL', FTL: 'FATAL', PANIC: 'PANIC', DPANIC: 'PANIC', EMERG: 'PANIC', EMERGENCY: 'PANIC',
  // pino and bunyan number their levels.
  10: 'DEBUG', 20: 'DEBUG', 30: 'INFO', 40: 'WARNING', 50: 'ERROR', 60: 'FATAL',
};

/** The common spelling of a level word, or the word in upper case when it is not one. */
export function normalLevel(word: string | number): string {
  const w = String(word).trim().toUpperCase();
  return LEVELS[w] ?? w;
}

/** The severity a line's own level gives, for rules that take it from there; null when it says none. */
export function levelSeverity(level: string | undefined): 'critical' | 'error' | 'warning' | 'info' | null {
  switch (level === undefined ? undefined : normalLevel(level)) {
    case 'FATAL': case 'PANIC': case 'CRITICAL': return 'critical';
    case 'ERROR': return 'error';
    case 'WARNING': return 'warning';
    case 'INFO': case 'NOTICE': case 'DEBUG': return 'info';
    default: return null;
  }
}
