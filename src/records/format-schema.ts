// The shape of a formats/*.json file: one log line format (as lnav keeps them), data not code.
import { z } from 'zod';

export const TIME_FORMATS = ['iso', 'php', 'klog', 'clf', 'epoch', 'ctime', 'redis', 'erlang'] as const;

const SampleSchema = z.object({
  line: z.string().min(1),
  /** Where the verbatim line was found; absent only for a line made to show a corner case. */
  source: z.string().url().optional(),
  expect: z.object({
    text: z.string(),
    level: z.string().optional(),
    process: z.string().optional(),
    pid: z.number().int().optional(),
    host: z.string().optional(),
    worker: z.string().optional(),
    hasTime: z.boolean().optional(),
  }),
});

export const FormatSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  title: z.string().min(1),
  /** `prefix`: a wrapper another program puts before whole lines (docker compose, kubectl
   *  --prefix); what follows is read again. `envelope`: a program's own line head. */
  role: z.enum(['prefix', 'envelope']),
  /** Anchored at the start; named groups time, level, process, pid, host, unit, worker; the rest of
   *  the line after the match is the message. */
  regex: z.string().min(2).refine((s) => s.startsWith('^'), 'the regex must start with ^'),
  timeFormat: z.enum(TIME_FORMATS).default('iso'),
  /** Level words of this format to the common ones (W -> WARNING, 50 -> ERROR). */
  levels: z.record(z.string()).default({}),
  /** Fields every line of this format has (the program's name). */
  set: z.object({ process: z.string().optional() }).default({}),
  /** Lower runs first; the first format whose regex matches wins. */
  order: z.number().int().default(100),
  references: z.array(z.string()).default([]),
  samples: z.array(SampleSchema).min(1),
});

export type LogFormat = z.infer<typeof FormatSchema>;
