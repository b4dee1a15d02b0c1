// Build step: parse the bundled rules/*.yaml once into dist/rules-cache.json (see src/rules/cache.ts).
import { DEFAULT_RULES_CACHE, DEFAULT_RULES_DIR } from '../dist/cli/options.js';
import { writeRuleCache } from '../dist/rules/cache.js';
import { ruleFiles } from '../dist/rules/loader.js';

writeRuleCache(DEFAULT_RULES_CACHE, ruleFiles(DEFAULT_RULES_DIR));
