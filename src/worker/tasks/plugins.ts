// The `plugin` task type: one handler of a task plugin, run in the task child (task.isolation =
// "fork"). The worker turns every plugin task, whether typed by its handler's name or `plugin` with
// {plugin, handler}, into this call; a crash in the handler ends only this child.
import { runPluginCall } from '../plugins/index.js';

export const PLUGIN_TASK_TYPES: Record<string, (payload: Record<string, unknown>) => Promise<void>> = {
  plugin: (p) => runPluginCall(p),
};
