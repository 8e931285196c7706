// The playground: plain DOM, no framework. Everything that comes from the server (program output, tool results,
// the model's text) is untrusted: it only ever reaches the page as text nodes (el() below), never as HTML.
'use strict';

const EXAMPLES = [
  {
    title: 'Three tools: what Ada spent, in US dollars',
    code: `const c = call_tool('find_customer', {email: 'ada.lovelace@example.com'});
const delivered = call_tool('orders_for_customer', {customerId: c.id})
  .filter(o => o.status === 'DELIVERED');
const eur = delivered.reduce((sum, o) => sum + o.totalEur, 0);
const fx = call_tool('exchange_rate', {from: 'EUR', to: 'USD'});
console.log(\`\${c.name}: \${delivered.length} delivered orders\`);
return {customer: c.name, tier: c.tier, orders: delivered.map(o => o.id),
        totalEur: eur, totalUsd: Math.round(eur * fx.rate * 100) / 100};`,
  },
  {
    title: 'Best-selling monitors, in pounds',
    code: `const top = call_tool('top_products', {category: 'Monitors', limit: 3});
const fx = call_tool('exchange_rate', {from: 'EUR', to: 'GBP'});
return top.map(p => ({rank: p.rank, name: p.name,
                      revenueGbp: Math.round(p.revenueEur * fx.rate * 100) / 100}));`,
  },
  {
    title: 'A loop: German gold customers and their orders',
    code: `const gold = call_tool('search_customers', {country: 'DE', tier: 'GOLD'});
const rows = [];
for (const c of gold) {
  const orders = call_tool('orders_for_customer', {customerId: c.id});
  rows.push({name: c.name, orders: orders.length,
             spentEur: Math.round(orders.reduce((s, o) => s + o.totalEur, 0) * 100) / 100});
}
console.log(\`\${gold.length} gold customers in Germany\`);
return rows;`,
  },
  {
    title: 'Units: a marathon in km, boiling water in °F',
    code: `const km = call_tool('convert_units', {value: 26.2, from: 'mi', to: 'km'});
const f = call_tool('convert_units', {value: 100, from: 'C', to: 'F'});
return {marathonKm: km.result, boilingF: f.result};`,
  },
  {
    title: 'A failing tool, caught by the program',
    code: `try {
  return call_tool('find_customer', {email: 'nobody@example.com'});
} catch (e) {
  console.error(\`\${e.name}: \${e.message}\`);
  return {found: false};
}`,
  },
  {
    title: 'A failing tool, not caught',
    code: `const fx = call_tool('exchange_rate', {from: 'EUR', to: 'XYZ'});
return fx.rate;`,
  },
  {
    title: 'Sessions: a counter that lives on in the conversation',
    code: `// with a conversation id (top right) and codeact.sessions.enabled, each run continues the last one's state
globalThis.n = (globalThis.n ?? 0) + 1;
return n;`,
  },
  {
    title: 'Cancel an order (the sessions profile offers cancel_order and asks you first)',
    code: `const before = call_tool('order_details', {orderId: 5013});
const after = call_tool('cancel_order', {orderId: 5013});
console.log(\`order \${after.id}: \${before.status} -> \${after.status}\`);
return after.status;`,
  },
  {
    title: 'Python: what Ada spent, in US dollars',
    language: 'python',
    code: `c = call_tool('find_customer', email='ada.lovelace@example.com')
delivered = [o for o in call_tool('orders_for_customer', customerId=c['id'])
             if o['status'] == 'DELIVERED']
eur = sum(o['totalEur'] for o in delivered)
fx = call_tool('exchange_rate', {'from': 'EUR', 'to': 'USD'})
print(f"{c['name']}: {len(delivered)} delivered orders")
{'customer': c['name'], 'orders': [o['id'] for o in delivered],
 'totalEur': eur, 'totalUsd': round(eur * fx['rate'], 2)}`,
  },
];

const QUESTIONS = [
  'How much has ada.lovelace@example.com spent on delivered orders, in US dollars?',
  'Which three monitors sold best, and what did they earn in pounds?',
  'Which gold customers do we have in Germany, and how many orders has each placed?',
];

const $ = id => document.getElementById(id);

