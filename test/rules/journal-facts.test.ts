import { describe, expect, it } from 'vitest';
import { isCoredumpEntry, journalFacts } from '../../src/rules/journal-facts.js';

const WORKER = {
  __REALTIME_TIMESTAMP: '1795168920000000', _PID: '4242', _COMM: 'clw-worker', _SYSTEMD_UNIT: 'clw-worker@2.service',
  _HOSTNAME: 'node-3', PRIORITY: '3', _TRANSPORT: 'stdout', SYSLOG_IDENTIFIER: 'clw-worker',
};
const SYSTEMD = {
  _PID: '1', _COMM: 'systemd', _SYSTEMD_UNIT: 'init.scope', UNIT: 'clw-worker@2.service', _HOSTNAME: 'node-3', PRIORITY: '4',
};
const COREDUMP = {
  _PID: '4400', _COMM: 'systemd-coredump', _SYSTEMD_UNIT: 'systemd-coredump@0-4400-0.service', _HOSTNAME: 'node-3', PRIORITY: '2',
  MESSAGE_ID: 'fc2e22bc6ee647b6b90729ab34a250b1', COREDUMP_PID: '4310', COREDUMP_COMM: 'clw-worker', COREDUMP_SIGNAL: '11',
  COREDUMP_SIGNAL_NAME: 'SIGSEGV', COREDUMP_EXE: '/usr/bin/clw-worker', COREDUMP_UNIT: 'clw-worker@2.service',
  COREDUMP_FILENAME: '/var/lib/systemd/coredump/core.clw-worker.1001.b1.4310.1795169999000000.zst',
};

describe('journalFacts', () => {
  it('takes a process\'s own entry: pid, process, unit, host and priority', () => {
    expect(journalFacts(WORKER)).toEqual({ pid: 4242, process: 'clw-worker', unit: 'clw-worker@2.service', host: 'node-3', priority: 3 });
  });

  it('takes the crashed process from a systemd-coredump entry, not systemd-coredump itself', () => {
    expect(isCoredumpEntry(COREDUMP)).toBe(true);
    expect(journalFacts(COREDUMP)).toEqual({
      pid: 4310, process: 'clw-worker', unit: 'clw-worker@2.service', host: 'node-3', priority: 2,
      signal: 'SIGSEGV', executable: '/usr/bin/clw-worker', corePath: COREDUMP.COREDUMP_FILENAME,
    });
  });

  it('names the signal from COREDUMP_SIGNAL when the name is missing, and knows a coredump by its MESSAGE_ID', () => {
    const { COREDUMP_SIGNAL_NAME: _, COREDUMP_PID: __, ...rest } = COREDUMP;
    expect(journalFacts({ ...rest, COREDUMP_SIGNAL: '6' })).toMatchObject({ signal: 'SIGABRT', unit: 'clw-worker@2.service' });
    expect(journalFacts({ ...rest, COREDUMP_SIGNAL: '6' }).pid).toBeUndefined();
  });

  it('keeps a coredump\'s facts for a rule that does not use the envelope', () => {
    expect(journalFacts(COREDUMP, false)).toMatchObject({ pid: 4310, signal: 'SIGSEGV', corePath: COREDUMP.COREDUMP_FILENAME });
  });

  it('takes the unit systemd speaks about, never pid 1 or systemd as the subject', () => {
    expect(journalFacts(SYSTEMD)).toEqual({ unit: 'clw-worker@2.service', host: 'node-3', priority: 4 });
    const { UNIT: _, ...noUnit } = SYSTEMD;
    expect(journalFacts(noUnit)).toEqual({ host: 'node-3', priority: 4 });
    expect(journalFacts({ _PID: '1712', _COMM: 'systemd', _SYSTEMD_UNIT: 'user@1001.service', USER_UNIT: 'clw-worker.service' }))
      .toEqual({ unit: 'clw-worker.service' });
  });

  it('takes the object a trusted daemon logs about (OBJECT_PID)', () => {
    expect(journalFacts({ _PID: '612', _COMM: 'systemd-oomd', OBJECT_PID: '4242', OBJECT_COMM: 'clw-worker', OBJECT_SYSTEMD_UNIT: 'clw-worker@2.service' }))
      .toEqual({ pid: 4242, process: 'clw-worker', unit: 'clw-worker@2.service' });
  });

  it('gives no pid or process for a kernel entry: the kernel names its victims in the text', () => {
    expect(journalFacts({ _TRANSPORT: 'kernel', SYSLOG_IDENTIFIER: 'kernel', _HOSTNAME: 'node-3', PRIORITY: '3' })).toEqual({ host: 'node-3', priority: 3 });
  });

  it('drops the writer\'s identity for a rule whose line speaks of another process', () => {
    expect(journalFacts(WORKER, false)).toEqual({ host: 'node-3', priority: 3 });
  });

  it('prefers the user unit and falls back to syslog\'s pid and identifier', () => {
    expect(journalFacts({ _PID: '900', _COMM: 'clw-worker', _SYSTEMD_UNIT: 'user@1001.service', _SYSTEMD_USER_UNIT: 'clw-worker.service' }))
      .toEqual({ pid: 900, process: 'clw-worker', unit: 'clw-worker.service' });
    expect(journalFacts({ SYSLOG_PID: '77', SYSLOG_IDENTIFIER: 'clw-supervisor', _TRANSPORT: 'syslog' })).toEqual({ pid: 77, process: 'clw-supervisor' });
  });

  it('ignores values that are not what they claim', () => {
    expect(journalFacts({ _PID: 'abc', _COMM: '', PRIORITY: '9', _HOSTNAME: '' })).toEqual({});
  });
});
