// The formats by name. Each renderer is a pure function of the Report.
import type { Report } from '../types.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';

export const FORMATS = ['text', 'json', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  color?: boolean;
  width?: number;
}

export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}

export function render(report: Report, format: Format, opts: RenderOptions = {}): string {
  switch (format) {
    case 'json': return renderJson(report);
    case 'markdown': return renderMarkdown(report);
    case 'text': return renderText(report, opts);
  }
}
