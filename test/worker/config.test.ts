import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/worker/config.js';
import { diagnose, readLog, tempDir, worker, writeConfig } from './helpers.js';

function refusal(toml: string): string {
  const dir = tempDir();
  const file = join(dir, 'worker.toml');
  writeFileSync(file, toml);
  try {
    loadConfig(file);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message.replace(`invalid config ${file}: `, '');
  }
  throw new Error('config was accepted');
}

describe('worker.toml validation', { timeout: 15_000 }, () => {
  it('accepts a valid config, fills defaults and resolves paths against its folder', () => {
    const dir = tempDir();
    const cfg = loadConfig(writeConfig(dir));
    expect(cfg.task).toMatchObject({ max_memory_gb: 0.5, timeout_sec: 5, concurrency: 2, enable_core_dumps: false });
    expect(cfg.worker.queue).toBe(join(dir, 'queue'));
    expect(cfg.worker.max_tasks_per_worker).toBe(0);
  });

  it('refuses each bad value with one message naming its field', () => {
    expect(refusal('[task]\nmax_memory_gb = 0\n')).toBe('task.max_memory_gb must be greater than 0 (got 0)');
    expect(refusal('[task]\ntimeout_sec = -1\n')).toBe('task.timeout_sec must be greater than 0 (got -1)');
    expect(refusal('[task]\nmax_memory_gb = "4G"\n')).toBe('task.max_memory_gb must be a number (got "4G")');
    expect(refusal('[task]\nconcurrency = 1.5\n')).toBe('task.concurrency must be an integer (got 1.5)');
    expect(refusal('[task]\nenable_core_dumps = 1\n')).toBe('task.enable_core_dumps must be true or false (got 1)');
    expect(refusal('[worker]\nqueue = 5\n')).toBe('worker.queue must be a string (got 5)');
    expect(refusal('[task]\nmax_mem_gb = 4\n')).toBe('unknown key task.max_mem_gb (did you mean task.max_memory_gb?)');
    expect(refusal('[worker]\nconcurrency = 4\n')).toBe('unknown key worker.concurrency (did you mean task.concurrency?)');
    expect(refusal('[task]\nmax_memory_gb = \n')).toBe('TOML parse error at line 2, column 17: invalid value');
  });

  it('exits 78 with the clw-init-fail line in the log and on stderr; clw-diag ranks config.invalid first', async () => {
    const dir = tempDir();
    const config = writeConfig(dir, {}, { max_memory_gb: 0 });
    const r = await worker(['run', '--config', config]);
    expect(r.exitCode).toBe(78);
    const line = `clw-worker[pid=${'\\d+'}]: FATAL: clw-init-fail: invalid config ${config}: task.max_memory_gb must be greater than 0 (got 0)`;
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(line.replace(/[[\]().]/g, '\\$&').replace('\\\\d+', '\\d+')));
    expect(readLog(dir).trim().split('\n')).toEqual([r.stderr.trim()]);
    const incidents = await diagnose(join(dir, 'logs'));
    expect(incidents[0]).toMatchObject({ category: 'config.invalid', rule: 'clw-init-memory-limit', facts: { field: 'task.max_memory_gb' } });
  });

  it('names the line and column of a TOML syntax error, and enqueue refuses the config too', async () => {
    const dir = tempDir();
    const config = join(dir, 'worker.toml');
    writeFileSync(config, '[worker]\nid = "w1"\n[task\n');
    for (const args of [['run', '--config', config], ['enqueue', '--config', config, '--type', 'ok']]) {
      const r = await worker(args);
      expect(r.exitCode).toBe(78);
      expect(r.stderr).toMatch(/FATAL: clw-init-fail: invalid config \S+: TOML parse error at line 3, column \d+: /);
    }
    const log = join(dir, 'stderr.log');
    writeFileSync(log, (await worker(['run', '--config', config])).stderr + '\n');
    const incidents = await diagnose(log);
    expect(incidents[0]).toMatchObject({ category: 'config.invalid', rule: 'clw-init-toml-parse', facts: { configLine: 3 } });
    expect(readFileSync(log, 'utf8')).not.toMatch(/Respawning/);
  });
});
