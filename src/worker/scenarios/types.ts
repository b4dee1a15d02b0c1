// What a `clw-worker reproduce` scenario is: a worker.toml, the tasks queued before the worker starts,
// and the worker.log line that says the failure has happened (then it is stopped).

export interface QueuedTask {
  type: string;
  payload: Record<string, unknown>;
  id: string;
}

export interface Scenario {
  what: string;
  /** [worker] keys over the reproduce defaults */
  worker?: Record<string, unknown>;
  /** [task] keys over the reproduce defaults */
  task?: Record<string, unknown>;
  tasks: QueuedTask[];
  /** worker.log has the failure once this matches; null: the worker exits on its own */
  until: RegExp | null;
  /** the kernel takes part: its lines from the start on go to dmesg.txt */
  kernel?: boolean;
  /** why it cannot run here, or null */
  unavailable?: () => string | null;
  /** puts in DIR what the worker needs besides worker.toml and the queue (plugins), before it starts */
  prepare?: (dir: string) => void;
}
