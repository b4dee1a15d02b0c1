// Noticing that the parent process died, so a child never runs on as an orphan. The IPC
// 'disconnect' event alone is not enough: a child killed-for-parent while it is still booting
// never sees it, so the parent pid is also polled (it changes to the reaper's when the parent dies).
// The parent passes its pid in PARENT_ENV: read at our start, process.ppid could already be the
// reaper's if the parent died while we were still loading.
const POLL_MS = 200;
export const PARENT_ENV = 'CLW_PARENT_PID';

/** The environment for a child that should notice this process's death. */
export function childEnv(): NodeJS.ProcessEnv {
  return { ...process.env, [PARENT_ENV]: String(process.pid) };
}

export function onParentDeath(fn: () => void): void {
  const parent = Number(process.env[PARENT_ENV]) || process.ppid;
  let fired = false;
  const fire = () => {
    if (fired) return;
    fired = true;
    clearInterval(timer);
    fn();
  };
  const timer = setInterval(() => {
    if (process.ppid !== parent) fire();
  }, POLL_MS);
  timer.unref();
  if (process.ppid !== parent) setImmediate(fire);
  if (process.connected) process.once('disconnect', fire);
}
