// Reads a line's envelope (time, host, process, pid, level) and leaves the message as `text`.
// Formats are told apart line by line, so one file may mix them.
import type { LogRecord } from '../types.js';
import { bundledFormats, readHead, type FormatHead } from './formats.js';
import { readJournalJson } from './journal-json.js';
import { readStructured } from './structured.js';
import { placeable, readLeadingTime, type TimeContext } from './time.js';

// `host process[pid]: ` after a syslog time; `process[pid]: ` or `process[pid=N]: ` after an ISO time.
// A host is a hostname or an address, never `[clw]` or a word ending in a colon.
const SYSLOG_HEAD = /^([\w.:-]*[\w]) ([\w.@/:()-]+?)(?:\[(?:pid=)?(\d+)\])?: /;
const PROC_HEAD = /^([\w.@/-]+)\[(?:pid=)?(\d+)\]: /;
const KERNEL_MONO = /^\[\s*\d+\.\d+\] /;
const PRIORITY = /^<(\d)>/;
const DMESG_FACILITY = /^(kern|user|daemon|syslog)\s*:\s*(emerg|alert|crit|err|warn|notice|info|debug)\s*: /;
const LEVEL = /^(?:\[(DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|CRIT|PANIC)\] ?|(DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|FATAL|CRITICAL|PANIC):? )/;

function syslogHead(text: string, afterSyslogTime: boolean): RegExpExecArray | null {
  const m = SYSLOG_HEAD.exec(text);
  if (!m || afterSyslogTime) return m;
  return m[3] !== undefined || m[2] === 'kernel' ? m : null;
}

export interface EnvelopeOptions extends TimeContext {
  /** ISO-stamped lines carry no syslog host (dmesg --time-format iso); kern.log lines still do. */
  kernelOnly?: boolean;
}

function withLevel(rec: LogRecord): LogRecord {
  const lv = LEVEL.exec(rec.text);
  if (lv) rec.level = (lv[1] ?? lv[2]).toUpperCase();
  return rec;
}

const MAX_PREFIXES = 3;

/** Reads prefixes that wrap whole lines (docker compose, kubectl --prefix), then the line itself;
 *  what a prefix names fills what the line leaves unsaid. */
export function parseEnvelope(raw: string, source: string, line: number, opts: EnvelopeOptions = {}): LogRecord {
  const { prefixes } = bundledFormats();
  let body = raw;
  let outer: FormatHead | null = null;
  for (let i = 0; i < MAX_PREFIXES && prefixes.length; i++) {
    const head = readHead(body, prefixes, opts);
    if (!head || head.length === 0) break;
    outer = outer ? Object.assign({}, head, outer) as FormatHead : head;
    body = body.slice(head.length);
  }
  const rec = parseBody(body, source, line, opts);
  rec.raw = raw;
  if (outer) {
    rec.format ??= outer.format;
    if (rec.time === null && outer.time != null) rec.time = outer.time;
    rec.process ??= outer.process;
    rec.host ??= outer.host;
    rec.unit ??= outer.unit;
    rec.worker ??= outer.worker;
    rec.level ??= outer.level;
  }
  // Every shape of stamp passes here: one beyond what a Date holds (a dmesg `[secs]` of 20 digits,
  // an epoch in the far future) makes the line timeless rather than failing the source.
  rec.time = placeable(rec.time);
  return rec;
}

function fromHead(head: FormatHead, body: string, source: string, line: number): LogRecord {
  const rec: LogRecord = { source, line, time: head.time ?? null, text: body.slice(head.length), raw: body, format: head.format };
  if (head.level) rec.level = head.level;
  if (head.process) rec.process = head.process;
  if (head.pid !== undefined) rec.pid = head.pid;
  if (head.host) rec.host = head.host;
  if (head.unit) rec.unit = head.unit;
  if (head.worker) rec.worker = head.worker;
  return rec.level ? rec : withLevel(rec);
}

function parseJson(raw: string, source: string, line: number, opts: EnvelopeOptions): LogRecord | null {
  if (raw.includes('"MESSAGE"')) {
    const rec = readJournalJson(raw, source, line);
    if (rec) return withLevel(rec);
  }
  const rec = readStructured(raw, source, line);
  if (!rec) return null;
  rec.format = 'json';
  // docker's json-file driver: the program's own line is in `log`, with its own envelope.
  if (rec.fields?.log !== undefined && rec.fields.stream !== undefined && rec.fields.msg === undefined) {
    const inner = parseBody(rec.fields.log.replace(/\r?\n$/, ''), source, line, opts);
    if (inner.time === null) inner.time = rec.time;
    inner.format ??= 'json';
    inner.raw = raw;
    return inner;
  }
  return rec.level ? rec : withLevel(rec);
}

function parseBody(raw: string, source: string, line: number, opts: EnvelopeOptions): LogRecord {
  if (raw.charCodeAt(0) === 123 /* { */) {
    const rec = parseJson(raw, source, line, opts);
    if (rec) return rec;
  }
  const head = readHead(raw, bundledFormats().envelopes, opts);
  if (head) return fromHead(head, raw, source, line);
  let text = raw;
  const rec: LogRecord = { source, line, time: null, text, raw };
  const prio = PRIORITY.exec(text);
  if (prio) text = text.slice(prio[0].length);
  const lead = readLeadingTime(text, opts);
  if (lead) {
    rec.time = lead.time;
    text = text.slice(lead.length);
    if (lead.monotonic !== undefined) {
      rec.process = 'kernel';
    } else if (lead.shape === 'syslog' || (!opts.kernelOnly && lead.shape !== 'go')) {
      const head = PROC_HEAD.exec(text) ?? null;
      // After a syslog time a host always follows. After an ISO time it is only taken when the
      // program names its pid or is the kernel: `fatal error: x` is a message, not host and program.
      const sys = head ? null : syslogHead(text, lead.shape === 'syslog');
      if (head) {
        rec.process = head[1];
        rec.pid = Number(head[2]);
        text = text.slice(head[0].length);
      } else if (sys && !/^(INFO|WARN|WARNING|ERROR|FATAL|DEBUG|CRITICAL)$/.test(sys[2])) {
        rec.host = sys[1];
        rec.process = sys[2];
        if (sys[3]) rec.pid = Number(sys[3]);
        text = text.slice(sys[0].length);
      }
    }
  } else {
    const head = PROC_HEAD.exec(text);
    if (head) {
      rec.process = head[1];
      rec.pid = Number(head[2]);
      text = text.slice(head[0].length);
    }
  }
  if (rec.process === 'kernel') {
    const mono = KERNEL_MONO.exec(text);
    if (mono) text = text.slice(mono[0].length);
  }
  const fac = DMESG_FACILITY.exec(text);
  if (fac) {
    text = text.slice(fac[0].length);
    rec.process ??= 'kernel';
  }
  rec.text = text;
  return withLevel(rec);
}
