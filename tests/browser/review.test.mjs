// Browser tests of `pia-extract review` in Debian's headless Chromium (playwright-core, no
// browser download). Builds the review site of the bundled fixtures (seeds, PDFs, covers),
// then on every page: no console error, no request outside the site folder, one outlined
// box per located field and per located checkbox option, each PDF box at its field's or
// option's bbox; on a PDF page and a dump page: every located field and option reachable
// from the side list, the panel (an option's mark and certainty), the next-uncertain key, and
// a correction round trip whose downloaded key `pia-extract score` reads with exactly the
// corrected values wrong. Screenshots go to target/review-browser/.
//
// Usage: node review.test.mjs   (env PIA_BIN: the binary, default target/debug/pia-extract;
// CHROMIUM: the browser, default /usr/bin/chromium)
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = process.env.PIA_BIN || path.join(root, 'target/debug/pia-extract');
const out = path.join(root, 'target/review-browser');
const site = path.join(out, 'site');
const siteUrl = pathToFileURL(site).href + '/';
let failures = 0;
function check(ok, what) {
  if (ok) { console.log('ok   ' + what); } else { failures++; console.log('FAIL ' + what); }
}

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
const inputs = ['fixtures/seeds', 'fixtures/pdf', 'fixtures/covers'].map((p) => path.join(root, p));
execFileSync(bin, ['review', ...inputs, '-o', site], { stdio: 'inherit' });
const docs = fs.readdirSync(path.join(site, 'docs')).filter((f) => f.endsWith('.html')).sort();

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1500, height: 900 } });
const outside = [];
const errors = [];
// every request must stay inside the site folder (blob: is the key download)
await context.route('**/*', (route) => {
  const u = route.request().url();
  if (u.startsWith(siteUrl) || u.startsWith('blob:') || u.startsWith('data:')) return route.continue();
  outside.push(u);
  return route.abort();
});
function watch(page) {
  page.on('request', (r) => {
    const u = r.url();
    if (!(u.startsWith(siteUrl) || u.startsWith('blob:') || u.startsWith('data:'))) outside.push(u);
  });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(page.url() + ': ' + m.text()); });
  page.on('pageerror', (e) => errors.push(page.url() + ': ' + e.message));
  page.on('requestfailed', (r) => errors.push('request failed: ' + r.url()));
}
const page = await context.newPage();
watch(page);

// the index: one row per document, least certain first, filter
await page.goto(siteUrl + 'index.html');
const rows = await page.$$eval('#docs tbody tr', (trs) => trs.length);
check(rows === docs.length, `index lists every document (${rows} rows, ${docs.length} pages)`);
const doubts = await page.$$eval('#docs tbody tr td:nth-child(11)', (tds) => tds.map((t) => parseInt(t.textContent, 10)));
check(doubts.every((d, i) => i === 0 || doubts[i - 1] >= d), 'index: least certain first');
await page.fill('#filter', '.pdf');
const pdfRows = await page.$$eval('#docs tbody tr', (trs) => trs.map((t) => t.textContent));
check(pdfRows.length > 0 && pdfRows.every((t) => t.includes('.pdf')) && pdfRows.length < docs.length, `filter ".pdf" keeps ${pdfRows.length} rows`);
await page.fill('#filter', '');
await page.click('#docs th[data-key="fields"]');
const byFields = await page.$$eval('#docs tbody tr td:nth-child(6)', (tds) => tds.map((t) => parseInt(t.textContent, 10)));
check(byFields.every((d, i) => i === 0 || byFields[i - 1] >= d) && byFields[0] > byFields[byFields.length - 1], 'index: a click on "fields" sorts by it');
await page.click('#docs th[data-key="doubt"]');
await page.screenshot({ path: path.join(out, 'index.png') });

