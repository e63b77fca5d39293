'use strict';
(() => {
  const $ = id => document.getElementById(id);
  const LABELS = ['fails_task', 'verbose', 'over_refusal', 'harmful_compliance', 'hallucination', 'inappropriate'];
  let conversationId = Gateway.id('conv');
  let messages = [];
  let served = [];
  let pendingTurns = null;

  $('key').value = Gateway.key();
  $('key').addEventListener('change', e => Gateway.setKey(e.target.value));
  $('user').value = sessionStorage.getItem('rlhf.user') || Gateway.id('user');
  sessionStorage.setItem('rlhf.user', $('user').value);
  $('user').addEventListener('change', e => sessionStorage.setItem('rlhf.user', e.target.value.trim()));
  for (const i of [0, 1]) {
    Gateway.likertOptions($('likert-' + i));
    Gateway.labelBoxes($('labels-' + i), i, LABELS);
  }

  const say = text => { $('status').textContent = text; };
  const fail = text => { $('error').textContent = text; };

  function addTurn(role, text) {
    const div = document.createElement('div');
    div.className = 'turn ' + role;
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = role === 'user' ? 'You:' : 'Assistant:';
    const body = document.createElement('span');
    body.className = 'body';
    body.textContent = text;
    div.append(who, body);
    $('transcript').append(div);
    return div;
  }

  $('message').addEventListener('keydown', e => {
    if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); $('send-form').requestSubmit(); }
  });
  $('restart').addEventListener('click', () => {
    conversationId = Gateway.id('conv');
    messages = [];
    $('transcript').textContent = '';
    $('compare-area').hidden = true;
    say('New conversation.');
  });

  $('send-form').addEventListener('submit', async e => {
    e.preventDefault();
    fail('');
    const text = $('message').value.trim();
    if (!text) { fail('Write a message first.'); return; }
    if (!Gateway.key()) { fail('Enter the API key first.'); $('key').focus(); return; }
    const compare = $('compare').checked;
    const turns = [...messages, { role: 'user', content: text }];
    addTurn('user', text);
    $('message').value = '';
    $('send').disabled = true;
    say('The policy is answering…');
    served = [];
    let live = null;
    let tokens = 0;
    if (compare) {
      $('compare-area').hidden = false;
      for (const i of [0, 1]) { $('answer-' + i).querySelector('.text').textContent = ''; $('answer-' + i).querySelector('.meta').textContent = ''; }
      $('prefer-form').reset();
    } else {
      live = addTurn('assistant', '');
    }
    try {
      await Gateway.stream('/v1/chat/stream', { conversationId, userId: $('user').value.trim(), messages: turns,
        n: compare ? 2 : 1 }, ev => {
        if (ev.type === 'token') {
          tokens++;
          const target = compare ? $('answer-' + ev.index).querySelector('.text') : live.querySelector('.body');
          target.textContent += ev.delta;
          (compare ? $('compare-area') : live).dataset.tokens = String(tokens);
        } else if (ev.type === 'answer') {
          served[ev.answer.index] = ev.answer;
          const meta = ev.answer.model.kind + ' v' + ev.answer.model.version;
          if (compare) {
            $('answer-' + ev.index).querySelector('.text').textContent = ev.answer.text;
            $('answer-' + ev.index).querySelector('.meta').textContent = meta;
          } else {
            live.querySelector('.body').textContent = ev.answer.text;
            live.dataset.model = meta;
          }
        } else if (ev.type === 'error') {
          throw new Error(ev.problem.title + ': ' + ev.problem.detail);
        }
      });
      if (compare) {
        pendingTurns = turns;
        say('Two answers. Which is better? Pick one and send your preference.');
        document.querySelector('input[name=choice]').focus();
      } else {
        messages = [...turns, { role: 'assistant', content: served[0] ? served[0].text : '' }];
        say('Answered by ' + (served[0] ? served[0].model.kind + ' v' + served[0].model.version : 'the policy') + '.');
      }
    } catch (err) {
      fail(err.message);
      say('');
    } finally {
      $('send').disabled = false;
    }
  });

  $('prefer-form').addEventListener('submit', async e => {
    e.preventDefault();
    fail('');
    const picked = document.querySelector('input[name=choice]:checked');
    if (!picked) { fail('Pick A, B, tie or both bad first.'); return; }
    if (served.length !== 2 || !pendingTurns) { fail('There are no two answers to compare yet.'); return; }
    const likert = [0, 1].map(i => $('likert-' + i).value ? Number($('likert-' + i).value) : null);
    const labels = [0, 1].map(i => [...$('labels-' + i).querySelectorAll('input:checked')].map(b => b.value));
    try {
      const stored = await Gateway.post('/v1/chat/feedback', { conversationId, userId: $('user').value.trim(),
        messages: pendingTurns, answers: served.map(a => ({ text: a.text, model: a.model, reference: a.reference })),
        choice: picked.value, likert, labels });
      const keep = picked.value === 'b' ? served[1] : picked.value === 'both_bad' ? null : served[0];
      messages = keep ? [...pendingTurns, { role: 'assistant', content: keep.text }] : pendingTurns.slice(0, -1);
      if (keep) addTurn('assistant', keep.text);
      pendingTurns = null;
      $('compare-area').hidden = true;
      say('Thank you — preference stored (' + stored.comparisonId + ', ' + stored.split + ').');
      $('message').focus();
    } catch (err) {
      fail(err.message);
    }
  });
})();
