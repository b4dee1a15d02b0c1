// `--journal [UNIT|FILE|DIR]`: journald through `journalctl -o json`, streamed: the whole journal,
// one unit (globs allowed: clw-worker@*.service), a .journal file, a folder of them, or a JSON export.
import { statSync } from 'node:fs';
import { commandOutput } from './command.js';
import { fileSource } from './file.js';
import type { Source } from './source.js';

export interface JournalOptions {
  since?: number | null;
  until?: number | null;
  follow?: boolean;
}

const MISSING = 'journalctl: not installed (systemd); the journal was not read. Give a `journalctl -o json` export instead';

function selection(target: string | undefined): { args: string[]; name: string } | { file: string } {
  if (!target) return { args: [], name: 'journal' };
  const st = statSync(target, { throwIfNoEntry: false });
  if (st?.isDirectory()) return { args: [`--directory=${target}`], name: target };
  if (st?.isFile()) return target.endsWith('.journal') || target.endsWith('.journal~') ? { args: [`--file=${target}`], name: target } : { file: target };
  return { args: [`--unit=${target}`], name: `journal:${target}` };
}

export function journalSource(target: string | undefined, opts: JournalOptions = {}): Source {
  const sel = selection(target);
  if ('file' in sel) return fileSource(sel.file, 'journal');
  const args = ['-o', 'json', '--no-pager', ...sel.args];
  if (opts.since != null) args.push(`--since=@${Math.floor(opts.since / 1000)}`);
  if (opts.until != null) args.push(`--until=@${Math.ceil(opts.until / 1000)}`);
  if (opts.follow) args.push('--follow');
  return {
    kind: 'journal',
    name: sel.name,
    live: opts.follow,
    open: (ctx = {}) => commandOutput('journalctl', args, ctx, { missing: MISSING }),
  };
}