// every page: boxes = located fields, PDF boxes at their bbox
let pdfDoc = null, dumpDoc = null;
const totals = { pdfOpts: 0, lineOpts: 0 };
for (const d of docs) {
  await page.goto(siteUrl + 'docs/' + d);
  const r = await page.evaluate(() => {
    const rec = JSON.parse(document.getElementById('record').textContent);
    const located = rec.fields.filter((f) => f.at && (f.at.bbox || f.at.line));
    const options = rec.fields.flatMap((f) => f.type === 'checkboxes' ? f.options.map((o, k) => ({ f, k, o })) : []);
    const locOpts = options.filter(({ o }) => o.at && (o.at.bbox || o.at.line));
    const boxes = Array.from(document.querySelectorAll('.box[data-field]'));
    const byId = new Map(rec.fields.map((f) => [f.id, f]));
    let misplaced = 0, optRects = 0, badMarks = 0;
    for (const b of boxes.filter((b) => b.tagName === 'rect')) {
      const svg = b.ownerSVGElement, f = byId.get(b.dataset.field);
      // an option's box stands at the option's own location, a field's at the field's
      const opt = b.dataset.option === undefined ? null : f && f.options[+b.dataset.option];
      const at = opt ? opt.at : f && f.at;
      if (opt) optRects++;
      const x0 = +svg.dataset.x0, top = +svg.dataset.top;
      const got = [+b.getAttribute('x') + x0, top - +b.getAttribute('y') - +b.getAttribute('height'), +b.getAttribute('x') + x0 + +b.getAttribute('width'), top - +b.getAttribute('y')];
      const ok = f && at && at.bbox && +svg.dataset.page === at.page && got.every((v, i) => Math.abs(v - at.bbox[i]) < 0.02);
      if (!ok) misplaced++;
      if (opt) {
        // coloured by the option's certainty, its checked state beside it
        const cls = opt.checked === null ? 'c-null' : opt.certainty === 'exact' ? 'c-exact' : opt.certainty === 'inferred' ? 'c-inferred' : 'c-null';
        const mark = opt.checked === true ? '✓' : opt.checked === false ? '✗' : '?';
        const t = b.nextElementSibling;
        if (!b.classList.contains(cls) || !t || !t.textContent.startsWith(mark)) badMarks++;
      }
    }
    const ids = new Set(boxes.filter((b) => b.dataset.option === undefined).map((b) => b.dataset.field));
    const optIds = new Set(boxes.filter((b) => b.dataset.option !== undefined).map((b) => b.dataset.field + '#' + b.dataset.option));
    const optLines = boxes.filter((b) => b.tagName !== 'rect' && b.dataset.option !== undefined).filter((b) => {
      const o = byId.get(b.dataset.field).options[+b.dataset.option];
      return !o.at || b.closest('.ln').id !== 'L' + o.at.line || !b.closest('.ln').classList.contains('hl');
    }).length;
    return { format: rec.source.format, file: rec.source.file, fields: rec.fields.length, located: located.length, boxes: boxes.length,
      options: options.length, locOpts: locOpts.length, optRects, badMarks, optLines,
      unboxed: located.filter((f) => !ids.has(f.id)).length + locOpts.filter(({ f, k }) => !optIds.has(f.id + '#' + k)).length,
      misplaced, rects: boxes.filter((b) => b.tagName === 'rect').length,
      items: document.querySelectorAll('#fields li:not(.docfield):not(.opt)').length, optItems: document.querySelectorAll('#fields li.opt').length };
  });
  check(r.boxes === r.located + r.locOpts && r.unboxed === 0 && r.misplaced === 0 && r.badMarks === 0 && r.optLines === 0 && r.items === r.fields && r.optItems === r.options,
    `${d} ${r.file}: ${r.boxes} boxes for ${r.located} located of ${r.fields} fields + ${r.locOpts} located of ${r.options} options (${r.rects} on PDF pages, ${r.optRects} of options; ${r.misplaced} misplaced)`);
  if (r.format === 'pdf') { totals.pdfOpts += r.optRects; } else { totals.lineOpts += r.locOpts - r.optRects; }
  if (r.format === 'pdf' && r.rects > 0 && (!pdfDoc || r.file.includes('gen_a_zenkoumoku_r6.cairo'))) pdfDoc = d;
  if (r.file.endsWith('001_4659e5c1cf513e63.txt')) dumpDoc = d;
}

