import { describe, expect, it } from 'vitest';
import { fillTemplate, formatBytes } from '../../src/rules/template.js';

describe('fillTemplate', () => {
  const facts = { pid: 42, rssBytes: 2 * 1024 ** 3, process: 'clw-worker' };
  it('fills, formats, falls back and drops conditional text', () => {
    expect(fillTemplate('{process} (pid {pid}) used {rssBytes:bytes}', facts)).toBe('clw-worker (pid 42) used 2.0 GiB');
    expect(fillTemplate('limit {memoryLimitBytes:bytes|unknown}', facts)).toBe('limit unknown');
    expect(fillTemplate('x{pid? (pid %)}{worker? on %}', facts)).toBe('x (pid 42)');
    expect(fillTemplate('max_memory_gb = {suggestedMemoryGb}', facts)).toBe('max_memory_gb = <suggestedMemoryGb>');
  });
  it('formats bytes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536 * 1024)).toBe('1.5 MiB');
  });
});