/** An element with attributes (class, title, data-*, ...) and children; strings become text nodes. */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'style') Object.assign(node.style, value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replaces a node's children; nested arrays are flattened and null, undefined and false left out. */
function fill(node, ...children) {
  node.replaceChildren(...children.flat(Infinity).filter(c => c !== undefined && c !== null && c !== false));
}

const ms = value => `${Number(value).toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)} ms`;
const compact = value => value === undefined ? '' : JSON.stringify(value);
const pretty = value => value === undefined ? '' : JSON.stringify(value, null, 2);

/** fetch with a JSON answer; problem details (4xx/5xx) come back as {ok: false, status, detail}. */
async function request(path, body) {
  let response;
  try {
    response = await fetch(path, body === undefined ? {} : {
      method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body),
    });
  } catch (e) {
    return {ok: false, status: 0, detail: `The application did not answer: ${e.message}`};
  }
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { /* not JSON: keep the text */ }
  const detail = json && typeof json.detail === 'string' ? json.detail : text;
  return {ok: response.ok, status: response.status, json, text, detail};
}

// ---------------------------------------------------------------------------------------------- one execution

/** An execution (from /api/execute, or one of a chat answer's): summary, timeline, output, result. */
function renderExecution(x) {
  const calls = x.calls || [];
  const outcome = x.success
    ? el('span', {class: 'badge ok'}, 'success')
    : el('span', {class: x.pending ? 'badge wait' : 'badge fail'}, x.error ? x.error.type : 'failure');
  const summary = el('div', {class: 'summary'}, outcome,
    el('span', {class: 'metric', 'data-field': 'duration'}, ms(x.durationMs)),
    el('span', {class: 'metric'}, `${calls.length} tool call${calls.length === 1 ? '' : 's'}`),
    x.conversationId ? el('span', {class: 'metric', 'data-field': 'conversation'}, `conversation ${x.conversationId}`) : null);
  const parts = [summary];
  if (x.pending) {
    parts.push(pendingBox(x.pending, () => node));
  } else if (x.error) {
    parts.push(el('div', {class: 'error-box', 'data-field': 'error'},
      el('strong', {}, x.error.name ? `${x.error.type} (${x.error.name})` : x.error.type), ': ', x.error.message));
  }
  parts.push(el('h3', {}, 'Tool calls'), calls.length ? renderTimeline(calls, x.durationMs)
    : el('p', {class: 'muted'}, 'The program called no tool.'));
  parts.push(stream('stdout', x.stdout), stream('stderr', x.stderr));
  parts.push(el('h3', {}, 'Result'), el('pre', {class: 'code json', 'data-field': 'result'},
    x.result === null || x.result === undefined ? (x.success ? 'undefined' : '—') : pretty(x.result)));
  if (x.files && x.files.length) {
    parts.push(el('h3', {}, 'Files in /output'), ...x.files.map(f => el('details', {class: 'file'},
      el('summary', {}, `${f.name} · ${f.size} bytes · ${f.mediaType}`),
      el('pre', {class: 'code'}, f.content === null ? '(binary or too large to show)' : f.content))));
  }
  const node = el('div', {class: 'execution', 'data-success': String(x.success)}, parts);
  return node;
}

// ------------------------------------------------------------------------------------------------ approvals

/**
 * A program stopped at a call that waits for a person: the call, and Approve and Deny buttons that decide it and put
 * the rest of the program's run in place of {@code target()} (the stopped execution, or the approvals list's entry).
 */
function pendingBox(p, target) {
  const buttons = [el('button', {type: 'button', class: 'approve', 'data-action': 'approve'}, 'Approve'),
    el('button', {type: 'button', class: 'deny', 'data-action': 'deny'}, 'Deny')];
  buttons.forEach(button => button.addEventListener('click', async () => {
    buttons.forEach(b => { b.disabled = true; });
    const approved = button.dataset.action === 'approve';
    target().replaceWith(await decide(p.id, approved));
  }));
  return el('div', {class: 'pending-box', 'data-field': 'pending', 'data-approval': p.id},
    el('strong', {}, 'Waiting for approval: '), el('code', {}, `${p.tool}(${compact(p.args)})`),
    el('div', {class: 'actions'}, buttons));
}

/** POST /api/approvals/{id}; the answer is the rest of the program's run (or a problem). */
async function decide(id, approved) {
  const reason = $('approval-reason').value.trim() || undefined;
  const r = await request(`/api/approvals/${encodeURIComponent(id)}`, {approved, reason, decidedBy: 'playground'});
  refreshApprovals();
  refreshSandboxIfShown();
  if (!r.json || typeof r.json.success !== 'boolean') return problem(r);
  return el('div', {class: 'decided', 'data-field': 'decided'},
    el('div', {class: 'notice'}, el('strong', {}, approved ? 'Approved' : 'Denied'),
      approved ? ': the tool ran and the program went on from its call.'
        : ': the call threw ToolError in the program, which went on from there.'),
    renderExecution(r.json));
}

