// Journald's own fields of a matched entry as facts: who the entry is about (pid, process, unit,
// host), its priority, and for systemd-coredump entries the signal, executable and core file.
//
// The entry's writer is not always its subject. systemd (pid 1, or a user manager) speaks about the
// unit in UNIT=/USER_UNIT=; systemd-coredump about the process in COREDUMP_PID=; a trusted daemon
// logging with OBJECT_PID= about that object; the kernel (_TRANSPORT=kernel) names its victims in
// the text only. Taking pid 1 or systemd-coredump's own pid as the subject would join unrelated
// failures, so those entries give the pid, process and unit they are about, or none.
import type { Facts } from '../types.js';
import { signalName } from './facts.js';

/** MESSAGE_ID of systemd-coredump's "Process N (comm) of user U dumped core." */
const COREDUMP_MESSAGE_ID = 'fc2e22bc6ee647b6b90729ab34a250b1';

function int(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

function text(value: string | undefined): string | undefined {
  return value !== undefined && value !== '' ? value : undefined;
}

function put(facts: Facts, key: string, value: string | number | undefined): void {
  if (value !== undefined) facts[key] = value;
}

export function isCoredumpEntry(fields: Record<string, string>): boolean {
  return fields.COREDUMP_PID !== undefined || fields.MESSAGE_ID === COREDUMP_MESSAGE_ID;
}

/**
 * The facts journald's fields give about an entry. `envelope` false (a rule whose line speaks of
 * another process) drops the writer's own pid, process and unit; what an entry says it is about
 * (UNIT=, COREDUMP_*, OBJECT_*) is kept either way.
 */
export function journalFacts(fields: Record<string, string>, envelope = true): Facts {
  const facts: Facts = {};
  if (isCoredumpEntry(fields)) {
    put(facts, 'pid', int(fields.COREDUMP_PID));
    put(facts, 'process', text(fields.COREDUMP_COMM));
    put(facts, 'unit', text(fields.COREDUMP_UNIT) ?? text(fields.COREDUMP_USER_UNIT));
    put(facts, 'host', text(fields.COREDUMP_HOSTNAME) ?? text(fields._HOSTNAME));
    const signal = (fields.COREDUMP_SIGNAL_NAME && signalName(fields.COREDUMP_SIGNAL_NAME)) || (fields.COREDUMP_SIGNAL && signalName(fields.COREDUMP_SIGNAL));
    put(facts, 'signal', signal || undefined);
    put(facts, 'executable', text(fields.COREDUMP_EXE));
    put(facts, 'corePath', text(fields.COREDUMP_FILENAME));
  } else if (fields.OBJECT_PID !== undefined) {
    put(facts, 'pid', int(fields.OBJECT_PID));
    put(facts, 'process', text(fields.OBJECT_COMM));
    put(facts, 'unit', text(fields.OBJECT_SYSTEMD_USER_UNIT) ?? text(fields.OBJECT_SYSTEMD_UNIT));
  } else if (fields.UNIT !== undefined || fields.USER_UNIT !== undefined || fields._PID === '1') {
    // A service manager about one of its units: the unit is the subject, the manager is not.
    put(facts, 'unit', text(fields.UNIT) ?? text(fields.USER_UNIT));
  } else if (fields._TRANSPORT !== 'kernel' && envelope) {
    put(facts, 'pid', int(fields._PID) ?? int(fields.SYSLOG_PID));
    put(facts, 'process', text(fields._COMM) ?? text(fields.SYSLOG_IDENTIFIER));
    put(facts, 'unit', text(fields._SYSTEMD_USER_UNIT) ?? text(fields._SYSTEMD_UNIT));
  }
  if (facts.host === undefined) put(facts, 'host', text(fields._HOSTNAME));
  put(facts, 'priority', fields.PRIORITY !== undefined && /^[0-7]$/.test(fields.PRIORITY) ? Number(fields.PRIORITY) : undefined);
  return facts;
}
