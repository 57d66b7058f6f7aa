import { randomBytes } from 'node:crypto';

/**
 * Self-contained HTML pages (no external assets). Each carries a strict CSP: nothing loads from anywhere,
 * and only this response's inline style and script run (nonce), so injected markup could not execute.
 */
export interface Page {
  html: string;
  csp: string;
}

/** `connect`: the page's script talks to this portal (the session page's heartbeat), and to nothing else. */
export function page(title: string, body: string, script: string | null, connect = false): Page {
  const nonce = randomBytes(16).toString('base64');
  const connectSrc = connect ? "; connect-src 'self'" : '';
  const csp =
    `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src 'self' data:; ` +
    `base-uri 'none'; form-action 'self'; frame-ancestors 'none'${connectSrc}`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">
body{font-family:system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}
header{background:#1d2330;color:#fff;padding:12px 24px;font-weight:600}
main{max-width:960px;margin:24px auto;padding:0 24px}
.card{background:#fff;border-radius:8px;padding:16px 20px;margin:0 0 16px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.banner{background:#fff4d6;border:1px solid #e8c45c;border-radius:6px;padding:10px 14px;margin-bottom:16px}
.muted{color:#5b6475}
.countdown{font-size:2em;font-variant-numeric:tabular-nums}
${BUTTON_STYLE}
a.button.finish{background:#c23b3b}
dl{display:grid;grid-template-columns:max-content auto;gap:4px 16px}
dt{color:#5b6475}
</style>
</head>
<body>
<header>${escapeHtml(title)}</header>
<main>
${body}
</main>
${script === null ? '' : `<script nonce="${nonce}">${script}</script>`}
</body>
</html>
`;
  return { html, csp };
}

const BUTTON_STYLE =
  'a.button,button{display:inline-block;background:#2b6de5;color:#fff;border:0;border-radius:6px;padding:8px 16px;' +
  'text-decoration:none;font-size:1em;cursor:pointer}';

const NOTIFICATIONS: Record<string, string> = {
  'session-deleted': 'Your workshop session has ended.',
  'session-invalid': 'That workshop session does not exist any more, or it is not yours.',
  'session-unavailable': 'No workshop session is available right now: capacity has been reached. Try again later.',
  'workshop-invalid': 'That workshop does not exist.',
  'startup-timeout': 'The workshop session took too long to start.',
  'session-expired': 'Your workshop session has expired.',
};

export function notificationBanner(value: string | undefined): string {
  if (value === undefined || value === '') return '';
  const text = NOTIFICATIONS[value] ?? `Notification: ${value}`;
  return `<div class="banner" role="status" data-notification="${escapeHtml(value)}">${escapeHtml(text)}</div>`;
}

export interface CatalogItem {
  environment: string;
  title: string;
  description: string;
  capacity: number;
  allocated: number;
  available: number;
  duration: number;
}

export function catalogPage(
  portalName: string,
  items: CatalogItem[],
  notification: string | undefined,
  canStart: boolean,
): Page {
  const cards = items
    .map((w) => {
      const time = w.duration > 0 ? `${Math.round(w.duration / 60)} minutes` : 'no time limit';
      const create = `/workshops/environment/${encodeURIComponent(w.environment)}/create/`;
      const start = canStart
        ? `<a class="button" href="${create}?index_url=%2Fworkshops%2Fcatalog%2F">Start workshop</a>`
        : '';
      return `<section class="card" data-environment="${escapeHtml(w.environment)}">
<h2>${escapeHtml(w.title)}</h2>
<p>${escapeHtml(w.description)}</p>
<p class="muted">${time} · capacity ${w.capacity} · allocated ${w.allocated} · available ${w.available}</p>
${start}
</section>`;
    })
    .join('\n');
  const body = `${notificationBanner(notification)}
<h1>Workshops</h1>
${items.length === 0 ? '<p class="muted">No workshops are running.</p>' : cards}`;
  return page(`${portalName}: workshop catalog`, body, null);
}

export interface SessionPageData {
  portalName: string;
  title: string;
  session: string;
  state: string;
  expires: string | null;
  /** how often a running session's page reports that it is open (its idle time is what `orphaned` limits) */
  heartbeatMs: number;
}

/**
 * The session page. It stands in for the workshop dashboard the engine does not run: while it is open it reports
 * to `activity/` (every second while the session starts, then every `heartbeatMs`, and whenever it comes into view),
 * which is the session's activity for `orphaned`; the answer tells it when the session changed or ended, and where
 * to go when the start-up took longer than `overdue`.
 */
export function sessionPage(d: SessionPageData): Page {
  const base = `/workshops/session/${encodeURIComponent(d.session)}`;
  const expires = d.expires === null ? '' : escapeHtml(d.expires);
  const left = d.expires === null ? 'no time limit' : '';
  const countdown = `<span id="countdown" class="countdown" data-expires="${expires}">${left}</span>`;
  const body =
    `<section class="card" id="session" data-state="${escapeHtml(d.state)}" data-activity="${base}/activity/" ` +
    `data-heartbeat-ms="${d.heartbeatMs}">
<h1>${escapeHtml(d.title)}</h1>
<dl>
<dt>Session</dt><dd id="session-name">${escapeHtml(d.session)}</dd>
<dt>State</dt><dd id="session-state">${escapeHtml(d.state)}</dd>
<dt>Time left</dt><dd>${countdown}</dd>
</dl>
<p class="muted">This built-in portal runs no workshop dashboard: the session exists only as portal state.</p>
<p><a id="finish" class="button finish" href="${base}/delete/">Finish</a></p>
</section>`;
  return page(`${d.portalName}: ${d.title}`, body, SESSION_SCRIPT, true);
}

/** The session page's script: its countdown, and its reports to `activity/`. One string per line of the script. */
const SESSION_SCRIPT = [
  `(function(){var el=document.getElementById('countdown');var exp=el.getAttribute('data-expires');` +
    `if(!exp)return;var end=Date.parse(exp);`,
  `function pad(n){return n<10?'0'+n:''+n}`,
  `function tick(){var left=Math.max(0,Math.floor((end-Date.now())/1000));` +
    `el.textContent=Math.floor(left/3600)+':'+pad(Math.floor(left%3600/60))+':'+pad(left%60);` +
    `if(left===0){clearInterval(t);setTimeout(function(){location.reload()},2500)}}`,
  `var t=setInterval(tick,1000);tick();})();`,
  `(function(){var s=document.getElementById('session');var state=s.getAttribute('data-state');` +
    `var url=s.getAttribute('data-activity');`,
  `function beat(){fetch(url,{method:'POST',credentials:'same-origin',headers:{'content-type':'application/json'},` +
    `body:JSON.stringify({visible:document.visibilityState==='visible'})})`,
  `.then(function(r){return r.ok?r.json():null}).then(function(b){if(b===null){location.reload();return}` +
    `if(b.redirect){location.href=b.redirect;return}if(b.state!==state)location.reload()}).catch(function(){})}`,
  `setInterval(beat,state==='RUNNING'?Number(s.getAttribute('data-heartbeat-ms')):1000);beat();`,
  `document.addEventListener('visibilitychange',function(){if(document.visibilityState==='visible')beat()});})();`,
].join('\n');

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
