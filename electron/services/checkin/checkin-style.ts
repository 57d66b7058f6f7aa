/**
 * `/checkin.css`: the page's only resource. Large type and touch targets for a phone, high contrast, light and dark
 * as the device prefers. Kept in a module (not a file next to it) so the build ships it without a copy step.
 */
export const CHECKIN_CSS = `
:root{color-scheme:light dark;--bg:#eef1f6;--card:#fff;--fg:#111827;--muted:#4b5563;--line:#9ca3af;--accent:#1d4ed8;
--accent-fg:#fff;--info:#dbeafe;--info-line:#1d4ed8;--warn:#fef3c7;--warn-line:#b45309;--err:#fee2e2;--err-line:#b91c1c}
@media (prefers-color-scheme:dark){:root{--bg:#0b1220;--card:#111a2e;--fg:#f3f4f6;--muted:#cbd5e1;--line:#64748b;
--accent:#93c5fd;--accent-fg:#0b1220;--info:#1e3a8a;--info-line:#93c5fd;--warn:#78350f;--warn-line:#fcd34d;
--err:#7f1d1d;--err-line:#fca5a5}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:18px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
main.card{max-width:34rem;margin:1.5rem auto;padding:1.5rem;background:var(--card);border-radius:12px;
box-shadow:0 1px 4px rgba(0,0,0,.2)}
h1{font-size:1.6rem;line-height:1.25;margin:.1rem 0 1rem}
h2{font-size:1.15rem;margin:1rem 0 .25rem}
.eyebrow{margin:0;text-transform:uppercase;letter-spacing:.08em;font-size:.8rem;color:var(--muted);font-weight:600}
.workshop p,.fine,.who{color:var(--muted)}
.fine{font-size:.85rem;margin-top:1.25rem}
form{margin-top:1rem}
label{display:block;font-weight:600;margin:.9rem 0 .25rem}
input{width:100%;font:inherit;padding:.65rem .75rem;border:2px solid var(--line);border-radius:8px;
background:var(--card);color:var(--fg)}
input:focus{outline:3px solid var(--accent);outline-offset:1px}
fieldset{border:2px solid var(--line);border-radius:8px;margin:1rem 0 0;padding:.5rem .9rem}
legend{font-weight:600;padding:0 .25rem}
label.choice{font-weight:400;display:flex;gap:.6rem;align-items:center;margin:.5rem 0}
label.choice input{width:auto;margin:0}
button,a.button{display:block;width:100%;margin-top:1.4rem;padding:.8rem 1rem;font:inherit;font-weight:700;border:0;
border-radius:8px;background:var(--accent);color:var(--accent-fg);text-align:center;text-decoration:none;cursor:pointer}
.banner{border-left:6px solid;border-radius:8px;padding:.6rem .9rem;margin:0 0 1rem}
.banner p{margin:.2rem 0}
.banner-title{font-weight:700}
.banner-info{background:var(--info);border-color:var(--info-line)}
.banner-warning{background:var(--warn);border-color:var(--warn-line)}
.banner-error{background:var(--err);border-color:var(--err-line)}
`;
