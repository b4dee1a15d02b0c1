import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../src/records/envelope.js';

const env = (raw: string, opts = {}) => parseEnvelope(raw, 'f', 1, opts);

describe('parseEnvelope', () => {
  it('reads the clw worker.log envelope with and without a leading time', () => {
    expect(env('clw-worker[pid=12345]: FATAL: boom')).toMatchObject({ process: 'clw-worker', pid: 12345, level: 'FATAL', text: 'FATAL: boom', time: null });
    const r = env('2026-11-20T10:00:00Z clw-worker[pid=7]: INFO: ok');
    expect(r).toMatchObject({ process: 'clw-worker', pid: 7, text: 'INFO: ok', time: Date.UTC(2026, 10, 20, 10) });
  });

  it('reads syslog host, process and pid', () => {
    const r = env('Nov 20 10:00:00 node-3 systemd[1]: clw-worker.service: Main process exited, code=killed, status=9/KILL');
    expect(r).toMatchObject({ host: 'node-3', process: 'systemd', pid: 1, text: 'clw-worker.service: Main process exited, code=killed, status=9/KILL' });
  });

  it('strips the kernel stamp inside kern.log lines', () => {
    const r = env('Nov 20 10:00:00 node-3 kernel: [ 1234.567890] Out of memory: Killed process 42 (clw-worker)');
    expect(r).toMatchObject({ host: 'node-3', process: 'kernel', text: 'Out of memory: Killed process 42 (clw-worker)' });
  });

  it('reads raw dmesg lines', () => {
    expect(env('[ 1234.567890] segfault at 0', { bootTime: 0 })).toMatchObject({ process: 'kernel', text: 'segfault at 0', time: 1_234_568 });
  });

  it('reads ISO syslog (RFC 5424 style) lines', () => {
    expect(env('2026-11-20T10:00:00.123456+00:00 node-3 kernel: x')).toMatchObject({ host: 'node-3', process: 'kernel', text: 'x' });
  });

  it('reads journalctl -o json lines, fields included', () => {
    const line = JSON.stringify({ __REALTIME_TIMESTAMP: '1763632800000000', MESSAGE: 'Main process exited', _PID: '1', _COMM: 'systemd', UNIT: 'clw-worker@2.service', _HOSTNAME: 'h1', PRIORITY: '4' });
    expect(env(line)).toMatchObject({ text: 'Main process exited', pid: 1, process: 'systemd', unit: 'clw-worker@2.service', host: 'h1', level: 'WARNING', time: 1763632800000 });
  });

  it('decodes a MESSAGE given as bytes', () => {
    const line = JSON.stringify({ MESSAGE: [104, 105], __REALTIME_TIMESTAMP: '1' });
    expect(env(line).text).toBe('hi');
  });

  it('leaves plain stderr alone', () => {
    const r = env('panic: runtime error: invalid memory address or nil pointer dereference');
    expect(r.text).toBe('panic: runtime error: invalid memory address or nil pointer dereference');
    expect(r.process).toBeUndefined();
    expect(env('{not json at all').text).toBe('{not json at all');
  });

  it('does not take a bracketed tag after a time for a syslog host', () => {
    const r = env('2026-11-20T10:00:00Z [clw] Leaked: 15MB per 1000 requests');
    expect(r.text).toBe('[clw] Leaked: 15MB per 1000 requests');
    expect(r.host).toBeUndefined();
  });

  it('does not read a message after an ISO or Go time as host and program', () => {
    expect(env('2026/11/20 10:00:00 fatal error: all goroutines are asleep - deadlock!').text).toBe('fatal error: all goroutines are asleep - deadlock!');
    expect(env('2026-11-20T10:00:00Z open /etc/hostname: too many open files').text).toBe('open /etc/hostname: too many open files');
  });

  it('keeps the indentation after a leading time', () => {
    expect(env('2026-11-20T10:00:00.000000000Z     data = bytearray(size)').text).toBe('    data = bytearray(size)');
  });

  it('reads bracketed levels', () => {
    expect(env('[ERROR] Worker process terminated unexpectedly. Exit code: 137').level).toBe('ERROR');
  });
});
