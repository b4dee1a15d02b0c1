// The formats by name. Each renderer is a pure function of the Report.
import type { Report, Severity } from '../types.js';
import { renderHtml } from './html/page.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderPrometheus } from './prometheus.js';
import { renderText } from './text.js';
import { jsonControlEscaped } from '../text/escape-control.js';

export const FORMATS = ['text', 'json', 'markdown', 'junit', 'prometheus', 'html'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  color?: boolean;
  width?: number;
  /** junit: incidents at or above it are failures (default error). */
  failOn?: Severity | 'never';
}

export function renderJson(report: Report): string {
  return jsonControlEscaped(JSON.stringify(report, null, 2)) + '\n';
}

export function render(report: Report, format: Format, opts: RenderOptions = {}): string {
  switch (format) {
    case 'json': return renderJson(report);
    case 'markdown': return renderMarkdown(report);
    case 'html': return renderHtml(report);
    case 'text': return renderText(report, opts);
    case 'junit': return renderJunit(report, { failOn: opts.failOn });
    case 'prometheus': return renderPrometheus(report);
  }
}
