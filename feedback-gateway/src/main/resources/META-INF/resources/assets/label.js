'use strict';
(() => {
  const $ = id => document.getElementById(id);
  const LABELS = ['fails_task', 'verbose', 'over_refusal', 'harmful_compliance', 'hallucination',
    'constraint_violation', 'inappropriate'];
  const LONG = 280;
  let task = null;
  let tiers = [];

  $('key').value = Gateway.key();
  $('key').addEventListener('change', e => Gateway.setKey(e.target.value));
  const say = text => { $('status').textContent = text; };
  const fail = text => { $('error').textContent = text; };
  const letter = i => String.fromCharCode(65 + i);

  /** Tiers as submitted: answer indexes grouped by tier number, best first, gaps closed. */
  function grouped() {
    const numbers = [...new Set(tiers.filter(t => t > 0))].sort((a, b) => a - b);
    return numbers.map(n => tiers.map((t, i) => t === n ? i : -1).filter(i => i >= 0));
  }

  function render() {
    const groups = grouped();
    const unplaced = tiers.map((t, i) => t > 0 ? -1 : i).filter(i => i >= 0);
    $('ranking').textContent = (groups.length ? groups.map(g => g.map(letter).join(' = ')).join(' > ') : 'Nothing ranked yet')
      + (unplaced.length ? '   (not placed: ' + unplaced.map(letter).join(', ') + ')' : '');
    tiers.forEach((t, i) => {
      $('tier-' + i).textContent = t > 0 ? 'tier ' + t : 'not placed';
      $('card-' + i).setAttribute('aria-label', 'Answer ' + letter(i) + ', ' + (t > 0 ? 'tier ' + t : 'not placed'));
    });
  }

  function card(answer, i) {
    const c = document.createElement('article');
    c.className = 'card';
    c.id = 'card-' + i;
    c.tabIndex = 0;
    const head = document.createElement('div');
    head.className = 'head';
    const h = document.createElement('h3');
    h.textContent = 'Answer ' + letter(i);
    const tier = document.createElement('span');
    tier.className = 'tier';
    tier.id = 'tier-' + i;
    head.append(h, tier);
    const body = document.createElement('div');
    body.className = 'body';
    body.id = 'body-' + i;
    body.textContent = answer.text === '' ? '(empty answer)' : answer.text;
    c.append(head, body);
    if (answer.text.length > LONG) {
      body.classList.add('collapsed');
      const more = document.createElement('button');
      more.type = 'button';
      more.className = 'secondary';
      more.textContent = 'Show all';
      more.setAttribute('aria-controls', body.id);
      more.setAttribute('aria-expanded', 'false');
      more.addEventListener('click', () => {
        const open = body.classList.toggle('collapsed') === false;
        more.textContent = open ? 'Show less' : 'Show all';
        more.setAttribute('aria-expanded', String(open));
      });
      c.append(more);
    }
    const controls = document.createElement('div');
    controls.className = 'controls';
    const likertLabel = document.createElement('label');
    likertLabel.htmlFor = 'likert-' + i;
    likertLabel.textContent = 'Likert of ' + letter(i);
    const likert = document.createElement('select');
    likert.id = 'likert-' + i;
    Gateway.likertOptions(likert);
    controls.append(likertLabel, likert);
    const group = document.createElement('div');
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', 'Labels of answer ' + letter(i));
    group.className = 'controls';
    Gateway.labelBoxes(group, i, LABELS);
    controls.append(group);
    const meta = document.createElement('div');
    meta.className = 'hint';
    meta.textContent = answer.model.kind + ' v' + answer.model.version;
    c.append(controls, meta);
    c.addEventListener('keydown', e => {
      if (e.key === 'Escape' && e.target !== c) { e.preventDefault(); c.focus(); return; }
      if (e.target !== c || e.ctrlKey || e.altKey || e.metaKey) return;
      if (/^[0-9]$/.test(e.key)) {
        e.preventDefault();
        tiers[i] = Number(e.key);
        render();
      } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const j = i + (e.key === 'ArrowDown' ? 1 : -1);
        if (j >= 0 && j < tiers.length) $('card-' + j).focus();
      }
    });
    return c;
  }

  function show(t) {
    task = t;
    tiers = t.answers.map(() => 0);
    $('prompt').textContent = t.prompt;
    $('cards').textContent = '';
    t.answers.forEach((a, i) => $('cards').append(card(a, i)));
    $('task').hidden = false;
    render();
    say('Task ' + t.taskId + ': ' + t.answers.length + ' answers' + (t.doubleLabeled ? ' (also given to another labeler)' : '') + '.');
    $('card-0').focus();
  }

  async function next() {
    fail('');
    if (!Gateway.key()) { fail('Enter the API key first.'); $('key').focus(); return; }
    say('Asking for a task…');
    try {
      const r = await fetch('/v1/labeling/tasks/next', { headers: Gateway.headers() });
      if (r.status === 204) { task = null; $('task').hidden = true; say('No task waits for you right now.'); return; }
      if (!r.ok) throw new Error(await Gateway.explain(r));
      show(await r.json());
    } catch (err) { fail(err.message); say(''); }
  }

  async function submit(judgement) {
    fail('');
    if (!task) { fail('There is no task to submit.'); return; }
    const groups = grouped();
    if (judgement === 'ranked') {
      const unplaced = tiers.map((t, i) => t > 0 ? -1 : i).filter(i => i >= 0);
      if (unplaced.length) { fail('Place every answer in a tier first: ' + unplaced.map(letter).join(', ') + '.'); return; }
      if (groups.length < 2) { fail('All answers are in one tier: that is no ranking. Use "All answers are bad" or spread them.'); return; }
    }
    const likert = task.answers.map((a, i) => $('likert-' + i).value ? Number($('likert-' + i).value) : null);
    const labels = task.answers.map((a, i) => [...document.querySelectorAll('#card-' + i + ' input:checked')].map(b => b.value));
    try {
      const stored = await Gateway.post('/v1/labeling/tasks/' + encodeURIComponent(task.taskId) + '/ranking', {
        userId: task.userId, prompt: task.prompt,
        answers: task.answers.map(a => ({ text: a.text, model: a.model, reference: a.reference })),
        tiers: judgement === 'ranked' ? groups : [], likert, labels, judgement });
      say('Stored ' + stored.comparisonId + ' (' + $('ranking').textContent.trim() + '). Press "Get next task" for more.');
      task = null;
      $('task').hidden = true;
      $('next').focus();
    } catch (err) { fail(err.message); }
  }

  document.addEventListener('keydown', e => {
    if (e.ctrlKey && e.key === 'Enter') { e.preventDefault(); submit('ranked'); return; }
    const t = e.target;
    if (!task || e.ctrlKey || e.altKey || e.metaKey || ['INPUT', 'SELECT', 'TEXTAREA'].includes(t.tagName)) return;
    const i = e.key.length === 1 ? e.key.toLowerCase().charCodeAt(0) - 97 : -1;
    if (i >= 0 && i < tiers.length) { e.preventDefault(); $('card-' + i).focus(); }
  });
  $('next').addEventListener('click', next);
  $('submit').addEventListener('click', () => submit('ranked'));
  $('all-bad').addEventListener('click', () => submit('all_bad'));
  $('skip').addEventListener('click', async () => {
    if (!task) return;
    try {
      const r = await fetch('/v1/labeling/tasks/' + encodeURIComponent(task.taskId) + '/skip', { method: 'POST', headers: Gateway.headers() });
      if (!r.ok) throw new Error(await Gateway.explain(r));
      say('Skipped; it goes to another labeler.');
      task = null;
      $('task').hidden = true;
      next();
    } catch (err) { fail(err.message); }
  });
})();