// every located field reachable from the side list; the panel; n; a correction round trip
async function exercise(doc, shot) {
  await page.goto(siteUrl + 'docs/' + doc);
  const rec = await page.evaluate(() => JSON.parse(document.getElementById('record').textContent));
  const rec0 = (id) => rec.fields.find((f) => f.id === id);
  const reach = await page.evaluate(() => {
    const rec = JSON.parse(document.getElementById('record').textContent);
    const ev = document.getElementById('evidence').getBoundingClientRect();
    let bad = [], opts = 0;
    for (const li of document.querySelectorAll('#fields li:not(.noloc)')) {
      li.click();
      const sel = document.querySelector('#evidence .box.sel');
      const r = sel && sel.getBoundingClientRect();
      const seen = r && r.bottom > ev.top && r.top < ev.bottom && r.right > ev.left && r.left < ev.right;
      let ok = sel && sel.dataset.field === li.dataset.field && seen && document.getElementById('panel-id').textContent === li.dataset.field;
      if (li.dataset.option !== undefined) {
        // an option: its own box, and the panel shows it
        opts++;
        const o = rec.fields.find((f) => f.id === li.dataset.field).options[+li.dataset.option];
        const label = document.getElementById('panel-option-label');
        ok = ok && sel.dataset.option === li.dataset.option && label && label.textContent === o.label &&
          document.getElementById('panel-option-certainty').textContent === o.certainty;
      } else {
        ok = ok && sel.dataset.option === undefined;
      }
      if (!ok) bad.push(li.dataset.field + (li.dataset.option !== undefined ? '#' + li.dataset.option : ''));
    }
    return { located: rec.fields.filter((f) => f.at && (f.at.bbox || f.at.line)).length, opts, bad };
  });
  check(reach.located > 0 && reach.opts > 0 && reach.bad.length === 0,
    `${doc}: all ${reach.located} located fields and ${reach.opts} located options reachable from the side list (unreachable: ${reach.bad.slice(0, 5)})`);
  // an option clicked on the page: the panel shows it
  // (on a PDF page the mark beside the box: options read on one row share the row's box)
  const optBox = await page.$('#evidence .optmark[data-option]');
  if (optBox) {
    const [fid, k] = await optBox.evaluate((b) => [b.dataset.field, +b.dataset.option]);
    await optBox.click();
    const o = rec0(fid).options[k];
    const shownOpt = await page.evaluate(() => [document.getElementById('panel-id').textContent, (document.getElementById('panel-option-label') || {}).textContent,
      (document.getElementById('panel-option-checked') || {}).textContent]);
    const mark = o.checked === true ? '✓' : o.checked === false ? '✗' : '?';
    check(shownOpt[0] === fid && shownOpt[1] === o.label && shownOpt[2].startsWith(mark), `${doc}: a click on the box of ${fid} [${o.label}] shows the option (${shownOpt[2]})`);
    await page.screenshot({ path: path.join(out, shot.replace('.png', '-option.png')) });
  }
  const texts = rec.fields.filter((f) => f.type === 'text' && f.value && f.at);
  const choice = rec.fields.find((f) => f.type === 'choice' && f.value && f.options.length > 1);
  const boxes = rec.fields.find((f) => f.type === 'checkboxes' && f.options.some((o) => o.checked === false) && f.options.every((o) => o.checked !== null));
  // the panel of a field clicked in the side list
  const t0 = texts[0];
  await page.click(`#fields li[data-field="${t0.id}"]`);
  const shown = await page.evaluate(() => [document.getElementById('panel-id').textContent, document.getElementById('panel-value').textContent, document.getElementById('panel-certainty').textContent]);
  check(shown[0] === t0.id && shown[1] === t0.value && shown[2] === t0.certainty, `${doc}: panel shows ${t0.id} = ${t0.value.slice(0, 20)} (${t0.certainty})`);
  // n: the next null or inferred field
  await page.keyboard.press('n');
  const next = await page.evaluate(() => document.getElementById('panel-id').textContent);
  const nf = rec.fields.find((f) => f.id === next);
  check(nf && nf.certainty !== 'exact', `${doc}: n jumps to ${next} (${nf && nf.certainty})`);
  // corrections: confirm a text, correct a text, confirm a choice, flip one box of a group
  const corrected = [];
  await page.click(`#fields li[data-field="${texts[1].id}"]`);
  await page.click('#fix-confirm');
  await page.click(`#fields li[data-field="${texts[2].id}"]`);
  await page.fill('#fix-text', '訂正された値');
  await page.click('#fix-apply');
  const name = (f) => f.path.join('/') + ' ' + f.label;
  corrected.push(name(texts[2]));
  // a document value: corrected (the key's document entry then scores wrong)
  await page.click('#fields li[data-field="document.organization"]');
  await page.fill('#fix-text', '訂正された機関');
  await page.click('#fix-apply');
  corrected.push('document.organization');
  if (choice) {
    await page.click(`#fields li[data-field="${choice.id}"]`);
    await page.click('#fix-confirm');
  }
  if (boxes) {
    await page.click(`#fields li[data-field="${boxes.id}"]`);
    const o = boxes.options.find((o) => o.checked === false);
    await page.selectOption(`#fix-checks select[data-option="${o.label}"]`, 'true');
    await page.click('#fix-apply');
    corrected.push(name(boxes) + ' [' + o.label + ']');
  }
  await page.click(`#fields li[data-field="${texts[2].id}"]`);
  await page.screenshot({ path: path.join(out, shot) });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const keyPath = path.join(out, doc.replace('.html', '.key.json'));
  await download.saveAs(keyPath);
  const key = JSON.parse(fs.readFileSync(keyPath, 'utf8'));
  const entries = Object.keys(key.document).length + key.texts.length + key.choices.length + key.checks.length;
  const want = 3 + (choice ? 1 : 0) + (boxes ? boxes.options.length : 0);
  check(entries === want, `${doc}: the key holds the ${want} reviewed entries (${entries})`);
  // score the record (written by the run path) against the downloaded key
  const recPath = path.join(out, doc.replace('.html', '.record.json'));
  const src = path.isAbsolute(rec.source.file) ? rec.source.file : path.join(root, rec.source.file);
  try { execFileSync(bin, [src, '-q', '-o', recPath]); } catch (e) { /* exit 2: a record with an error diagnostic is still written */ }
  const scored = JSON.parse(execFileSync(bin, ['score', recPath, keyPath, '--json']).toString())[0];
  const wrong = scored.misses.map((m) => m.how + ' ' + m.entry);
  check(scored.all.total === want && scored.all.wrong === corrected.length && scored.misses.length === corrected.length && scored.misses.every((m) => m.how === 'wrong'),
    `${doc}: score reads the key: ${scored.all.right}/${scored.all.total} right, misses: ${wrong.join('; ')}`);
  const missed = scored.misses.map((m) => m.entry).sort();
  check(JSON.stringify(missed) === JSON.stringify(corrected.slice().sort()), `${doc}: the wrong entries are exactly the corrected ones (${corrected.join('; ')})`);
}
check(totals.pdfOpts > 0 && totals.lineOpts > 0, `checkbox options outlined: ${totals.pdfOpts} on PDF pages, ${totals.lineOpts} on dump lines`);
check(pdfDoc !== null, `a PDF page with boxes: ${pdfDoc}`);
check(dumpDoc !== null, `the dump page of seed 001: ${dumpDoc}`);
if (pdfDoc) await exercise(pdfDoc, 'pdf-page.png');
if (dumpDoc) await exercise(dumpDoc, 'dump-page.png');

