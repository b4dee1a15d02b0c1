import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escapeControl, escapeControlDeep, jsonControlEscaped } from '../../src/text/escape-control.js';

// Everything a terminal may act on: C0 but tab, DEL, C1.
const RAW_CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;

describe('escapeControl', () => {
  it('shows an OSC title, a screen clear and an OSC 8 link as escapes', () => {
    expect(escapeControl('\x1b]0;pwned\x07boom')).toBe('\\x1b]0;pwned\\x07boom');
    expect(escapeControl('a\x1b[2Jb')).toBe('a\\x1b[2Jb');
    expect(escapeControl('\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\')).toBe('\\x1b]8;;http://evil.example/\\x1b\\click\\x1b]8;;\\x1b\\');
  });

  it('escapes NUL, CR, LF, DEL and the C1 controls; keeps tab and ordinary text', () => {
    expect(escapeControl('a\x00b\rc\nd\x7fe\x9b31mf\x85')).toBe('a\\x00b\\rc\\nd\\x7fe\\x9b31mf\\x85');
    expect(escapeControl('tab\there')).toBe('tab\there');
    const plain = 'Exit code: 139 — SIGSEGV at 0x0, « ünïcödé » 日本 \u00a0 😀';
    expect(escapeControl(plain)).toBe(plain);
  });

  it('keeps line feeds only when asked, and still escapes CR then', () => {
    expect(escapeControl('a\nb\r\n', { keepNewlines: true })).toBe('a\nb\\r\n');
  });

  it('never leaves a control character a terminal would act on', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
      expect(RAW_CONTROL.test(escapeControl(s))).toBe(false);
    }));
  });

  it('changes nothing in text without control characters', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
      const clean = s.replace(new RegExp(RAW_CONTROL, 'g'), '');
      expect(escapeControl(clean)).toBe(clean);
    }));
  });
});

describe('escapeControlDeep', () => {
  it('escapes every string, keys too, and keeps line feeds under the keys named', () => {
    const v = { title: 'a\x1b[2J', n: 3, ok: true, none: null, facts: { 'k\x07': 'v\n' }, list: ['\x9b'], config: 'x\ny\x1b' };
    expect(escapeControlDeep(v, new Set(['config']))).toEqual({
      title: 'a\\x1b[2J', n: 3, ok: true, none: null, facts: { 'k\\x07': 'v\\n' }, list: ['\\x9b'], config: 'x\ny\\x1b',
    });
    expect(v.title).toBe('a\x1b[2J');
  });
});

describe('jsonControlEscaped', () => {
  it('escapes DEL and C1 in JSON text without changing the data', () => {
    expect(jsonControlEscaped(JSON.stringify({ t: 'a\u009b31m\u007f' }))).toBe('{"t":"a\\u009b31m\\u007f"}');
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const json = jsonControlEscaped(JSON.stringify(v));
      expect(/[\u007f-\u009f]/.test(json)).toBe(false);
      expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(v)));
    }));
  });
});
