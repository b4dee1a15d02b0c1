#!/usr/bin/env node
import { run } from '../dist/worker/cli.js';

run();