/** GET /api/approvals: the tab shows where the app suspends programs for approval (else the endpoint says 409). */
async function refreshApprovals() {
  const r = await request('/api/approvals');
  const tab = $('tab-approvals');
  if (r.status === 409 || !r.ok || !Array.isArray(r.json)) {
    tab.hidden = true;
    return;
  }
  tab.hidden = false;
  const count = $('approval-count');
  count.hidden = r.json.length === 0;
  count.textContent = String(r.json.length);
  fill($('approvals-list'), r.json.length
    ? r.json.map(a => {
      const entry = el('div', {class: 'approval'}, pendingBox(a, () => {
        $('approval-output').replaceChildren(el('div'));
        return $('approval-output').firstChild;
      }), el('div', {class: 'muted small'}, a.conversationId ? `conversation ${a.conversationId} · ` : 'no conversation · ',
        `waiting since ${new Date(a.createdAt).toLocaleTimeString()}; denied if undecided by `,
        new Date(a.expiresAt).toLocaleTimeString()));
      return entry;
    })
    : el('p', {class: 'muted', 'data-field': 'no-approvals'}, 'No program is waiting for an approval.'));
}

function stream(name, text) {
  return el('div', {class: 'stream'}, el('h3', {}, name),
    text ? el('pre', {class: `code ${name}`, 'data-field': name}, text)
      : el('pre', {class: `code ${name} empty`, 'data-field': name}, `(nothing on ${name})`));
}

/** One row per tool call: what was called with what, what came back, and when within the run. */
function renderTimeline(calls, durationMs) {
  // offsets count from the start of the execution on the host; the scale covers the whole run
  const span = Math.max(durationMs, ...calls.map(c => c.startMs + c.durationMs), 0.001);
  return el('ol', {class: 'timeline'}, calls.map((c, i) => {
    const ok = c.error === null || c.error === undefined;
    const left = 100 * c.startMs / span;
    const width = Math.max(100 * c.durationMs / span, 0.6);
    const outcome = ok ? compact(c.result) : c.error;
    return el('li', {class: `call ${ok ? 'ok' : 'fail'}`, 'data-tool': c.name},
      el('div', {class: 'call-head'},
        el('span', {class: 'index'}, String(i + 1)),
        el('span', {class: 'tool'}, c.name),
        el('code', {class: 'args', title: compact(c.arguments)}, compact(c.arguments)),
        el('span', {class: 'timing', title: `started ${ms(c.startMs)} into the run, took ${ms(c.durationMs)}`},
          `+${ms(c.startMs)}`, el('strong', {}, ms(c.durationMs)))),
      el('div', {class: 'track', 'aria-hidden': 'true'},
        el('div', {class: 'bar', style: {left: `${Math.min(left, 99.4)}%`, width: `${Math.min(width, 100 - Math.min(left, 99.4))}%`}})),
      el('details', {class: 'call-result'},
        el('summary', {}, el('span', {class: 'arrow'}, ok ? '→' : '✗'), el('span', {class: 'preview'}, outcome)),
        ok ? [el('div', {class: 'label'}, 'arguments'), el('pre', {class: 'code json'}, pretty(c.arguments)),
              el('div', {class: 'label'}, 'result'), el('pre', {class: 'code json'}, pretty(c.result))]
           : [el('div', {class: 'label'}, 'arguments'), el('pre', {class: 'code json'}, pretty(c.arguments)),
              el('div', {class: 'label'}, 'error'), el('pre', {class: 'code stderr'}, c.error)]));
  }));
}

// ------------------------------------------------------------------------------------------------- run tab

async function run() {
  const button = $('run-button');
  const output = $('run-output');
  const code = $('code').value;
  if (!code.trim()) return;
  button.disabled = true;
  fill(output, el('p', {class: 'placeholder'}, 'Running…'));
  const r = await request('/api/execute', {code, language: $('language').value, conversationId: conversation()});
  button.disabled = false;
  if (r.json && typeof r.json.success === 'boolean') {
    // 200, or 503 with the same body when the sandbox could not run it
    fill(output, renderExecution(r.json));
  } else {
    fill(output, problem(r));
  }
  refreshSandboxIfShown();
  refreshApprovals();
}

/** The conversation id in the header, or undefined (left out of the request) when empty. */
function conversation() {
  return $('conversation').value.trim() || undefined;
}

function problem(r) {
  return el('div', {class: 'notice error', 'data-field': 'problem'},
    el('strong', {}, r.status ? `HTTP ${r.status}` : 'No answer'), ': ', r.detail || '(no detail)');
}

// ------------------------------------------------------------------------------------------------ chat tab

