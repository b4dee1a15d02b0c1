// One line of `journalctl -o json`: journald's fields become the envelope, not only MESSAGE.
import type { LogRecord } from '../types.js';
import { placeable } from './time.js';

const PRIORITY_LEVEL = ['EMERG', 'ALERT', 'CRITICAL', 'ERROR', 'WARNING', 'NOTICE', 'INFO', 'DEBUG'];

/** MESSAGE is a string, or an array of bytes when it is not valid UTF-8. */
function fieldText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((b) => typeof b === 'number')) return Buffer.from(value as number[]).toString('utf8');
  if (typeof value === 'number') return String(value);
  return undefined;
}

export function readJournalJson(raw: string, source: string, line: number): LogRecord | null {
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (!obj || typeof obj !== 'object') return null;
  const message = fieldText(obj.MESSAGE);
  if (message === undefined) return null;
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    const t = fieldText(v);
    if (t !== undefined && k !== 'MESSAGE') fields[k] = t;
  }
  const micros = fields.__REALTIME_TIMESTAMP ?? fields._SOURCE_REALTIME_TIMESTAMP;
  const rec: LogRecord = {
    source, line, raw, text: message, fields,
    // A stamp no Date can hold (a corrupt field) leaves the line timeless, not lost.
    time: micros && /^\d+$/.test(micros) ? placeable(Math.floor(Number(micros) / 1000)) : null,
  };
  const pid = fields._PID ?? fields.COREDUMP_PID ?? fields.SYSLOG_PID;
  if (pid && /^\d+$/.test(pid)) rec.pid = Number(pid);
  rec.process = fields._COMM ?? fields.SYSLOG_IDENTIFIER ?? (fields._TRANSPORT === 'kernel' ? 'kernel' : undefined);
  if (fields._TRANSPORT === 'kernel') rec.process = 'kernel';
  rec.host = fields._HOSTNAME;
  // The unit a message is about: systemd's UNIT=, or the unit of the process that dumped core;
  // _SYSTEMD_UNIT is only the unit of the writer (systemd-coredump@… for a core dump).
  rec.unit = fields.UNIT ?? fields.COREDUMP_UNIT ?? fields._SYSTEMD_UNIT;
  if (fields.PRIORITY && /^[0-7]$/.test(fields.PRIORITY)) rec.level = PRIORITY_LEVEL[Number(fields.PRIORITY)];
  return rec;
}
