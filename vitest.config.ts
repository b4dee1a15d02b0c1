import { defineConfig } from 'vitest/config';

// The suite runs the built CLI many times on 2 cores; a busy machine must not turn a slow run
// into a failure. Tests that need longer still say so themselves.
export default defineConfig({ test: { testTimeout: 30_000 } });
