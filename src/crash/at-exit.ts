// Work that must not outlive the process: temporary copies of cores (gigabytes, some of them) and
// gdb process groups, which sit in groups of their own and so miss the terminal's Ctrl-C. A
// `finally` covers the ordinary end and errors; this covers process.exit (a second Ctrl-C in live
// mode) and a fatal SIGINT, SIGTERM or SIGHUP, after which the signal is raised again so the
// process still dies of it.
const tasks = new Set<() => void>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function runAll(): void {
  for (const t of [...tasks]) {
    tasks.delete(t);
    try {
      t();
    } catch {
      // Best effort: the process is ending.
    }
  }
}

function onSignal(sig: NodeJS.Signals): void {
  runAll();
  uninstall();
  process.kill(process.pid, sig);
}

const installed = new Set<NodeJS.Signals>();

function install(): void {
  process.on('exit', runAll);
  for (const sig of SIGNALS) {
    // A signal nobody handles kills the process without an 'exit' event: catch it only then.
    // One handled already (live mode ends the input on the first Ctrl-C) is theirs to decide;
    // the 'exit' hook still runs. Listeners added later (execa's, to kill its children on the
    // way out) do not keep the signal from killing the process, so they are not waited for.
    if (process.listenerCount(sig) === 0) {
      process.on(sig, onSignal);
      installed.add(sig);
    }
  }
}

function uninstall(): void {
  process.off('exit', runAll);
  for (const sig of installed) process.off(sig, onSignal);
  installed.clear();
}

/** Runs `task` if the process ends before the returned function is called (which drops it). */
export function atExit(task: () => void): () => void {
  if (tasks.size === 0) install();
  tasks.add(task);
  return () => {
    if (tasks.delete(task) && tasks.size === 0) uninstall();
  };
}
