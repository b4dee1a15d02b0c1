// What the supervisor forks: one worker process (argv[2] is the config path).
import { workerMain } from './worker-main.js';

void workerMain(process.argv[2] ?? 'worker.toml');
