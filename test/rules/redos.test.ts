// No line may stall the run: every bundled rule recheck found linear meets hostile 64 KiB lines
// built from its own parts (its literal text, the characters its classes accept, repeated).
// Match regexes run through the real Matcher with the whole rule set, as the pipeline runs them;
// block and extract regexes (which run on the lines of an open block) are timed on their own.
import { describe, expect, it } from 'vitest';
import { buildRuleSet, type CompiledRule } from '../../src/rules/compile.js';
import { loadRules } from '../../src/rules/loader.js';
import { Matcher } from '../../src/rules/matcher.js';
import { readLinearRegexes, regexKey, ruleRegexes } from '../../src/rules/redos.js';
import { parseRegex, type RegexNode } from '../../src/rules/regex-ast.js';

const LINE = 64 * 1024;
const BUDGET_MS = 10;
/** Stand-ins for `.`, \S, [^)] and other wide classes. */
const PALETTE = ['a', ' ', ':', '0', '_', '(', '/', '"'];

/** A text the node matches (or nearly: assertions are dropped), `pick` standing in for wide classes. */
function sample(node: RegexNode, pick: string): string {
  switch (node.type) {
    case 'char': return node.ch;
    case 'class': return node.chars[0] ?? pick;
    case 'any': return pick;
    case 'group': return sample(node.body, pick);
    case 'alt': return sample(node.alts[0], pick);
    case 'seq': return node.items.map((i) => sample(i, pick)).join('');
    case 'quant': return sample(node.item, pick).repeat(Math.max(1, Math.min(node.min, 2)));
    default: return '';
  }
}

/** The regex as a flat list of steps: the top-level sequence, groups opened. */
function steps(node: RegexNode): RegexNode[] {
  if (node.type === 'seq') return node.items.flatMap(steps);
  if (node.type === 'group') return steps(node.body);
  return [node];
}

function fill(prefix: string, pump: string): string {
  if (!pump) return '';
  return (prefix + pump.repeat(Math.ceil((LINE - prefix.length) / pump.length))).slice(0, LINE);
}

/** Hostile lines for one regex: each prefix of it repeated ('Killed process 0 (' ...), and each
 *  repeated part pumped between what precedes and what follows it ('# fatal error: ' + spaces,
 *  'x' * 64 Ki + ': wrong ELF class'), each with a few stand-ins for wide classes. */
function attackLines(source: string): string[] {
  const flat = steps(parseRegex(source));
  const out = new Set<string>();
  PALETTE.forEach((pick, p) => {
    const parts = flat.map((node) => sample(node, pick));
    flat.forEach((node, k) => {
      const prefix = parts.slice(0, k).join('');
      if ((k + p) % 2 === 0) out.add(fill('', prefix + parts[k]));
      if (node.type === 'quant' && node.max > 1) {
        const pump = sample(node.item, pick);
        out.add(fill(prefix, pump));
        const suffix = parts.slice(k + 1).join('') + PALETTE[(p + 1) % PALETTE.length];
        out.add(fill(prefix, pump).slice(0, LINE - suffix.length) + suffix);
      }
    });
    out.add(fill('', parts.join('') + PALETTE[(p + 1) % PALETTE.length]));
  });
  out.delete('');
  return [...out];
}

/** The best of five runs: one slow regex takes seconds, a busy machine only milliseconds more. */
function timed(run: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    run();
    best = Math.min(best, performance.now() - t);
    if (best <= BUDGET_MS || best > 20 * BUDGET_MS) break;
  }
  return best;
}

function throughMatcher(set: ReturnType<typeof buildRuleSet>, line: string): void {
  const m = new Matcher(set, { source: 'hostile.log', sourceKind: 'file', onEvent: () => {} });
  m.feed(Buffer.from(line + '\n'));
  m.finish();
}

/** Rules with a regex recheck has not found linear (polynomial, or its check timed out): still to
 *  rewrite. A rule leaves this list when scripts/check-regexes.js finds all its regexes linear. */
