// Runs clw-diag's real entry point in this process and, when it is done, reports what the
// process cost on stderr as one marker line:
//   BENCH {"maxRssKiB":N,"wallMs":N,"exitCode":N}
// maxRssKiB is process.resourceUsage().maxRSS (peak resident set, KiB); wallMs counts from
// process start, so it includes loading the code and the rules.
//
//   node bench/measure.js PATH.. [clw-diag options]     e.g. node bench/measure.js data.log --format json
import { main } from '../dist/cli/main.js';

const code = await main(process.argv.slice(2));
const usage = process.resourceUsage();
process.stderr.write(`\nBENCH ${JSON.stringify({ maxRssKiB: usage.maxRSS, wallMs: Math.round(performance.now()), userMs: Math.round(usage.userCPUTime / 1000), systemMs: Math.round(usage.systemCPUTime / 1000), exitCode: code })}\n`);
process.exitCode = code;
