/** The dashboard's style sheet, served as /assets/dashboard.css: readable without colour (every state is also a word), large targets, visible focus. */
export const DASHBOARD_CSS = `
:root { --fg: #1b1f24; --muted: #59636e; --bg: #ffffff; --line: #d0d7de; --accent: #0b5cad; --ok: #1a7f37; --bad: #b42318; --warn: #9a6700; --run: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #f0b400; outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; }
header.top { display: flex; gap: 24px; align-items: center; padding: 10px 24px; border-bottom: 1px solid var(--line); background: #f6f8fa; flex-wrap: wrap; }
.brand { font-weight: 700; font-size: 18px; text-decoration: none; color: var(--fg); }
nav ul { list-style: none; display: flex; gap: 16px; margin: 0; padding: 0; }
nav a[aria-current="page"] { font-weight: 700; text-decoration: underline; text-underline-offset: 4px; }
.who { margin-left: auto; display: flex; gap: 8px; align-items: center; }
main { padding: 16px 24px 48px; max-width: 1400px; }
h1 .muted { font-weight: 400; }
table { border-collapse: collapse; margin: 8px 0 24px; min-width: 50%; }
caption { text-align: left; color: var(--muted); padding: 4px 0; }
th, td { border: 1px solid var(--line); padding: 6px 10px; text-align: left; vertical-align: top; }
thead th { background: #f6f8fa; }
td.cell { min-width: 220px; }
td.health-healthy { border-left: 6px solid var(--ok); }
td.health-degraded, td.health-progressing { border-left: 6px dashed var(--warn); }
td.health-down { border-left: 6px double var(--bad); }
td.health-unknown, td.health-not-deployed { border-left: 6px dotted var(--muted); }
.cell-link { font-weight: 600; }
.muted { color: var(--muted); }
.mono, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; border: 1px solid currentColor; font-size: 12px; font-weight: 600; }
.badge-succeeded, .badge-healthy, .badge-done, .badge-current, .badge-up-to-date, .badge-updated { color: var(--ok); }
.badge-failed, .badge-down, .badge-rolled-back, .badge-unhealthy { color: var(--bad); }
.badge-running, .badge-started, .badge-progressing, .badge-waiting, .badge-building { color: var(--run); }
.badge-degraded, .badge-available, .badge-rebuilds, .badge-held { color: var(--warn); }
.error { color: var(--bad); }
.drift { color: var(--warn); }
.notice { padding: 8px 12px; border: 1px solid var(--line); border-left: 6px solid var(--ok); }
.notice-error { border-left-color: var(--bad); }
.actions { display: flex; gap: 16px; align-items: end; flex-wrap: wrap; margin: 12px 0 20px; }
form.action { display: inline; }
button, .button { font: inherit; padding: 5px 12px; border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 6px; cursor: pointer; text-decoration: none; display: inline-block; }
button.danger, .button.danger { background: var(--bad); border-color: var(--bad); }
.who button { background: #fff; color: var(--accent); }
label { display: block; font-weight: 600; margin-bottom: 4px; }
input { font: inherit; padding: 5px 8px; border: 1px solid var(--line); border-radius: 6px; }
ol.steps { padding-left: 20px; }
.step-name { font-weight: 600; }
.deployment { border-top: 1px solid var(--line); padding-top: 8px; }
pre.log { background: #f6f8fa; border: 1px solid var(--line); padding: 8px; overflow: auto; max-height: 420px; white-space: pre-wrap; }
tr.current th { font-weight: 700; }
td.removed { background: #ffebe9; } td.added { background: #dafbe1; }
figure.graph { margin: 0; overflow: auto; border: 1px solid var(--line); padding: 8px; }
.signin { max-width: 460px; margin: 48px auto; }
.signin input { width: 100%; }
.filter { margin: 8px 0; display: flex; gap: 12px; }
.filter a[aria-current="page"] { font-weight: 700; }
`;
