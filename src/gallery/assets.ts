/** The gallery's stylesheet and script, as strings inlined into index.html (no framework, no build step). */

export const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1b1f;--muted:#5d5d66;--line:#d5d5dc;--card:#f6f6f8;--accent:#0b57d0;--bad:#b3261e;--warn:#8a5a00;--ok:#146c2e}
@media (prefers-color-scheme:dark){:root{--bg:#131316;--fg:#e6e6ea;--muted:#a4a4ae;--line:#3a3a42;--card:#1e1e23;--accent:#8ab4f8;--bad:#f2b8b5;--warn:#f5c46b;--ok:#8fd19e}}
*{box-sizing:border-box}[hidden]{display:none!important}body{margin:0;font:15px/1.45 system-ui,sans-serif;background:var(--bg);color:var(--fg)}
header{padding:12px 20px;border-bottom:1px solid var(--line);position:sticky;top:0;background:var(--bg);z-index:1}
h1{margin:0;font-size:1.3em}h1 small,h2 small{color:var(--muted);font-weight:normal;font-size:.7em}
#status{margin:4px 0;color:var(--muted)}form#filters{display:flex;gap:8px;align-items:center;flex-wrap:wrap}.hint{color:var(--muted);font-size:.85em}
main{padding:16px 20px;display:flex;flex-direction:column;gap:20px}
.singles{display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:12px;align-items:start}.singles .card{max-width:none}.steps{list-style:none;display:flex;gap:12px;padding:0;margin:0;overflow-x:auto}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px;max-width:380px;min-width:260px}
.card:focus,.card:target{outline:3px solid var(--accent);outline-offset:2px}
.card h3{margin:0 0 6px;font-size:1em;word-break:break-all}.card h3 a{color:inherit}
.kind{font-weight:normal;color:var(--muted);font-size:.85em}
.sim{white-space:nowrap;font-size:.7em;background:var(--warn);color:var(--bg);padding:1px 5px;border-radius:4px;letter-spacing:.05em}
video{width:100%;aspect-ratio:16/9;background:#000;border-radius:4px;display:block}
.noclip{aspect-ratio:16/9;display:grid;place-items:center;border:1px dashed var(--line);color:var(--muted);border-radius:4px}
.state{margin:6px 0;font-weight:600}.st-cached{color:var(--ok)}.st-failed,.st-skipped,.st-missing{color:var(--bad)}.st-stale,.st-pending,.st-rendering,.st-not-rendered{color:var(--warn)}
.prompt{margin:4px 0;font-style:italic}
dl{display:grid;grid-template-columns:auto 1fr;gap:0 10px;margin:6px 0;font-size:.85em}dt{color:var(--muted)}dd{margin:0}
.lineage{font-size:.85em;margin:4px 0}a{color:var(--accent)}
.notice{border:1px solid var(--bad);color:var(--bad);padding:8px;border-radius:6px;margin:0}
.scroll{overflow-x:auto}table{border-collapse:collapse}th{text-align:left;color:var(--muted);font-weight:normal;padding:4px 8px}td{vertical-align:top;padding:4px}
.cost h2{margin:0 0 4px}.cost p{margin:0 0 6px}.cost .tables{display:flex;gap:28px;flex-wrap:wrap;align-items:flex-start}.cost table{font-size:.9em}.cost th,.cost td{padding:1px 10px 1px 0}.cost td{text-align:left}.cost tr:first-child th[scope=col]{color:var(--fg)}.cost caption{text-align:left;font-weight:600}#q{min-width:17em}
.post-step{margin:0}.post-step img{width:100%;display:block;border-radius:4px;border:1px solid var(--line)}.post-step figcaption{margin-top:4px;font-size:.85em}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:10px}figure{margin:0}figcaption{font-size:.85em;color:var(--muted)}
dialog{width:min(1100px,95vw);background:var(--bg);color:var(--fg);border:1px solid var(--line);border-radius:8px}.pickers{display:flex;gap:10px;margin-bottom:8px;flex-wrap:wrap}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
`;

/** Progressive enhancement only: without it the page still shows every clip and its metadata. */
export const CLIENT_JS = `
(() => {
  const $ = (s, r = document) => r.querySelector(s);
  const $$ = (s, r = document) => [...r.querySelectorAll(s)];
  const form = $('#filters'), q = $('#q'), st = $('#state'), main = $('#main');
  form.hidden = false;
  form.addEventListener('submit', (e) => e.preventDefault());
  const filter = () => {
    const words = q.value.toLowerCase().split(/\\s+/).filter(Boolean);
    for (const c of $$('article.card', main)) c.hidden = !(words.every((w) => c.dataset.search.includes(w)) && (!st.value || c.dataset.state === st.value));
  };
  q.addEventListener('input', filter);
  st.addEventListener('change', filter);
  const visible = () => $$('main article.card').filter((c) => !c.hidden);
  const move = (step) => {
    const cards = visible();
    const at = cards.indexOf(document.activeElement.closest && document.activeElement.closest('article.card'));
    const next = cards[at < 0 ? 0 : Math.min(cards.length - 1, Math.max(0, at + step))];
    if (next) { next.focus(); next.scrollIntoView({ block: 'nearest' }); }
  };
  const dialog = $('#compare'), a = $('#cmp-a'), b = $('#cmp-b');
  const clips = () => $$('main video').filter((v) => !v.closest('dialog')).map((v) => ({ src: v.getAttribute('src'), label: v.getAttribute('aria-label') }))
    .filter((c, i, all) => all.findIndex((d) => d.src === c.src) === i);
  const show = () => { $('#cmp-va').src = a.value; $('#cmp-vb').src = b.value; };
  a.addEventListener('change', show); b.addEventListener('change', show);
  const compare = (card) => {
    const list = clips();
    if (list.length === 0 || !dialog.showModal) return;
    const opts = list.map((c) => '<option></option>').join('');
    a.innerHTML = opts; b.innerHTML = opts;
    list.forEach((c, i) => { for (const s of [a, b]) { s.options[i].value = c.src; s.options[i].textContent = c.label; } });
    const own = card ? $$('video', card).map((v) => v.getAttribute('src')) : [];
    const left = own[0] || list[0].src;
    const sib = card && card.closest('tr') ? $$('video', card.closest('tr')).map((v) => v.getAttribute('src')).find((s) => s !== left) : undefined;
    a.value = left; b.value = own[1] || sib || (list.find((c) => c.src !== left) || list[0]).src;
    show(); dialog.showModal();
  };
  document.addEventListener('keydown', (e) => {
    const t = e.target, typing = t.matches && t.matches('input, select, textarea');
    if (e.key === '/' && !typing) { e.preventDefault(); q.focus(); return; }
    if (e.key === 'Escape' && t === q) { q.value = ''; filter(); return; }
    if (typing || e.ctrlKey || e.metaKey || e.altKey || dialog.open) return;
    if (e.key === 'j' || (e.key === 'ArrowDown' && t.matches('article.card'))) { e.preventDefault(); move(1); }
    else if (e.key === 'k' || (e.key === 'ArrowUp' && t.matches('article.card'))) { e.preventDefault(); move(-1); }
    // preventDefault: the dialog focuses its first picker, which would take the same key as a type-ahead.
    else if (e.key === 'c') { e.preventDefault(); compare(t.closest && t.closest('article.card')); }
  });
  const follow = () => { const el = location.hash && document.getElementById(location.hash.slice(1)); if (el && el.matches('article.card')) el.focus(); };
  addEventListener('hashchange', follow); follow();
  if (document.body.dataset.live) {
    const apply = (page) => {
      const t = document.createElement('template');
      t.innerHTML = page.main;
      // A card whose content did not change keeps its node: a playing clip keeps playing, focus stays.
      for (const n of $$('article.card', t.content)) { const old = document.getElementById(n.id); if (old && old.dataset.rev === n.dataset.rev) n.replaceWith(old); }
      main.replaceChildren(t.content);
      $('#status').innerHTML = page.status;
      filter();
    };
    const source = new EventSource('/events');
    source.addEventListener('page', (e) => apply(JSON.parse(e.data)));
  }
})();
`;