// --against: a second version of seed 001 (one 部署 changed) reviewed against the first
{
  const v = path.join(out, 'versions');
  fs.mkdirSync(v, { recursive: true });
  const text = fs.readFileSync(path.join(root, 'fixtures/seeds/001_4659e5c1cf513e63.txt'), 'utf8');
  fs.writeFileSync(path.join(v, 'v1.txt'), text);
  fs.writeFileSync(path.join(v, 'v2.txt'), text.replace(' ①部署 財政局税務部課税管理課', ' ①部署 財政局税務部市民税課'));
  try { execFileSync(bin, [path.join(v, 'v1.txt'), '-q', '-o', path.join(v, 'old.jsonl')]); } catch (e) { /* exit 2 still writes */ }
  execFileSync(bin, ['review', path.join(v, 'v2.txt'), '--against', path.join(v, 'old.jsonl'), '-o', path.join(site, 'versions')], { stdio: 'inherit' });
  await page.goto(siteUrl + 'versions/docs/000000.html');
  await page.keyboard.press('c');
  const got = await page.evaluate(() => [document.getElementById('panel-id').textContent, (document.getElementById('panel-change') || {}).textContent || '',
    document.querySelectorAll('#fields li.changed').length]);
  check(got[0] === 'I/7/1' && got[1].includes('財政局税務部課税管理課') && got[2] === 1, `--against: c jumps to the changed field ${got[0]}, panel: ${got[1]}`);
  await page.screenshot({ path: path.join(out, 'changes-page.png') });
}

await browser.close();
check(outside.length === 0, `no request outside the site folder (${outside.slice(0, 3)})`);
check(errors.length === 0, `no console error (${errors.slice(0, 3)})`);
console.log(failures ? `${failures} check(s) failed` : 'all checks passed; screenshots in ' + out);
process.exit(failures ? 1 : 0);
