// pia-extract review: the index table (sort by a column's header, filter by text).
(function () {
  'use strict';
  const rows = JSON.parse(document.getElementById('rows').textContent);
  const tbody = document.querySelector('#docs tbody');
  const heads = Array.from(document.querySelectorAll('#docs th'));
  const num = new Set(['fields', 'exact', 'inferred', 'unknown', 'nulls', 'doubt', 'changes']);
  const diagText = (r) => Object.entries(r.diagnostics).map(([c, n]) => c + '×' + n).join(' ');
  // least certain first: the share of fields not exact, then errors, then input order
  let sortKey = 'doubt', desc = true;
  function value(r, k) { return k === 'diagnostics' ? diagText(r) : r[k]; }
  function cmp(a, b) {
    const x = value(a, sortKey), y = value(b, sortKey);
    let c;
    if (x === null || x === undefined) c = (y === null || y === undefined) ? 0 : 1;
    else if (y === null || y === undefined) c = -1;
    else c = typeof x === 'number' ? x - y : String(x).localeCompare(String(y), 'ja');
    if (desc && x !== null && y !== null && x !== undefined && y !== undefined) c = -c;
    return c || (b.errors - a.errors) || (a.i - b.i);
  }
  function cell(tr, text, cls) {
    const td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '—' : String(text);
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }
  function render() {
    const q = document.getElementById('filter').value.trim().toLowerCase();
    const shown = rows.filter((r) => !q || [r.file, r.kind, r.organization, r.number, r.published, r.format, diagText(r)].join(' ').toLowerCase().includes(q)).sort(cmp);
    tbody.textContent = '';
    for (const r of shown) {
      const tr = document.createElement('tr');
      const td = document.createElement('td');
      const a = document.createElement('a');
      a.href = r.href; a.textContent = r.file; td.appendChild(a); tr.appendChild(td);
      for (const k of ['kind', 'organization', 'number', 'published']) cell(tr, r[k]);
      for (const k of ['fields', 'exact', 'inferred', 'unknown', 'nulls']) cell(tr, r[k], 'num');
      cell(tr, Math.round(r.doubt * 100) + '%', 'num');
      cell(tr, r.changes, 'num');
      cell(tr, diagText(r), 'diags');
      tbody.appendChild(tr);
    }
    document.getElementById('shown').textContent = shown.length + ' of ' + rows.length + ' documents';
    for (const h of heads) h.className = h.dataset.key === sortKey ? (desc ? 'desc' : 'asc') : '';
  }
  for (const h of heads) h.addEventListener('click', () => {
    if (sortKey === h.dataset.key) desc = !desc; else { sortKey = h.dataset.key; desc = num.has(sortKey); }
    render();
  });
  document.getElementById('filter').addEventListener('input', render);
  render();
})();