async function ask(question) {
  const output = $('chat-output');
  const button = $('ask-button');
  button.disabled = true;
  fill(output, el('p', {class: 'placeholder'}, 'Asking the model…'));
  const r = await request('/api/chat', {message: question, conversationId: conversation()});
  button.disabled = false;
  if (r.status === 503) {
    // no model configured: the endpoint says what to set
    fill(output, el('div', {class: 'notice warn', 'data-field': 'problem'},
      el('strong', {}, 'No model to ask. '), r.detail));
  } else if (!r.ok || !r.json) {
    fill(output, problem(r));
  } else {
    const executions = r.json.executions || [];
    fill(output,
      el('div', {class: 'exchange'},
        el('div', {class: 'question'}, el('span', {class: 'who'}, 'You'), question),
        el('div', {class: 'answer', 'data-field': 'answer'}, el('span', {class: 'who'}, 'Model'), r.json.answer || '')),
      executions.length ? executions.map((x, i) => el('div', {class: 'model-run two-columns'},
        el('div', {class: 'column'},
          el('h3', {}, executions.length > 1 ? `Program ${i + 1} the model wrote` : 'The program the model wrote'),
          el('pre', {class: 'code program', 'data-field': 'program'}, x.code || '')),
        el('div', {class: 'column'}, renderExecution(x))))
        : el('p', {class: 'muted'}, 'The model answered without running a program.'));
  }
  refreshSandboxIfShown();
  refreshApprovals();
}

async function showModelStatus() {
  const r = await request('/actuator/info');
  const chat = r.ok && r.json && r.json.chatModel;
  if (!chat) return;
  const status = $('model-status');
  status.hidden = false;
  status.className = chat.configured ? 'notice' : 'notice warn';
  fill(status, chat.configured
    ? el('span', {}, 'Model: ', el('strong', {}, chat.model || '(default)'), ` at ${chat.baseUrl || '(default URL)'}`)
    : el('span', {}, el('strong', {}, 'No chat model is configured. '),
      'Set OPENAI_API_KEY, or OPENAI_BASE_URL (and OPENAI_MODEL) for another OpenAI-compatible server, and restart. ',
      'Running programs works without one.'));
}

// --------------------------------------------------------------------------------------------- sandbox tab

