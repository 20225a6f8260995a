// pia-extract review: one document's page. The record is embedded as JSON (#record); the
// evidence (SVG pages or source lines) carries one `.box[data-field]` per located field and
// one `.box.opt[data-field][data-option]` per located checkbox option (its index).
// Side list in form order, panel, next uncertain field (n / p), corrections, and
// "Download key": an answer key in the golden/keys format that `pia-extract score` reads.
(function () {
  'use strict';
  const rec = JSON.parse(document.getElementById('record').textContent);
  // the document's values (cover) as fields of their own, first in the list: they have no
  // location or certainty in the record, but a reviewer can confirm or correct them too
  const docKeys = ['kind', 'form', 'number', 'title', 'organization', 'published', 'published_raw'];
  const docFields = docKeys.map((k) => ({ id: 'document.' + k, path: ['document'], label: k, type: 'text', value: rec.document[k] === undefined ? null : rec.document[k],
    options: [], certainty: 'document', at: {}, doc: true }));
  const all = docFields.concat(rec.fields);
  const byId = new Map(all.map((f) => [f.id, f]));
  // field id -> its boxes; `id#k` -> the boxes of its option k
  const boxes = new Map();
  const optKey = (id, k) => id + '#' + k;
  for (const b of document.querySelectorAll('.box[data-field]')) {
    const key = b.dataset.option === undefined ? b.dataset.field : optKey(b.dataset.field, b.dataset.option);
    if (!boxes.has(key)) boxes.set(key, []);
    boxes.get(key).push(b);
  }
  // id -> {confirm: true} | {value: string|null} | {checks: {label: true|false|null}}
  const fixes = new Map();
  const store = 'pia-review:' + rec.source.sha256;
  try {
    const saved = JSON.parse(localStorage.getItem(store) || '{}');
    for (const k of Object.keys(saved)) if (byId.has(k)) fixes.set(k, saved[k]);
  } catch (e) { /* storage unavailable: corrections live in this page only */ }
  function save() {
    try { localStorage.setItem(store, JSON.stringify(Object.fromEntries(fixes))); } catch (e) { /* see above */ }
  }
  const el = (tag, props, ...kids) => {
    const e = document.createElement(tag);
    Object.assign(e, props || {});
    for (const k of kids) e.append(k);
    return e;
  };
  function cls(f) {
    if (f.doc) return 'c-doc';
    if (f.certainty === 'exact') return (f.value !== null || f.type === 'checkboxes') ? 'c-exact' : 'c-empty';
    return f.certainty === 'inferred' ? 'c-inferred' : 'c-null';
  }
  const uncertain = (f) => f.certainty !== 'exact';
  function optCls(o) {
    if (o.checked === null) return 'c-null';
    return o.certainty === 'exact' ? 'c-exact' : o.certainty === 'inferred' ? 'c-inferred' : 'c-null';
  }
  const optMark = (o) => (o.checked === true ? '✓' : o.checked === false ? '✗' : '?');
  function shortValue(f) {
    if (f.type === 'checkboxes') {
      const on = f.options.filter((o) => o.checked === true).map((o) => o.label);
      return on.length ? on.join('・') : (f.value || '');
    }
    return f.value === null ? 'null' : f.value;
  }
  // changes from the earlier version (`review --against`), by field id
  const diffEl = document.getElementById('diff');
  const diff = diffEl ? JSON.parse(diffEl.textContent) : null;
  const changes = new Map(diff ? diff.fields.map((c) => [c.id, c]) : []);
  // the side list, in form order
  const list = document.getElementById('fields');
  const items = new Map();
  for (const f of all) {
    const li = el('li', { className: cls(f) + (f.doc ? ' docfield' : '') + (boxes.has(f.id) ? '' : ' noloc') + (changes.has(f.id) ? ' changed' : ''), title: f.id + ' ' + f.label },
      el('span', { className: 'id', textContent: f.id }), f.label + ' — ' + shortValue(f));
    li.dataset.field = f.id;
    li.addEventListener('click', () => select(f.id, true));
    list.appendChild(li);
    items.set(f.id, li);
    // a checkbox field's options, under it
    if (f.type !== 'checkboxes') continue;
    f.options.forEach((o, k) => {
      const key = optKey(f.id, k);
      const oli = el('li', { className: 'opt ' + optCls(o) + (boxes.has(key) ? '' : ' noloc'), title: f.id + ' ' + o.label },
        el('span', { className: 'mark', textContent: optMark(o) }), o.label);
      oli.dataset.field = f.id;
      oli.dataset.option = String(k);
      oli.addEventListener('click', () => select(f.id, true, k));
      list.appendChild(oli);
      items.set(key, oli);
    });
  }
  function mark(id) {
    const li = items.get(id), fx = fixes.get(id);
    li.classList.toggle('confirmed', !!(fx && fx.confirm));
    li.classList.toggle('fixed', !!(fx && !fx.confirm));
  }
  for (const id of fixes.keys()) mark(id);
  let current = null, currentOpt;
  // a field, or (k given) one of its checkbox options
  function select(id, scroll, k) {
    for (const e of document.querySelectorAll('.sel')) e.classList.remove('sel');
    current = id;
    currentOpt = k;
    const key = k === undefined ? id : optKey(id, k);
    const li = items.get(key);
    li.classList.add('sel');
    li.scrollIntoView({ block: 'nearest' });
    const bs = boxes.get(key) || [];
    for (const b of bs) b.classList.add('sel');
    if (scroll && bs.length) bs[0].scrollIntoView({ block: 'center', inline: 'center' });
    panel(byId.get(id), k);
  }
  for (const bs of boxes.values()) {
    for (const b of bs) {
      const k = b.dataset.option === undefined ? undefined : +b.dataset.option;
      b.addEventListener('click', (ev) => { ev.stopPropagation(); select(b.dataset.field, false, k); });
    }
  }
  // an option's mark beside its box (options read on one row share its box)
  for (const t of document.querySelectorAll('text.optmark')) {
    t.addEventListener('click', (ev) => { ev.stopPropagation(); select(t.dataset.field, false, +t.dataset.option); });
  }
  function where(f) {
    const a = f.at || {};
    if (a.bbox) return 'page ' + a.page + ', bbox [' + a.bbox.join(', ') + ']';
    if (a.line) return 'line ' + a.line + (a.page ? ', page ' + a.page : '');
    return 'no location';
  }
  // the option clicked: its mark, certainty and where it was read
  function optionView(f, k) {
    const o = k === undefined ? null : f.options[k];
    if (!o) return '';
    return el('div', { className: 'option', id: 'panel-option' },
      el('b', { textContent: 'Option: ' }), el('span', { id: 'panel-option-label', textContent: o.label }), ' ',
      el('span', { id: 'panel-option-checked', textContent: optMark(o) + ' ' + (o.checked === true ? 'checked' : o.checked === false ? 'not checked' : 'unknown') }), ' ',
      el('span', { id: 'panel-option-certainty', className: 'badge ' + optCls(o), textContent: o.certainty }),
      el('div', { textContent: where(o) }));
  }
  function optionsView(f, sel) {
    if (f.type === 'choice') {
      return el('ul', {}, ...f.options.map((o) => el('li', { textContent: (o === f.value ? '● ' : '○ ') + o })));
    }
    if (f.type !== 'checkboxes') return '';
    const t = el('table', { className: 'options' });
    f.options.forEach((o, k) => {
      const m = o.checked === true ? '☑' : o.checked === false ? '☐' : '?';
      t.appendChild(el('tr', { className: k === sel ? 'sel-opt' : '' }, el('td', { textContent: m }), el('td', { textContent: o.label + (o.detail ? '（' + o.detail + '）' : '') }),
        el('td', {}, el('span', { className: 'badge ' + optCls(o), textContent: o.certainty }))));
    });
    return t;
  }
  function changeView(f) {
    const c = changes.get(f.id);
    if (!c) return '';
    const before = c.before === null ? 'null' : c.before;
    const opts = (c.options || []).map((o) => el('div', { textContent: o.label + ': ' + o.checked_before + ' → ' + o.checked_after }));
    return el('div', { className: 'change', id: 'panel-change' }, el('b', { textContent: 'Changed (' + c.how + ') since ' + diff.old.split('/').pop() + ': before ' }),
      el('span', { textContent: before }), ...opts);
  }
  function correction(f) {
    const fx = fixes.get(f.id);
    const box = el('fieldset', { id: 'fix' }, el('legend', { textContent: 'Correction' }));
    const state = el('p', { id: 'fix-state', textContent: !fx ? 'not reviewed' : fx.confirm ? 'confirmed as read' : 'corrected' });
    const confirm = el('button', { id: 'fix-confirm', textContent: 'Confirm value' });
    confirm.addEventListener('click', () => setFix(f, { confirm: true }));
    const clear = el('button', { id: 'fix-clear', textContent: 'Undo' });
    clear.addEventListener('click', () => { fixes.delete(f.id); save(); mark(f.id); panel(f, currentOpt); });
    let input;
    if (f.type === 'text') {
      input = el('textarea', { id: 'fix-text', rows: 3, value: fx && 'value' in fx ? (fx.value || '') : (f.value || '') });
    } else if (f.type === 'choice') {
      input = el('select', { id: 'fix-choice' }, el('option', { value: '', textContent: '(empty: [ ])' }),
        ...f.options.map((o) => el('option', { value: o, textContent: o })));
      input.value = fx && 'value' in fx ? (fx.value || '') : (f.value || '');
    } else {
      input = el('table', { id: 'fix-checks' });
      for (const o of f.options) {
        const s = el('select', {}, el('option', { value: 'true', textContent: '☑ checked' }), el('option', { value: 'false', textContent: '☐ not checked' }),
          el('option', { value: 'null', textContent: "? can't tell" }));
        const v = fx && fx.checks && o.label in fx.checks ? fx.checks[o.label] : o.checked;
        s.value = String(v);
        s.dataset.option = o.label;
        input.appendChild(el('tr', {}, el('td', { textContent: o.label }), el('td', {}, s)));
      }
    }
    const apply = el('button', { id: 'fix-apply', textContent: 'Set this value' });
    apply.addEventListener('click', () => {
      if (f.type === 'checkboxes') {
        const checks = {};
        for (const s of input.querySelectorAll('select')) checks[s.dataset.option] = JSON.parse(s.value);
        setFix(f, { checks });
      } else {
        const v = input.value.trim();
        setFix(f, { value: v === '' ? null : v });
      }
    });
    box.append(state, confirm, ' ', clear, input, apply);
    return box;
  }
  function setFix(f, fx) { fixes.set(f.id, fx); save(); mark(f.id); panel(f, currentOpt); status(); }
  function panel(f, k) {
    const p = document.getElementById('panel');
    p.textContent = '';
    const diags = rec.diagnostics.filter((d) => d.field === f.id);
    p.append(
      el('h3', { textContent: f.label }),
      el('div', {}, el('code', { id: 'panel-id', textContent: f.id }), ' ', f.type, ' ', el('span', { id: 'panel-certainty', className: 'badge ' + cls(f), textContent: f.certainty })),
      el('div', { textContent: where(f) }),
      el('div', { className: 'value', id: 'panel-value', textContent: f.value === null ? 'null' : f.value }),
      optionView(f, k),
      optionsView(f, k),
      changeView(f),
      el('div', { id: 'panel-diags' }, ...diags.map((d) => el('div', { className: 'diag', textContent: d.level + ' ' + d.code + ': ' + d.message }))),
      correction(f));
  }
  // next / previous field that is null or inferred (certainty other than exact)
  function step(dir) {
    const fs = rec.fields;
    let i = current === null ? (dir > 0 ? -1 : fs.length) : fs.findIndex((f) => f.id === current);
    for (let n = 0; n < fs.length; n++) {
      i = (i + dir + fs.length) % fs.length;
      if (uncertain(fs[i])) { select(fs[i].id, true); return; }
    }
  }
  // c: the next changed field (with --against)
  function nextChange() {
    const ids = rec.fields.filter((f) => changes.has(f.id)).map((f) => f.id);
    if (!ids.length) return;
    const i = ids.indexOf(current);
    select(ids[(i + 1) % ids.length], true);
  }
  if (diff) {
    const n = diff.fields.length + diff.document.length;
    document.getElementById('status').before(el('span', { id: 'changes', textContent: n + ' change(s) since ' + diff.old.split('/').pop() + ' (c: next) ' }));
  }
  document.getElementById('next').addEventListener('click', () => step(1));
  document.getElementById('prev').addEventListener('click', () => step(-1));
  document.addEventListener('keydown', (ev) => {
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName) || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === 'n') step(1); else if (ev.key === 'p') step(-1); else if (ev.key === 'c') nextChange();
  });
  document.getElementById('showvals').addEventListener('change', (ev) => document.body.classList.toggle('hidevals', !ev.target.checked));
  // the answer key of what was reviewed
  function evidence(f) {
    const a = f.at || {};
    if (a.bbox) return { page: a.page, bbox: a.bbox };
    return a.line ? { lines: [a.line] } : {};
  }
  function buildKey() {
    const base = rec.source.file.split('/').pop();
    const key = { source: base, made_by: 'hand, in pia-extract review: each value confirmed or corrected by a reviewer reading the source',
      document: {}, choices: [], checks: [], texts: [], left_out: [] };
    // a document value the reviewer finds not stated is left out (keys omit what is not shown)
    for (const f of docFields) {
      const fx = fixes.get(f.id);
      const v = fx ? (fx.confirm ? f.value : fx.value) : null;
      if (v !== null && v !== undefined) key.document[f.label] = v;
    }
    for (const f of rec.fields) {
      const fx = fixes.get(f.id);
      if (!fx) continue;
      const at = evidence(f);
      if (f.type === 'checkboxes') {
        for (const o of f.options) {
          const c = fx.confirm ? o.checked : (fx.checks && o.label in fx.checks ? fx.checks[o.label] : o.checked);
          const e = Object.assign({ where: f.path, label: f.label, option: o.label }, c === null ? { kind: 'checks', why: 'the reviewer could not place the mark' } : { checked: c }, at);
          (c === null ? key.left_out : key.checks).push(e);
        }
      } else {
        const v = fx.confirm ? f.value : fx.value;
        (f.type === 'choice' ? key.choices : key.texts).push(Object.assign({ where: f.path, label: f.label, value: v }, at));
      }
    }
    return key;
  }
  function status() {
    let c = 0, x = 0;
    for (const fx of fixes.values()) if (fx.confirm) c++; else x++;
    document.getElementById('status').textContent = c + ' confirmed, ' + x + ' corrected';
  }
  document.getElementById('download').addEventListener('click', () => {
    const blob = new Blob([JSON.stringify(buildKey(), null, 1) + '\n'], { type: 'application/json' });
    const a = el('a', { href: URL.createObjectURL(blob), download: rec.source.file.split('/').pop().replace(/\.[^.]*$/, '') + '.json' });
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  });
  window.piaReview = { buildKey, select, fixes };
  status();
})();
