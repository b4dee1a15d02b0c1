// The shape of a rules/*.yaml file. A rule without examples does not load.
import { z } from 'zod';
import { CATEGORIES, SEVERITIES, SOURCE_KINDS } from '../types.js';

const regex = z.string().min(1);

/** How a captured group becomes a typed fact. Shorthand: 'int', 'bytes:kB', 'ms:s', 'signal'. */
export const FactSpecSchema = z.union([
  z.string(),
  z.object({
    type: z.enum(['string', 'int', 'float', 'bytes', 'ms', 'seconds', 'signal', 'hex']),
    /** Unit of the captured number: kB, KiB, MB, MiB, GB, GiB, pages, B; s, ms, us, ns, m, h. */
    unit: z.string().optional(),
    /** A group holding the unit, for lines that print it next to the number. */
    unitGroup: z.string().optional(),
    /** The fact name to store under, when it differs from the group name. */
    as: z.string().optional(),
  }),
]);

const BlockSideSchema = z.object({
  /** Continuation lines come from the same process as the first (a kernel report amid other lines). */
  sameProcess: z.boolean().default(false),
  /** Lines that belong to the block. */
  continue: regex,
  /** A line that ends the block (it is included). */
  end: regex.optional(),
  /** Backwards only: the line where the block begins (it is included and stops the walk). */
  start: regex.optional(),
  max: z.number().int().positive().max(500).default(60),
});

const ExampleSchema = z.union([
  z.string(),
  z.object({
    line: z.string().optional(),
    lines: z.array(z.string()).optional(),
    facts: z.record(z.union([z.string(), z.number(), z.boolean()])).optional(),
    /** Where a verbatim real line was found (an issue thread, a dataset); absent for lines written here. */
    source: z.string().url().optional(),
  }),
]);

export const RuleSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'ids are lower case words joined by - or .'),
  title: z.string().min(1),
  description: z.string().optional(),
  category: z.enum(CATEGORIES),
  severity: z.enum(SEVERITIES),
  status: z.enum(['stable', 'test', 'experimental']).default('stable'),
  code: z.string().nullable().default(null),
  sources: z.array(z.enum(SOURCE_KINDS)).optional(),
  match: z.array(regex).min(1),
  flags: z.string().regex(/^[ims]*$/).default(''),
  /** Lines that match `match` but are not this failure. */
  exclude: z.array(regex).default([]),
  /** Higher wins when several rules match one line. */
  priority: z.number().int().default(0),
  /** `generic`: a program-agnostic rule (universal words: signal names, exit statuses, EMFILE).
   *  It loses every line a specific rule claims, and its incidents rank after specific ones. */
  layer: z.enum(['specific', 'generic']).default('specific'),
  /** Take the event's severity from the line's own level (ERROR, fatal, 50...) when it has one;
   *  the rule's `severity` stays the ceiling. */
  severityFromLevel: z.boolean().default(false),
  /** Use the line's envelope (pid, process) as subjects; off for lines that speak of another process. */
  envelope: z.boolean().default(true),
  block: z.object({
    before: BlockSideSchema.optional(),
    after: BlockSideSchema.optional(),
    /** Regexes run on every line of the block; their named groups become facts (the first match
     *  wins, or the last with `last: true`, e.g. a Python traceback's innermost frame). */
    extract: z.array(z.union([regex, z.object({ pattern: regex, last: z.boolean().default(false) })])).default([]),
  }).optional(),
  facts: z.record(FactSpecSchema).default({}),
  /** The category read off a fact, e.g. the signal: SIGABRT is crash.abort, SIGILL crash.signal. */
  categoryFrom: z.object({ fact: z.string(), values: z.record(z.enum(CATEGORIES)) }).optional(),
  /** The category when a numeric fact reaches a value (a container exit with a high restart
   *  count is a restart loop); the first that holds wins, before categoryFrom. */
  categoryWhen: z.array(z.object({ fact: z.string(), atLeast: z.number(), category: z.enum(CATEGORIES) })).default([]),
  /** Facts every event of this rule has. */
  set: z.record(z.union([z.string(), z.number(), z.boolean()])).default({}),
  /** Categories this failure leads to (ranked under it). */
  causes: z.array(z.enum(CATEGORIES)).default([]),
  /** Categories that lead to this failure (it is ranked under them). */
  consequenceOf: z.array(z.enum(CATEGORIES)).default([]),
  /** Categories whose incident, for the same pid or unit, is this same failure seen from elsewhere. */
  joins: z.array(z.enum(CATEGORIES)).default([]),
  /** A fact about the whole document (kubectl describe's `Name:`, docker inspect's `"Id"`): no event;
   *  its facts go to every later event of the same source that lacks them. */
  context: z.boolean().default(false),
  /** Only evidence for the incident it joins (a worker's plain exit status): alone, it is no incident. */
  evidenceOnly: z.boolean().default(false),
  /** A fact compared with a named threshold (config/defaults.toml): under it, the line is no
   *  incident unless it stands out against the source's own typical value. */
  threshold: z.object({ fact: z.string(), name: z.string() }).optional(),
  /** Samples of a value over time (heartbeat RSS): an incident only when the value keeps growing. */
  trend: z.object({
    value: z.string(),
    /** A fact holding the limit the value grows toward. */
    limit: z.string().optional(),
    /** Defaults: the thresholds leak_min_points and leak_growth_pct. */
    minPoints: z.number().int().min(3).optional(),
    minGrowthPct: z.number().positive().optional(),
  }).optional(),
  fix: z.object({
    title: z.string(),
    steps: z.array(z.string()).min(1),
    config: z.string().nullable().default(null),
  }),
  falsePositives: z.array(z.string()).default([]),
  references: z.array(z.string()).default([]),
  examples: z.object({
    match: z.array(ExampleSchema).min(1),
    nomatch: z.array(z.string()).min(1),
  }),
});

export const RuleFileSchema = z.object({
  family: z.string().min(1),
  description: z.string().optional(),
  rules: z.array(RuleSchema).min(1),
});

export type FactSpec = z.infer<typeof FactSpecSchema>;
export type Rule = z.infer<typeof RuleSchema>;
export type RuleFile = z.infer<typeof RuleFileSchema>;
export type RuleExample = z.infer<typeof ExampleSchema>;
