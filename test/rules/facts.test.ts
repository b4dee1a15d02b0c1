import { describe, expect, it } from 'vitest';
import { convertFact, normalSpec, signalFromExitCode, signalName } from '../../src/rules/facts.js';

describe('facts', () => {
  it('names signals from numbers, short names and words', () => {
    expect(signalName('11')).toBe('SIGSEGV');
    expect(signalName('KILL')).toBe('SIGKILL');
    expect(signalName('sigabrt')).toBe('SIGABRT');
    expect(signalName('Segmentation fault')).toBe('SIGSEGV');
    expect(signalName('nonsense')).toBeNull();
    expect(signalFromExitCode(137)).toBe('SIGKILL');
    expect(signalFromExitCode(1)).toBeNull();
  });
  it('converts sizes and durations to bytes and milliseconds', () => {
    expect(convertFact('2097152', normalSpec('bytes:kB'), {})).toBe(2 * 1024 ** 3);
    expect(convertFact('2.5', normalSpec({ type: 'ms', unitGroup: 'u' }), { u: 's' })).toBe(2500);
    expect(convertFact('500', normalSpec('ms'), {})).toBe(500);
    expect(convertFact('300', normalSpec('seconds'), {})).toBe(300);
    expect(convertFact('DEADBEEF', normalSpec('hex'), {})).toBe('0xdeadbeef');
    expect(convertFact('1,024', normalSpec('int'), {})).toBe(1024);
    expect(convertFact('lots', normalSpec('int'), {})).toBeNull();
  });
});
