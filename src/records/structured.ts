// One line of a JSON-structured application log (pino, bunyan, zap, logrus, structlog, Elastic
// Common Schema, Serilog, docker's json-file, OpenClaw's metrics record): level, message and time
// come from their own fields; the message is what rules read.
import type { LogRecord } from '../types.js';
import { normalLevel } from './levels.js';
import { parseTimeText } from './time.js';

const MESSAGE_KEYS = ['msg', 'message', 'event', '@m', '@mt', 'textPayload', 'log', 'Message'];
const LEVEL_KEYS = ['level', 'lvl', 'severity', 'log.level', 'levelname', '@l', 'loglevel', 'Level', 'level_name'];
const TIME_KEYS = ['time', 'ts', 'timestamp', '@timestamp', '@t', 'datetime', 'asctime', 'Timestamp', 't'];
const ERROR_KEYS = ['error', 'err', 'exception', 'exc_info', 'error.message', 'error.type', '@x', 'stack_trace', 'error.stack_trace', 'stack'];
const PID_KEYS = ['pid', 'process.pid', 'process_id'];
const PROCESS_KEYS = ['name', 'logger', 'process.name', 'service', 'service.name', 'app', 'program'];
const HOST_KEYS = ['hostname', 'host', 'host.name'];
const META = new Set([...LEVEL_KEYS, ...TIME_KEYS, ...PID_KEYS, ...HOST_KEYS, 'v', 'caller', 'stream', 'logger', 'name']);

/** Nested objects flattened to dotted keys (ECS writes both shapes). */
function flatten(obj: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix + k;
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length <= 40) flatten(v as Record<string, unknown>, `${key}.`, out);
    else out[key] = v;
  }
  return out;
}

function first(fields: Record<string, unknown>, keys: string[]): unknown {
  for (const k of keys) if (fields[k] !== undefined && fields[k] !== null && fields[k] !== '') return fields[k];
  return undefined;
}

function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function timeOf(v: unknown): number | null {
  if (typeof v === 'number') return parseTimeText(String(v), 'epoch');
  if (typeof v === 'string') return /^\d+(?:\.\d+)?$/.test(v) ? parseTimeText(v, 'epoch') : parseTimeText(v, 'iso');
  return null;
}

/** An error's text: a string, or the message (and type) of an error object. */
function errorText(fields: Record<string, unknown>): string | undefined {
  for (const k of ERROR_KEYS) {
    const v = fields[k] ?? fields[`${k}.message`];
    const s = scalarText(v);
    if (s) return s.split('\n')[0];
  }
  const type = scalarText(fields['err.type'] ?? fields['error.kind']);
  return type;
}

/** key=value for the record's own fields, for records with no message (a metrics record). */
function logfmt(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .filter(([k, v]) => !META.has(k) && scalarText(v) !== undefined)
    .map(([k, v]) => `${k}=${/[\s"=]/.test(String(v)) ? JSON.stringify(v) : String(v)}`)
    .join(' ');
}

export function readStructured(raw: string, source: string, line: number): LogRecord | null {
  let obj: unknown;
  try {
    obj = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return null;
  const fields = flatten(obj as Record<string, unknown>);
  const message = scalarText(first(fields, MESSAGE_KEYS));
  const err = errorText(fields);
  let text = message !== undefined ? message.replace(/\r?\n$/, '') : logfmt(fields);
  if (err && !text.includes(err)) text = text ? `${text}: ${err}` : err;
  const rec: LogRecord = { source, line, raw, text, time: timeOf(first(fields, TIME_KEYS)) };
  const level = scalarText(first(fields, LEVEL_KEYS));
  if (level) rec.level = normalLevel(level);
  const pid = Number(first(fields, PID_KEYS));
  if (Number.isInteger(pid) && pid > 0) rec.pid = pid;
  const proc = scalarText(first(fields, PROCESS_KEYS));
  if (proc) rec.process = proc;
  const host = scalarText(first(fields, HOST_KEYS));
  if (host) rec.host = host;
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) { const s = scalarText(v); if (s !== undefined) flat[k] = s; }
  rec.fields = flat;
  return rec;
}
