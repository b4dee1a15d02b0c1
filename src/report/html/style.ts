// The page's only stylesheet, inlined: system fonts, light or dark after the reader's setting.
export const STYLE = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --dim: #656d76; --line: #d0d7de; --panel: #f6f8fa; --stripe: #f3f5f8;
  --code: #eff1f3; --link: #0969da; --matched: #fff8c5;
  --critical: #b0162b; --error: #d1242f; --warning: #bf8700; --info: #6e7781; --ok: #1a7f37;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --dim: #8d96a0; --line: #30363d; --panel: #161b22; --stripe: #131922;
    --code: #1f242c; --link: #4493f8; --matched: #3b2e00;
    --critical: #ff5c6c; --error: #f85149; --warning: #d29922; --info: #8d96a0; --ok: #3fb950;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main, body > header, body > footer { max-width: 1200px; margin: 0 auto; padding: 0 24px; }
body > header { padding-top: 20px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 17px; margin: 2px 0; }
h4 { font-size: 15px; margin: 0 0 4px; }
a { color: var(--link); }
code, pre, .frames, .timeline text { font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
code { font-size: 13px; background: var(--code); padding: 1px 4px; border-radius: 4px; overflow-wrap: anywhere; }
pre { background: var(--code); padding: 8px 12px; border-radius: 6px; overflow-x: auto; font-size: 13px; }
pre code { background: none; padding: 0; }
.dim { color: var(--dim); }
.headline { font-size: 16px; margin: 0 0 12px; }
.summary { display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 0 0 8px; }
.summary div { min-width: 140px; }
.summary dt { color: var(--dim); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.summary dd { margin: 0; font-weight: 600; }
.counts { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; padding: 0; list-style: none; }
.counts li { border: 1px solid var(--line); border-radius: 16px; padding: 2px 12px; }
.counts li.zero { opacity: .5; }
.badge { display: inline-block; font-size: 12px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; color: #fff; border-radius: 4px; padding: 1px 6px; }
.badge.sev-critical { background: var(--critical); } .badge.sev-error { background: var(--error); }
.badge.sev-warning { background: var(--warning); } .badge.sev-info { background: var(--info); }
.healthy { border: 2px solid var(--ok); color: var(--ok); border-radius: 8px; padding: 12px 16px; font-size: 17px; font-weight: 600; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid var(--line); }
th { font-size: 12px; color: var(--dim); text-transform: uppercase; letter-spacing: .04em; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.ranked td.title a { color: inherit; }
.ranked tr.consequence td.title { padding-left: 28px; }
.ranked tr.consequence td.title::before { content: "↳ "; color: var(--dim); }
.inputs td.name { overflow-wrap: anywhere; }
.inputs .errors { color: var(--error); }
.timeline-box figure { margin: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 8px; }
.timeline-box figcaption { color: var(--dim); font-size: 13px; padding: 6px 4px 0; }
.timeline { display: block; max-width: 100%; height: auto; }
.timeline .stripe { fill: var(--stripe); }
.timeline .grid { stroke: var(--line); stroke-width: 1; }
.timeline .axis { stroke: var(--dim); stroke-width: 1; }
.timeline .tick { fill: var(--dim); font-size: 11px; }
.timeline .lane-label { fill: var(--fg); font-size: 13px; }
.timeline .lane-count { fill: var(--dim); font-size: 11px; }
.timeline .lane.sev-critical .bar, .timeline .lane.sev-critical .band { fill: var(--critical); }
.timeline .lane.sev-error .bar, .timeline .lane.sev-error .band { fill: var(--error); }
.timeline .lane.sev-warning .bar, .timeline .lane.sev-warning .band { fill: var(--warning); }
.timeline .lane.sev-info .bar, .timeline .lane.sev-info .band { fill: var(--info); }
.timeline .band { opacity: .45; }
.timeline .marker path { stroke: var(--fg); stroke-width: 1.2; }
.timeline .marker.sev-critical path { fill: var(--critical); } .timeline .marker.sev-error path { fill: var(--error); }
.timeline .marker.sev-warning path { fill: var(--warning); } .timeline .marker.sev-info path { fill: var(--info); }
.timeline .marker text { fill: var(--fg); font-size: 11px; font-weight: 700; }
.incident { border: 1px solid var(--line); border-left: 6px solid var(--info); border-radius: 8px; padding: 12px 16px; margin: 16px 0; background: var(--bg); }
.incident.sev-critical { border-left-color: var(--critical); } .incident.sev-error { border-left-color: var(--error); }
.incident.sev-warning { border-left-color: var(--warning); }
.incident header p { margin: 0; }
.incident .tags { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
.incident .rank { font-weight: 700; font-size: 17px; }
.incident .caused-by, .incident .root-cause { font-size: 13px; color: var(--dim); }
.incident .root-cause { font-weight: 700; }
.incident .meta { color: var(--dim); font-size: 13px; }
.consequences { margin-left: 12px; padding-left: 12px; border-left: 2px dashed var(--line); }
.consequences .incident { background: var(--panel); }
.label { font-weight: 600; margin: 10px 0 2px; }
.facts { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 10px 0; }
.facts div { display: flex; gap: 6px; }
.facts dt { color: var(--dim); }
.facts dd { margin: 0; font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; overflow-wrap: anywhere; }
.crash p { margin: 6px 0; }
.frames { background: var(--code); border-radius: 6px; padding: 6px 12px 6px 44px; margin: 4px 0; font-size: 13px; }
.frames li { padding: 1px 0; }
.frames li::marker { color: var(--dim); content: "#" counter(list-item) " "; }
.frames .arrow { display: inline-block; width: 1.4em; color: var(--critical); font-weight: 700; }
.frames .crashing { background: var(--matched); font-weight: 700; }
.frames .where { color: var(--dim); font-weight: normal; }
.frames .tag { font-family: system-ui, sans-serif; font-size: 11px; color: #fff; background: var(--critical); border-radius: 3px; padding: 0 4px; }
.led-to ul { margin: 2px 0; }
.fix { border: 1px solid var(--ok); border-radius: 6px; padding: 8px 12px; margin: 10px 0; }
.fix h4 { color: var(--ok); }
.fix ol { margin: 4px 0; padding-left: 22px; }
details.evidence { margin: 10px 0 0; }
details > summary { cursor: pointer; font-weight: 600; }
.evidence .scroll { overflow-x: auto; }
.evidence table { font-size: 13px; }
.evidence td.where, .evidence td.time { white-space: nowrap; color: var(--dim); font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.evidence td.text code { background: none; padding: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.evidence tr.matched td.text { background: var(--matched); }
.evidence tr.context td { opacity: .75; }
.notes li { color: var(--dim); }
body > footer { color: var(--dim); font-size: 12px; padding: 24px; }
@media print { details > summary { list-style: none; } .incident { break-inside: avoid-page; } }
`;