async function refreshSandbox() {
  const output = $('sandbox-output');
  const r = await request('/actuator/codeact');
  if (!r.ok || !r.json) {
    fill(output, problem(r));
    return;
  }
  const report = r.json;
  $('backend').textContent = `sandbox: ${report.backend}`;
  $('sandbox-updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  const e = report.executions || {};
  const l = report.latencyMs || {};
  const byOutcome = e.byOutcome || {};
  const cards = [
    card('Backend', [el('div', {class: 'big'}, report.backend), el('p', {class: 'muted'}, report.backendReason || '')]),
    card('Pool', report.pool
      ? [dl({size: report.pool.size, idle: report.pool.idle, busy: report.pool.busy, waiting: report.pool.waiting}),
        report.vcpuThreading ? el('p', {class: 'muted small'}, report.vcpuThreading) : null]
      : el('p', {class: 'muted'}, 'No micro-VM pool: this backend runs programs in process.')),
    card('Executions', [dl({total: e.total ?? 0, success: byOutcome.success ?? 0, failure: byOutcome.failure ?? 0}, 'executions'),
      Object.keys(e.byErrorType || {}).length
        ? [el('div', {class: 'label'}, 'failures by error type'), dl(e.byErrorType)] : null]),
    card('Latency', l.samples
      ? [dl({p50: ms(l.p50), p90: ms(l.p90), p99: ms(l.p99), max: ms(l.max)}),
        el('p', {class: 'muted small'}, `over the last ${l.samples} execution${l.samples === 1 ? '' : 's'}`)]
      : el('p', {class: 'muted'}, 'No executions yet.')),
  ];
  fill(output, el('div', {class: 'cards'}, cards), toolCallBars(report.toolCalls || {}),
    recentTable(report.recentExecutions || []));
}

function card(title, body) {
  return el('div', {class: 'card'}, el('h3', {}, title), body);
}

function dl(entries, field) {
  return el('dl', {class: 'stats', 'data-field': field}, Object.entries(entries).map(([k, v]) =>
    el('div', {}, el('dt', {}, k), el('dd', {}, String(v)))));
}

function toolCallBars(toolCalls) {
  const entries = Object.entries(toolCalls).sort((a, b) => b[1] - a[1]);
  if (!entries.length) return null;
  const most = entries[0][1];
  return el('div', {class: 'card wide'}, el('h3', {}, 'Tool calls from programs'),
    el('table', {class: 'bars'}, el('tbody', {}, entries.map(([tool, n]) => el('tr', {},
      el('td', {class: 'tool'}, tool),
      el('td', {class: 'bar-cell'}, el('div', {class: 'hbar', style: {width: `${100 * n / most}%`}})),
      el('td', {class: 'num'}, String(n)))))));
}

function recentTable(recent) {
  return el('div', {class: 'card wide'}, el('h3', {}, 'Recent executions'),
    recent.length ? el('table', {class: 'recent', 'data-field': 'recent'},
      el('thead', {}, el('tr', {}, ['started', 'duration', 'backend', 'outcome', 'tools called'].map(h => el('th', {}, h)))),
      el('tbody', {}, recent.map(x => el('tr', {class: x.outcome},
        el('td', {}, new Date(x.startedAt).toLocaleTimeString()),
        el('td', {class: 'num'}, ms(x.durationMs)),
        el('td', {}, x.backend),
        el('td', {}, el('span', {class: `badge ${x.outcome === 'success' ? 'ok' : 'fail'}`}, x.errorType || x.outcome)),
        el('td', {class: 'tools'}, (x.toolsCalled || []).join(' → ') || '—')))))
      : el('p', {class: 'muted'}, 'Nothing has run yet.'));
}

function refreshSandboxIfShown() {
  if (!$('sandbox').hidden) refreshSandbox();
}

// ------------------------------------------------------------------------------------------------- wiring

function showTab(name) {
  for (const tab of document.querySelectorAll('[role=tab]')) {
    const selected = tab.dataset.panel === name;
    tab.setAttribute('aria-selected', String(selected));
    $(tab.dataset.panel).hidden = !selected;
  }
  if (name === 'sandbox') refreshSandbox();
  if (name === 'approvals') refreshApprovals();
  if (location.hash !== `#${name}`) history.replaceState(null, '', `#${name}`);
}

document.addEventListener('DOMContentLoaded', () => {
  const select = $('example');
  EXAMPLES.forEach((example, i) => select.append(el('option', {value: i}, example.title)));
  const code = $('code');
  // the editor grows with the program (up to its CSS max-height), so short examples leave room for the tools list
  const fit = () => { code.style.height = 'auto'; code.style.height = `${code.scrollHeight + 2}px`; };
  const language = $('language');
  // the hint under the editor and the tools' declarations speak the chosen language
  let declared = null;
  const showLanguage = () => {
    document.querySelectorAll('#run .hint[data-language]')
      .forEach(hint => { hint.hidden = hint.dataset.language !== language.value; });
    if (declared === language.value) return;
    const asked = declared = language.value;
    request(`/api/tools?language=${encodeURIComponent(asked)}`).then(r => {
      if (declared !== asked) return;   // the language changed again while this one was on its way
      $('tool-declarations').textContent = r.ok ? r.text : `Not available: ${r.detail}`;
    });
  };
  const choose = example => {
    code.value = example.code;
    language.value = example.language || 'javascript';
    showLanguage();
    fit();
  };
  select.addEventListener('change', () => choose(EXAMPLES[select.value]));
  language.addEventListener('change', showLanguage);
  choose(EXAMPLES[0]);
  fit();
  code.addEventListener('input', fit);
  code.addEventListener('keydown', event => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    } else if (event.key === 'Tab' && !event.shiftKey) {
      event.preventDefault();
      event.target.setRangeText('  ', event.target.selectionStart, event.target.selectionEnd, 'end');
    }
  });
  $('run-button').addEventListener('click', run);

  QUESTIONS.forEach(q => {
    const button = el('button', {type: 'button', class: 'suggestion'}, q);
    button.addEventListener('click', () => { $('question').value = q; ask(q); });
    $('suggestions').append(button);
  });
  $('chat-form').addEventListener('submit', event => {
    event.preventDefault();
    const q = $('question').value.trim();
    if (q) ask(q);
  });

  $('refresh-button').addEventListener('click', refreshSandbox);
  $('approvals-refresh').addEventListener('click', refreshApprovals);
  for (const tab of document.querySelectorAll('[role=tab]')) {
    tab.addEventListener('click', () => showTab(tab.dataset.panel));
  }
  const tabFromHash = () => showTab(['run', 'chat', 'approvals', 'sandbox'].includes(location.hash.slice(1)) ? location.hash.slice(1) : 'run');
  window.addEventListener('hashchange', tabFromHash);
  tabFromHash();

  showModelStatus();
  refreshApprovals();
  if ($('sandbox').hidden) refreshSandbox();   // fills the backend pill in the header
});
