// The JSON report contract (the README's "The JSON report"), checked against what the CLI prints.
import { z } from 'zod';
import { CATEGORIES, SEVERITIES, SOURCE_KINDS } from '../../src/types.js';

const iso = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
const subjects = z.object({ pids: z.array(z.number()), processes: z.array(z.string()), workers: z.array(z.string()), units: z.array(z.string()), hosts: z.array(z.string()) }).strict();
const frame = z.object({ function: z.string(), file: z.string().nullable(), line: z.number().nullable(), library: z.string().nullable() });

export const ReportSchema = z.object({
  schemaVersion: z.literal(1),
  generatedAt: iso,
  window: z.object({ since: iso.nullable(), until: iso.nullable() }),
  sources: z.array(z.object({ kind: z.enum(SOURCE_KINDS), name: z.string(), lines: z.number().int(), bytes: z.number().int(), errors: z.array(z.string()) })),
  incidents: z.array(z.object({
    rank: z.number().int().positive(), id: z.string(), rule: z.string(), category: z.enum(CATEGORIES),
    code: z.string().nullable(), title: z.string(), severity: z.enum(SEVERITIES), score: z.number().min(0).max(1),
    count: z.number().int().positive(), firstSeen: iso.nullable(), lastSeen: iso.nullable(), subjects,
    facts: z.record(z.union([z.string(), z.number(), z.boolean()])),
    evidence: z.array(z.object({ source: z.string(), line: z.number().int(), time: iso.nullable(), text: z.string() })).min(1),
    consequences: z.array(z.object({ id: z.string(), category: z.enum(CATEGORIES), title: z.string(), count: z.number().int() })),
    causedBy: z.string().nullable(),
    crash: z.null().or(z.object({ executable: z.string(), signal: z.string(), faultAddress: z.string(), signature: z.string(), frames: z.array(frame), abortMessage: z.string().nullable(), cores: z.array(z.string()), threads: z.number() })),
    recommendations: z.array(z.object({ title: z.string(), steps: z.array(z.string()).min(1), config: z.string().nullable() })).min(1),
  })),
  summary: z.object({ incidents: z.number().int(), events: z.number().int(), bySeverity: z.record(z.number()), byCategory: z.record(z.number()) }),
  notes: z.array(z.string()),
});