const PENDING = new Set([
  'brokers-celery-broker-lost', 'brokers-celery-broker-unreachable', 'brokers-go-connection-reset',
  'brokers-jvm-connection-reset', 'brokers-kafka-java-node-unreachable',
  'brokers-librdkafka-broker-failed', 'brokers-rabbitmq-connection-closed',
  'celery-hard-time-limit', 'celery-pool-process-exited-signal', 'celery-soft-time-limit',
  'celery-worker-lost-signal', 'ci-compiler-child-killed', 'ci-job-max-execution-time',
  'clw-exit-code', 'clw-exit-config', 'clw-gc-pause', 'clw-heartbeat-rss', 'clw-init-fail',
  'clw-memory-near-limit', 'clw-metrics-oom', 'clw-respawn', 'clw-supervisor-gave-up',
  'config-errors-address-in-use', 'config-errors-compose-variable-unset',
  'config-errors-env-missing', 'config-errors-flag-rejected', 'config-errors-haproxy-config',
  'config-errors-nginx-emerg', 'config-errors-toml-json-syntax', 'config-errors-yaml-syntax',
  'container-oomkilled', 'cxx-uncaught-exception', 'databases-mongodb-connection-lost',
  'databases-mysql-go-driver-lost', 'databases-mysql-server-aborted-connection',
  'docker-restarting-status', 'earlyoom-low-memory', 'erlang-allocator-oom',
  'erlang-genserver-call-timeout', 'erlang-supervisor-max-restart-intensity',
  'gdb-output-program-terminated', 'gdb-output-received-signal', 'generic-config-rejected',
  'generic-exit-status-signal', 'generic-fatal-signal-name', 'generic-out-of-memory',
  'generic-signal-number', 'go-concurrent-map', 'go-deadline-exceeded', 'go-deadlock', 'go-fault',
  'go-gc-trace-pause', 'go-nil-deref', 'go-panic', 'go-runtime-fatal', 'go-runtime-oom',
  'go-signal-abort', 'go-signal-other', 'gunicorn-bind-in-use', 'heroku-stopping-sigkill',
  'jvm-gc-elasticsearch-overhead', 'jvm-gc-legacy-pause', 'jvm-gc-openj9-pause', 'jvm-gc-pause',
  'jvm-gc-unified-pause', 'jvm-oom-direct-buffer', 'jvm-too-many-open-files', 'k8s-crashloop',
  'k8s-liveness-failed', 'kernel-arm64-fault', 'kernel-audit-abend-abort',
  'kernel-audit-abend-segv', 'kernel-audit-abend-signal', 'kernel-general-protection',
  'kernel-hung-task', 'kernel-nfs-not-responding', 'kernel-oom-kill', 'kernel-oom-reaper',
  'kernel-oom-victim', 'kernel-segfault', 'kernel-soft-lockup', 'kernel-trap-divide-error',
  'kernel-trap-int3', 'kernel-trap-invalid-opcode', 'libc-assertion-failed',
  'libc-heap-corruption', 'memory-pressure-app-leak-warning', 'memory-pressure-container-at-limit',
  'memory-pressure-kswapd-busy', 'memory-pressure-platform-limit', 'memory-pressure-reclaim-stall',
  'native-runtimes-cargo-signal', 'native-runtimes-dotnet-fatal-error',
  'native-runtimes-rust-fatal-runtime-error', 'node-heap-oom', 'node-workers-pm2-app-exited',
  'php-fpm-child-signal', 'php-fpm-max-children', 'php-fpm-request-timeout', 'php-fpm-seems-busy',
  'proxies-haproxy-last-server-down', 'proxies-haproxy-server-down', 'python-faulthandler-abort',
  'python-faulthandler-segv', 'python-memory-error', 'python-timeout',
  'python-too-many-open-files', 'python-workers-airflow-task-signaled',
  'python-workers-dask-memory-budget', 'python-workers-ray-memory-monitor-kill',
  'ruby-workers-delayed-job-timeout', 'ruby-workers-puma-worker-timeout',
  'ruby-workers-unicorn-reaped-signal', 'runtimes-oom-cxx-bad-alloc', 'runtimes-oom-dotnet',
  'runtimes-oom-ruby', 'spark-yarn-memory-limit', 'structured-apps-caddy-upstream-unavailable',
  'supervisord-exit-unusable', 'supervisord-exited-unexpected', 'supervisord-stop-sigkill',
  'system-shell-aborted', 'system-shell-killed', 'system-shell-segfault', 'system-shell-signal',
  'system-tools-fd-exhausted-other-wordings', 'system-tools-jvm-java-level-deadlock',
  'system-tools-postgres-child-signal', 'system-tools-systemctl-main-pid-signal',
  'system-tools-zsh-job-signal', 'systemd-coredump', 'systemd-coredump-abort',
  'systemd-coredump-segv', 'systemd-kill-sigkill', 'systemd-main-exit-failure',
  'systemd-oomd-candidates', 'systemd-processes-remain', 'systemd-restart-scheduled',
  'systemd-result-timeout', 'systemd-result-watchdog', 'systemd-start-timeout',
  'systemd-stop-timeout-kill', 'systemd-watchdog-timeout', 'uwsgi-listen-queue-full',
  'uwsgi-no-mercy', 'uwsgi-respawning-too-fast',
]);

const { ruleSet } = loadRules('rules');
const linear = readLinearRegexes('rules/linear-regexes.json');
const checked = (r: CompiledRule) => ruleRegexes(r.rule).every((x) => linear.has(regexKey(x.source, r.rule.flags)));
const verified = ruleSet.rules.filter(checked);
// Lines reach every verified rule that shares a literal with them, as in a real run.
const verifiedSet = buildRuleSet(verified);

describe('hostile lines against the bundled regexes', () => {
  it('has every bundled regex in the linear list (scripts/check-regexes.js) but the pending rules', () => {
    expect(ruleSet.rules.filter((r) => !checked(r)).map((r) => r.rule.id).sort()).toEqual([...PENDING].sort());
  });

  it.each(verified.map((r) => [r.rule.id, r] as const))('%s stays within 10 ms a 64 KiB line', async (_id, rule) => {
    // The loops run for a while: let the test runner's own messages through between lines.
    const breathe = () => new Promise((resolve) => setImmediate(resolve));
    const slow: string[] = [];
    for (const re of rule.regexes) {
      for (const line of attackLines(re.source)) {
        await breathe();
        const ms = timed(() => throughMatcher(verifiedSet, line));
        if (ms > BUDGET_MS) {
          slow.push(`matcher on match /${re.source}/ ${ms.toFixed(0)} ms on ${JSON.stringify(line.slice(0, 60))}...`);
          break;
        }
      }
    }
    // The regexes alone too: a line the prefilter lets through only with other text still meets them.
    const others = [...rule.regexes, ...rule.excludes, ...[rule.before, rule.after].flatMap((s) => (s ? [s.continue, s.end, s.start] : [])), ...rule.extract.map((e) => e.re)]
      .filter((re): re is RegExp => re !== undefined);
    for (const re of others) {
      await breathe();
      for (const line of attackLines(re.source)) {
        const ms = timed(() => re.exec(line));
        if (ms > BUDGET_MS) {
          slow.push(`/${re.source}/ ${ms.toFixed(0)} ms on ${JSON.stringify(line.slice(0, 60))}...`);
          break;
        }
      }
    }
    expect(slow).toEqual([]);
  });
});
