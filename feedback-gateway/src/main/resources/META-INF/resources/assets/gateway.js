// Shared by the gateway's pages: the API key (kept for this tab only), calls with problem details shown in words.
'use strict';
const Gateway = {
  key() { return sessionStorage.getItem('rlhf.key') || ''; },
  setKey(k) { sessionStorage.setItem('rlhf.key', k.trim()); },
  headers() { return { 'Content-Type': 'application/json', 'Authorization': 'Bearer ' + Gateway.key() }; },
  /** A problem details body (or any failed response) as one sentence. */
  async explain(response) {
    let text = 'HTTP ' + response.status;
    try {
      const p = await response.json();
      text = (p.title || text) + (p.field ? ' (' + p.field + ')' : '') + (p.detail ? ': ' + p.detail : '');
    } catch (e) { /* not JSON */ }
    if (response.status === 401) text += ' — check the API key.';
    if (response.status === 429) text += ' — wait ' + (response.headers.get('Retry-After') || 'a few') + ' s.';
    return text;
  },
  async post(path, body) {
    const r = await fetch(path, { method: 'POST', headers: Gateway.headers(), body: JSON.stringify(body) });
    if (!r.ok) throw new Error(await Gateway.explain(r));
    return r.status === 204 ? null : r.json();
  },
  /** POSTs and reads server-sent events; onEvent gets each event's parsed data. */
  async stream(path, body, onEvent) {
    const r = await fetch(path, { method: 'POST', headers: { ...Gateway.headers(), 'Accept': 'text/event-stream' },
      body: JSON.stringify(body) });
    if (!r.ok) throw new Error(await Gateway.explain(r));
    const reader = r.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = block.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5).replace(/^ /, '')).join('\n');
        if (data) onEvent(JSON.parse(data));
      }
    }
  },
  /** Fills a Likert menu: "not scored", then 1..7. */
  likertOptions(select) {
    select.add(new Option('not scored', ''));
    for (let s = 1; s <= 7; s++) select.add(new Option(String(s), String(s)));
  },
  /** One labelled checkbox per label name into group, ids label-<answer>-<name>. */
  labelBoxes(group, answer, names) {
    for (const name of names) {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.value = name;
      box.id = 'label-' + answer + '-' + name;
      label.append(box, ' ' + name.replace('_', ' '));
      group.append(label);
    }
  },
  id(prefix) {
    const a = new Uint32Array(2);
    crypto.getRandomValues(a);
    return prefix + '-' + a[0].toString(36) + a[1].toString(36);
  },
};
