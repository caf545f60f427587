// The VS Code extension end to end: cofnod's .vsix installed in code-server (VS Code
// 1.100 in a browser), the workbench driven by Debian's headless Chromium with
// playwright-core, by keyboard as a writer would use it. Run by scripts/e2e.sh, which
// installs code-server and the .vsix, starts it on a copy of test/e2e/notes, and passes:
//
//   COFNOD_E2E_URL          the workbench's address (http://127.0.0.1:PORT/?folder=...)
//   COFNOD_E2E_WORKSPACE    the folder of notes (a copy of test/e2e/notes)
//   COFNOD_E2E_EXTENSION    the installed extension's folder (its package.nls*.json)
//   COFNOD_E2E_CLI          a cofnod program for the reference findings (cofnod check)
//   COFNOD_E2E_NODE_MODULES where playwright-core is installed
//   COFNOD_E2E_OUT          where screenshots go (failure screenshots too)
//   COFNOD_E2E_LOCALE       the display language code-server was started with (en, cy)
//   COFNOD_SCREENSHOTS_DIR  if set, also copy the screenshots there (docs/)
//   CHROMIUM                the browser
//
// Prints a line per step, `ok N - name` or `not ok N - name` with the reason; the
// script counts them. Exits 1 if a step failed.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const env = (name, fallback) => {
    const value = process.env[name] ?? fallback;
    if (value === undefined) {
        console.error(`vscode.e2e.mjs: ${name} is not set (run scripts/e2e.sh)`);
        process.exit(2);
    }
    return value;
};
const URL = env('COFNOD_E2E_URL');
const WORKSPACE = env('COFNOD_E2E_WORKSPACE');
const EXTENSION = env('COFNOD_E2E_EXTENSION');
const CLI = env('COFNOD_E2E_CLI');
const OUT = env('COFNOD_E2E_OUT');
const LOCALE = env('COFNOD_E2E_LOCALE', 'en');
const SHOTS = process.env.COFNOD_SCREENSHOTS_DIR || '';
const require = createRequire(path.join(env('COFNOD_E2E_NODE_MODULES'), 'noop.js'));
const { chromium } = require('playwright-core');

// ---------------------------------------------------------------------------------------
// The notes (test/e2e/notes, copied into the workspace) and what the editor must show for them.

const EN = 'visit-en.txt';
const CY = 'ymweliad-cy.txt';
const MD = 'review.md';
const FIX_EN = 'fix-all-en.txt';
const FIX_CY = 'trwsio-cy.txt';
const NOTES = [EN, CY, MD, FIX_EN, FIX_CY];

/**
 * Findings the editor must show, [line, col, code, rule, message], checked against the
 * bundled program's `cofnod check` first; the Problems view must then list exactly what
 * `cofnod check` finds (so a new rule that fires on a note changes no expectation here).
 * Lines and columns are 1-based, as the Problems view shows them ([Ln 2, Col 9]); the
 * code is the finding's check (the Problems view's "cofnod(plain-language)"), the rule
 * id is in the hover.
 */
const KEY_FINDINGS = {
    [EN]: [
        [1, 13, 'opinion-as-fact', 'opinion-as-fact/hostile', '“hostile” is a judgement written as a fact. What did you see or hear?'],
        [2, 9, 'plain-language', 'plain-language/commence', '“commence” is jargon or officialese: the person this record is about may not know what it means.'],
    ],
    [CY]: [
        [2, 18, 'opinion-as-fact', 'opinion-as-fact/ymosodol', 'Barn wedi’i hysgrifennu fel ffaith yw “ymosodol”. Beth welsoch chi neu beth glywsoch chi?'],
    ],
    [MD]: [
        [5, 13, 'opinion-as-fact', 'opinion-as-fact/not-engaging', '“not engage” is a judgement written as a fact. What did you see or hear?'],
        [6, 18, 'plain-language', 'plain-language/commence', '“commence” is jargon or officialese: the person this record is about may not know what it means.'],
    ],
    [FIX_EN]: [
        [1, 9, 'plain-language', 'plain-language/commence', '“commence” is jargon or officialese: the person this record is about may not know what it means.'],
        [1, 46, 'plain-language', 'plain-language/signpost', '“signposted” is jargon or officialese: the person this record is about may not know what it means.'],
        [2, 13, 'opinion-as-fact', 'opinion-as-fact/hostile', '“hostile” is a judgement written as a fact. What did you see or hear?'],
        [2, 36, 'plain-language', 'plain-language/assist', '“assist” is jargon or officialese: the person this record is about may not know what it means.'],
    ],
    [FIX_CY]: [
        [1, 35, 'plain-language', 'plain-language/pecyn-gofal', 'Jargon neu iaith swyddogol yw “pecyn gofal”: efallai na fydd y person y mae’r cofnod amdano yn gwybod beth mae’n ei olygu.'],
        [1, 51, 'plain-language', 'plain-language/trydydd-sector', 'Jargon neu iaith swyddogol yw “trydydd sector”: efallai na fydd y person y mae’r cofnod amdano yn gwybod beth mae’n ei olygu.'],
        [2, 18, 'opinion-as-fact', 'opinion-as-fact/ymosodol', 'Barn wedi’i hysgrifennu fel ffaith yw “ymosodol”. Beth welsoch chi neu beth glywsoch chi?'],
        [2, 36, 'plain-language', 'plain-language/ot', 'Jargon neu iaith swyddogol yw “OT”: efallai na fydd y person y mae’r cofnod amdano yn gwybod beth mae’n ei olygu.'],
    ],
};
/** Lines that must have no finding (sentences cofnod has nothing to say about). */
const CLEAN_LINES = { [EN]: [3], [CY]: [3], [MD]: [1, 3], [FIX_EN]: [3], [FIX_CY]: [3] };

/**
 * The source action “Fix all plain-language findings in this note” (source.fixAll.cofnod)
 * on each of these notes: its title, in the note's language (not the display language's),
 * the note as saved after it (every plain-language finding's preferred fix taken; the
 * opinion-as-fact finding on line 2 left), and the word of that finding, which stays.
 */
const FIX_ALL = {
    [FIX_EN]: {
        lang: 'EN',
        title: 'Fix all plain-language findings in this note',
        after: [
            'We will start the visits and Mr Evans was given details of the carers centre.',
            'Mr Price is hostile and staff will help him with meals.',
            'Mrs Patel wants to stay at home with her dog.',
            '',
        ].join('\n'),
        stays: [2, 13, 'hostile'],
    },
    [FIX_CY]: {
        lang: 'CY',
        title: 'Trwsio pob canfyddiad iaith glir yn y nodyn hwn',
        after: [
            'Siaradon ni gyda Mrs Roberts am y gofal a chymorth a’r grwpiau gwirfoddol.',
            'Mae Mr Hughes yn ymosodol ac mae’r therapydd galwedigaethol yn dod ddydd Mawrth.',
            'Aeth Ffion i’r siop gyda’i chwaer ddydd Llun.',
            '',
        ].join('\n'),
        stays: [2, 18, 'ymosodol'],
    },
};

// ---------------------------------------------------------------------------------------
// Steps, reported as they finish

let stepNo = 0;
let failed = 0;
let stopped = '';
let page;
const screenshots = [];
const copied = [];

async function step(name, fn) {
    stepNo += 1;
    const n = stepNo;
    if (stopped) {
        console.log(`not ok ${n} - ${name}`);
        console.log(`  # not run: ${stopped}`);
        failed += 1;
        return;
    }
    const started = Date.now();
    try {
        notes.length = 0;
        await fn();
        console.log(`ok ${n} - ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        for (const line of notes) {
            console.log(`  # ${line}`);
        }
    } catch (err) {
        failed += 1;
        console.log(`not ok ${n} - ${name}`);
        // eslint-disable-next-line no-control-regex
        for (const line of String(err?.message ?? err).replace(/\u001b\[[0-9;]*m/g, '').split('\n')) {
            console.log(`  # ${line}`);
        }
        if (page) {
            const file = path.join(OUT, `failure-${LOCALE}-${n}.png`);
            try {
                await page.screenshot({ path: file });
                console.log(`  # screenshot: ${file}`);
            } catch (e) {
                console.log(`  # no screenshot: ${e.message}`);
            }
        }
        if (err?.fatal) {
            stopped = `step ${n} (${name}) failed`;
        }
    }
}

/** A comment under the step's line (not counted). */
function note(text) {
    notes.push(text);
}
const notes = [];

class Fatal extends Error {
    constructor(message) {
        super(message);
        this.fatal = true;
    }
}

/**
 * Polls `probe` until it returns { ok: true }; throws, naming `what` and what was last
 * seen, after `timeout` ms. `probe` may throw (a missing element): that counts as not yet.
 */
async function waitFor(what, probe, timeout = 15000, interval = 150) {
    const deadline = Date.now() + timeout;
    let seen = 'nothing';
    for (;;) {
        try {
            const r = await probe();
            if (r.ok) {
                return r.value;
            }
            seen = r.seen ?? seen;
        } catch (err) {
            seen = `error: ${err.message.split('\n')[0]}`;
        }
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}\n  last seen: ${seen}`);
        }
        await new Promise((r) => setTimeout(r, interval));
    }
}

/**
 * Saves a screenshot, vscode-e2e-NAME.png (NAME-LOCALE.png in another display language), and
 * copies it to COFNOD_SCREENSHOTS_DIR if set and `docs` is true for this display language.
 */
async function shot(name, docs = LOCALE === 'en') {
    const file = path.join(OUT, `vscode-e2e-${name}${LOCALE === 'en' ? '' : `-${LOCALE}`}.png`);
    await page.screenshot({ path: file });
    screenshots.push(file);
    if (SHOTS && docs) {
        fs.mkdirSync(SHOTS, { recursive: true });
        fs.copyFileSync(file, path.join(SHOTS, path.basename(file)));
        copied.push(path.basename(file));
    }
}

// ---------------------------------------------------------------------------------------
// The workbench, read from its DOM

const visible = (selector) => `${selector}:visible`;

async function statusBarText() {
    return (await page.locator('.statusbar-item[id$="cofnod.status"]').first().textContent({ timeout: 1000 }))?.trim() ?? '';
}

/** The status bar item's accessible label: the first line of its tooltip. */
async function statusBarLabel() {
    return page.evaluate(() => {
        const item = document.querySelector('.statusbar-item[id$="cofnod.status"]');
        const labelled = item?.getAttribute('aria-label') ? item : item?.querySelector('[aria-label]');
        return labelled?.getAttribute('aria-label') ?? '';
    });
}

async function selectionText() {
    return (await page.locator('#status\\.editor\\.selection').first().textContent({ timeout: 1000 }))?.trim() ?? '';
}

async function activeTab() {
    return (await page.locator('.editor-group-container.active .tab.active .label-name').first().textContent({ timeout: 1000 }))?.trim() ?? '';
}

/** Opens a note by name with Quick Open (Ctrl+P), and waits for its tab. */
async function openNote(name) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+P');
    const input = page.locator(visible('.quick-input-widget input'));
    await input.waitFor({ timeout: 5000 });
    await input.fill(name);
    await waitFor(`Quick Open to list ${name}`, async () => {
        const first = (await page.locator(visible('.quick-input-widget .monaco-list-row')).first().getAttribute('aria-label', { timeout: 500 })) ?? '';
        return { ok: first.includes(name), seen: `first row "${first}"` };
    });
    await page.keyboard.press('Enter');
    await waitFor(`the editor tab of ${name}`, async () => {
        const tab = await activeTab();
        return { ok: tab === name, seen: `active tab "${tab}"` };
    });
    await focusEditor();
}

/** Puts the cursor at line:col (1-based) with Go to Line (Ctrl+G). */
async function goTo(line, col) {
    await page.keyboard.press('Control+G');
    const input = page.locator(visible('.quick-input-widget input'));
    await input.waitFor({ timeout: 5000 });
    await input.fill(`:${line}:${col}`);
    await page.keyboard.press('Enter');
    await waitFor(`the cursor at ${line}:${col}`, async () => {
        const sel = await selectionText();
        const m = sel.match(/(\d+)\D+(\d+)/);
        return { ok: !!m && Number(m[1]) === line && Number(m[2]) === col, seen: `status bar "${sel}"` };
    }, 5000);
}

/** Shows the Problems view, filtered to one file (the filter takes a file name). */
async function showProblemsOf(file) {
    if (!(await page.locator(visible('.markers-panel')).count())) {
        await page.keyboard.press('Control+Shift+M');
        await page.locator(visible('.markers-panel')).waitFor({ timeout: 5000 });
    }
    const filter = page.locator(visible('.panel .viewpane-filter input'));
    await filter.fill(file);
    await focusEditor();
}

/** Gives the keyboard back to the note's editor: a click on its tab (the cursor stays where it is). */
async function focusEditor() {
    await page.locator('.part.editor .editor-group-container.active .tab.active').first().click({ timeout: 5000 });
    await waitFor('the keyboard focus in the editor', async () => {
        const focused = await page.evaluate(() => !!document.activeElement?.closest('.part.editor .monaco-editor'));
        return { ok: focused, seen: 'the focus elsewhere' };
    }, 5000);
}

/** The rows of the Problems view: { file, severity, message, source, code, line, col }. */
async function readProblems() {
    return page.evaluate(() => {
        const rows = [...document.querySelectorAll('.markers-panel .monaco-list-row')];
        rows.sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index));
        const out = [];
        let file = '';
        for (const row of rows) {
            if (row.getAttribute('aria-level') === '1') {
                file = row.querySelector('.label-name')?.textContent?.trim() ?? '';
                continue;
            }
            const text = (sel) => row.querySelector(sel)?.textContent?.trim() ?? '';
            const icon = row.querySelector('.marker-icon')?.className ?? '';
            const m = text('.marker-line').match(/(\d+)\D+(\d+)/);
            out.push({
                file,
                severity: ['error', 'warning', 'info'].find((s) => icon.split(/\s+/).includes(s)) ?? icon,
                message: text('.marker-message'),
                source: text('.marker-source'),
                code: text('.marker-code'),
                line: m ? Number(m[1]) : 0,
                col: m ? Number(m[2]) : 0,
            });
        }
        return out;
    });
}

/**
 * Waits until the Problems view lists exactly `expected` ([line, col, code, rule, message,
 * severity]) for `file`, in that order. A row's code may be the finding's check (what
 * cofnod sends today) or its rule id.
 */
async function expectProblems(file, expected) {
    await showProblemsOf(file);
    const want = expected
        .map(([line, col, code, rule, message, severity]) => `[Ln ${line}, Col ${col}] ${severity} ${code} (or ${rule}) ${message}`)
        .join('\n');
    return waitFor(`the Problems view to list for ${file}, in this order:\n${want}`, async () => {
        const rows = (await readProblems()).filter((p) => p.file === file && p.source === 'cofnod');
        const ok =
            rows.length === expected.length &&
            rows.every((p, i) => {
                const [line, col, code, rule, message, severity] = expected[i];
                return (
                    p.line === line && p.col === col && (p.code === code || p.code === rule) && p.message === message && p.severity === severity
                );
            });
        const got = rows.map((p) => `[Ln ${p.line}, Col ${p.col}] ${p.severity} ${p.code} ${p.message}`).join('\n');
        return { ok, value: rows, seen: `\n${got || '(no rows)'}` };
    }, 20000);
}

/**
 * The lines of the active editor as it draws them: text, top and bottom, and the squiggles
 * (kind: info, warning, error, hint) with their left and right edges, in page pixels.
 */
async function editorLines() {
    return page.evaluate(() => {
        const editor = document.querySelector('.part.editor .editor-group-container.active .monaco-editor');
        if (!editor) {
            return [];
        }
        const top = (el) => parseFloat(el.style.top || '0');
        const numbers = new Map();
        for (const div of editor.querySelectorAll('.margin-view-overlays > div')) {
            const n = Number(div.querySelector('.line-numbers')?.textContent);
            if (n) numbers.set(top(div), n);
        }
        const lines = new Map();
        for (const div of editor.querySelectorAll('.view-lines > .view-line')) {
            const n = numbers.get(top(div));
            if (!n) continue;
            const r = div.getBoundingClientRect();
            lines.set(n, { line: n, text: div.textContent.replace(/\u00a0/g, ' '), top: r.top, bottom: r.bottom, squiggles: [] });
        }
        for (const div of editor.querySelectorAll('.view-overlays > div')) {
            const n = numbers.get(top(div));
            if (!n || !lines.has(n)) continue;
            for (const s of div.querySelectorAll('[class*="squiggly-"]')) {
                const kind = [...s.classList].find((c) => c.startsWith('squiggly-')).slice('squiggly-'.length);
                const r = s.getBoundingClientRect();
                lines.get(n).squiggles.push({ kind, left: r.left, right: r.right });
            }
        }
        return [...lines.values()].sort((a, b) => a.line - b.line);
    });
}

/** Where the editor draws characters [col, col + length) of a line (1-based col), in page pixels. */
async function textBox(line, col, length) {
    return page.evaluate(
        ({ line, col, length }) => {
            const editor = document.querySelector('.part.editor .editor-group-container.active .monaco-editor');
            const top = (el) => parseFloat(el.style.top || '0');
            let lineTop;
            for (const div of editor.querySelectorAll('.margin-view-overlays > div')) {
                if (Number(div.querySelector('.line-numbers')?.textContent) === line) lineTop = top(div);
            }
            const view = [...editor.querySelectorAll('.view-lines > .view-line')].find((d) => top(d) === lineTop);
            if (!view) return undefined;
            const walker = document.createTreeWalker(view, NodeFilter.SHOW_TEXT);
            const range = document.createRange();
            let offset = 0;
            let start = col - 1;
            let end = col - 1 + length;
            let started = false;
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const len = node.textContent.length;
                if (!started && start < offset + len) {
                    range.setStart(node, start - offset);
                    started = true;
                }
                if (started && end <= offset + len) {
                    range.setEnd(node, end - offset);
                    const r = range.getBoundingClientRect();
                    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, text: range.toString() };
                }
                offset += len;
            }
            return undefined;
        },
        { line, col, length },
    );
}

/** Waits for a squiggle of `kind` drawn exactly under `word` at line:col. */
async function expectSquiggle(line, col, word, kind) {
    return waitFor(`a ${kind} squiggle under “${word}” at ${line}:${col}`, async () => {
        const box = await textBox(line, col, word.length);
        if (!box || box.text !== word) {
            return { ok: false, seen: `the text at ${line}:${col} is “${box?.text}”` };
        }
        const lines = await editorLines();
        const squiggles = lines.find((l) => l.line === line)?.squiggles ?? [];
        const match = squiggles.find((s) => s.kind === kind && Math.abs(s.left - box.left) <= 2 && Math.abs(s.right - box.right) <= 2);
        const seen = `word at x ${box.left.toFixed(0)}–${box.right.toFixed(0)}; squiggles on line ${line}: ${
            squiggles.map((s) => `${s.kind} ${s.left.toFixed(0)}–${s.right.toFixed(0)}`).join(', ') || 'none'
        }`;
        return { ok: !!match, value: box, seen };
    }, 10000);
}

async function expectNoSquiggleOn(line) {
    const lines = await editorLines();
    const l = lines.find((x) => x.line === line);
    if (!l) {
        throw new Error(`line ${line} is not drawn in the editor`);
    }
    if (l.squiggles.length) {
        throw new Error(`line ${line} (“${l.text}”) should have no squiggle, but has ${l.squiggles.map((s) => s.kind).join(', ')}`);
    }
}

/** Hovers over a word and waits for a hover holding every one of `texts`; returns its text. */
async function hover(line, col, word, texts) {
    await page.mouse.move(5, 5);
    await page.locator(visible('.monaco-hover')).first().waitFor({ state: 'hidden', timeout: 3000 }).catch(() => {});
    const box = await textBox(line, col, word.length);
    if (!box || box.text !== word) {
        throw new Error(`“${word}” is not at ${line}:${col} (found “${box?.text}”)`);
    }
    const x = (box.left + box.right) / 2;
    const y = (box.top + box.bottom) / 2;
    await page.mouse.move(x - 3, y);
    await page.mouse.move(x, y, { steps: 3 });
    return waitFor(`a hover over “${word}” showing ${texts.map((t) => `“${t}”`).join(' and ')}`, async () => {
        const hovers = await page.locator(visible('.monaco-hover')).allTextContents();
        const text = hovers.join(' ¦ ').replace(/\s+/g, ' ');
        return { ok: texts.every((t) => text.includes(t)), value: text, seen: text.slice(0, 400) || 'no hover' };
    }, 8000);
}

/** Runs a command from the Command Palette (F1): types `title`, waits for it to be the first row, Enter. */
async function runCommand(title) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator(visible('.quick-input-widget input'));
    await input.waitFor({ timeout: 5000 });
    await input.fill(`>${title}`);
    await waitFor(`“${title}” first in the Command Palette`, async () => {
        const first = (await page.locator(visible('.quick-input-widget .monaco-list-row')).first().getAttribute('aria-label', { timeout: 500 })) ?? '';
        return { ok: first.startsWith(title), seen: `first row “${first}”` };
    }, 5000);
    await page.keyboard.press('Enter');
    await page.locator(visible('.quick-input-widget')).waitFor({ state: 'hidden', timeout: 5000 });
}

/**
 * Waits for the code action menu (the one Ctrl+. and “Source Action...” open), moves to the
 * item labelled `label` with the arrow keys and takes it with Enter. `shotName`: a
 * screenshot of the open menu first. Returns the menu's labels.
 */
async function pickAction(what, label, shotName) {
    const rows = page.locator(visible('.action-widget .monaco-list-row.action'));
    const items = await waitFor(`the ${what} menu with “${label}”`, async () => {
        const items = await rows.evaluateAll((els) => els.map((e) => ({ label: e.getAttribute('aria-label'), focused: e.classList.contains('focused') })));
        return { ok: items.some((i) => i.label === label), value: items, seen: items.map((i) => `“${i.label}”`).join(', ') || 'no menu' };
    }, 8000);
    if (shotName) {
        await shot(shotName, false);
    }
    const target = items.findIndex((i) => i.label === label);
    let focused = Math.max(0, items.findIndex((i) => i.focused));
    for (; focused < target; focused++) await page.keyboard.press('ArrowDown');
    for (; focused > target; focused--) await page.keyboard.press('ArrowUp');
    await waitFor(`“${label}” selected in the ${what} menu`, async () => {
        const now = await rows.evaluateAll((els) => els.filter((e) => e.classList.contains('focused')).map((e) => e.getAttribute('aria-label')));
        return { ok: now.length === 1 && now[0] === label, seen: `selected: ${now.map((l) => `“${l}”`).join(', ') || 'none'}` };
    }, 3000);
    await page.keyboard.press('Enter');
    await page.locator(visible('.action-widget')).waitFor({ state: 'hidden', timeout: 5000 });
    return items.map((i) => i.label);
}

/** The reference findings: the bundled program's `cofnod check`, as the Problems view lists them. */
function cliFindings(file) {
    const run = spawnSync(CLI, ['check', '--no-config', '--models', 'off', '--format', 'json', file], { cwd: WORKSPACE, encoding: 'utf8' });
    if (run.error || ![0, 1].includes(run.status)) {
        throw new Error(`${CLI} check ${file} failed (status ${run.status}): ${run.error?.message ?? run.stderr}`);
    }
    const report = JSON.parse(run.stdout);
    return report.files[0].findings
        .filter((f) => f.severity !== 'hint')
        .map((f) => ({ line: f.start.line, col: f.start.column, severity: f.severity, code: f.category, rule: f.rule, message: f.message }))
        .sort((a, b) => a.line - b.line || a.col - b.col);
}

/** Checks that `cofnod check` finds the key findings in a note, and nothing on its clean lines. */
function checkReference(file, cli) {
    for (const [line, col, code, rule, message] of KEY_FINDINGS[file]) {
        const f = cli.find((x) => x.line === line && x.col === col);
        if (!f || f.code !== code || (rule && f.rule !== rule) || f.message !== message) {
            throw new Error(
                `cofnod check ${file} does not report ${rule ?? code} at ${line}:${col} (“${message}”); it reports:\n` +
                    cli.map((x) => `  ${x.line}:${x.col} ${x.rule} ${x.message}`).join('\n'),
            );
        }
    }
    for (const line of CLEAN_LINES[file]) {
        const f = cli.find((x) => x.line === line);
        if (f) {
            throw new Error(`cofnod check ${file} flags line ${line}, which should have no finding: ${f.rule} at ${f.line}:${f.col}`);
        }
    }
}

/**
 * What the Problems view lists for these findings, in its order: errors, then warnings,
 * then information, each by position; [line, col, code, rule, message, severity].
 */
function asProblems(findings) {
    const order = { error: 0, warning: 1, info: 2 };
    return [...findings]
        .sort((a, b) => order[a.severity] - order[b.severity] || a.line - b.line || a.col - b.col)
        .map((f) => [f.line, f.col, f.code, f.rule, f.message, f.severity]);
}

// ---------------------------------------------------------------------------------------
// The extension's own strings in this display language (package.nls.LOCALE.json)

function commandTitles() {
    const manifest = JSON.parse(fs.readFileSync(path.join(EXTENSION, 'package.json'), 'utf8'));
    const read = (name) => {
        try {
            return JSON.parse(fs.readFileSync(path.join(EXTENSION, name), 'utf8'));
        } catch {
            return {};
        }
    };
    const base = read('package.nls.json');
    const local = LOCALE === 'en' ? {} : read(`package.nls.${LOCALE}.json`);
    const resolve = (s) => {
        const m = /^%(.+)%$/.exec(s ?? '');
        if (!m) return s;
        const v = local[m[1]] ?? base[m[1]];
        return typeof v === 'string' ? v : v?.message ?? s;
    };
    const titles = {};
    for (const c of manifest.contributes.commands) {
        titles[c.command] = `${resolve(c.category)}: ${resolve(c.title)}`;
    }
    return titles;
}

/** A message of the extension's own (vscode.l10n.t) in this display language: l10n/bundle.l10n.LOCALE.json. */
function translate(message) {
    if (LOCALE === 'en') {
        return message;
    }
    try {
        const bundle = JSON.parse(fs.readFileSync(path.join(EXTENSION, 'l10n', `bundle.l10n.${LOCALE}.json`), 'utf8'));
        const v = bundle[message];
        return typeof v === 'string' ? v : v?.message ?? message;
    } catch {
        return message;
    }
}

// ---------------------------------------------------------------------------------------
// The test

async function main() {
    fs.mkdirSync(OUT, { recursive: true });
    const browser = await chromium.launch({
        executablePath: env('CHROMIUM'),
        args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', `--lang=${LOCALE === 'en' ? 'en-GB' : LOCALE}`],
    });
    const context = await browser.newContext({ viewport: { width: 1200, height: 760 }, locale: LOCALE === 'en' ? 'en-GB' : LOCALE });
    page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));

    const titles = commandTitles();
    // What the Problems view must list for each note: all that cofnod check finds.
    const reference = {};
    let enExpected = [];

    await step(`the workbench opens the workspace (display language ${LOCALE})`, async () => {
        try {
            await page.goto(URL, { timeout: 30000 });
            await page.locator('.monaco-workbench').waitFor({ timeout: 30000 });
            await waitFor('the Explorer to list the notes', async () => {
                const names = await page.locator('.explorer-folders-view .label-name').allTextContents();
                return { ok: NOTES.every((n) => names.includes(n)), seen: names.join(', ') || 'no files' };
            }, 30000);
        } catch (err) {
            throw new Fatal(err.message);
        }
    });

    await step(`the reference: the bundled program's \`cofnod check\` reports the key findings, and none on the clean lines`, async () => {
        try {
            for (const file of NOTES) {
                reference[file] = cliFindings(file);
            }
        } catch (err) {
            throw new Fatal(err.message);
        }
        enExpected = reference[EN];
        const problems = [];
        for (const file of NOTES) {
            try {
                checkReference(file, reference[file]);
            } catch (err) {
                problems.push(err.message);
            }
        }
        if (problems.length) {
            throw new Error(`${problems.join('\n')}\n(the test notes or KEY_FINDINGS need updating, or a rule changed)`);
        }
        note(Object.entries(reference).map(([file, f]) => `${file}: ${f.length}`).join(', ') + ' findings');
    });

    await step(`an English note: the Problems view lists cofnod's findings with their codes and positions (${EN})`, async () => {
        try {
            await openNote(EN);
        } catch (err) {
            throw new Fatal(err.message);
        }
        await expectProblems(EN, asProblems(enExpected));
    });

    await step('the squiggles are under the flagged words, and the sentence with nothing to flag has none', async () => {
        await expectSquiggle(1, 13, 'hostile', 'warning');
        await expectSquiggle(2, 9, 'commence', 'info');
        await expectSquiggle(1, 29, 'signposted', 'info');
        for (const line of CLEAN_LINES[EN]) {
            await expectNoSquiggleOn(line);
        }
    });

    await step(`the status bar shows the note's language and its number of findings${LOCALE === 'en' ? '' : `, its tooltip in ${LOCALE}`}`, async () => {
        const want = `cofnod: EN · ${enExpected.length}`;
        await waitFor(`the status bar to show “${want}”`, async () => {
            const text = await statusBarText();
            return { ok: text === want, seen: `“${text}”` };
        });
        // Its tooltip's first line, read out by screen readers, in the display language.
        const sentence = translate('This note is in English.');
        const label = await waitFor(`the status bar item's label to start “${sentence}”`, async () => {
            const label = await statusBarLabel();
            return { ok: label.startsWith(sentence), value: label, seen: `“${label}”` };
        }, 5000);
        note(`status bar: “${await statusBarText()}”, label “${label}”`);
    });

    await step('the hover on a flagged word shows its message and rule id', async () => {
        await hover(2, 9, 'commence', ['“commence” is jargon or officialese', 'plain-language/commence']);
        await shot('diagnostics');
    });

    await step('a quick fix (Ctrl+. then Enter on “Replace with “start””) rewrites the note, and the finding goes', async () => {
        await page.mouse.move(5, 5);
        await goTo(2, 9);
        await page.keyboard.press('Control+.');
        const items = await waitFor('the quick fix menu', async () => {
            const rows = page.locator(visible('.action-widget .monaco-list-row.action'));
            const labels = await rows.evaluateAll((els) => els.map((e) => ({ label: e.getAttribute('aria-label'), focused: e.classList.contains('focused') })));
            return { ok: labels.length > 0, value: labels, seen: 'no menu' };
        }, 8000);
        const target = items.findIndex((i) => i.label === 'Replace with “start”');
        if (target < 0) {
            throw new Error(`the quick fix menu has no “Replace with “start””: ${items.map((i) => `“${i.label}”`).join(', ')}`);
        }
        await shot('quick-fix');
        let focused = items.findIndex((i) => i.focused);
        for (; focused < target; focused++) await page.keyboard.press('ArrowDown');
        for (; focused > target; focused--) await page.keyboard.press('ArrowUp');
        await page.keyboard.press('Enter');
        await page.locator(visible('.action-widget')).waitFor({ state: 'hidden', timeout: 5000 });
        await page.keyboard.press('Control+S');
        const want = [
            'Mr Price is hostile and was signposted to the MDT.',
            'We will start the visits on Monday.',
            'Mrs Jones told me she wants to stay at home with her cat.',
            '',
        ].join('\n');
        await waitFor('the note saved with “commence” replaced by “start”', async () => {
            const text = fs.readFileSync(path.join(WORKSPACE, EN), 'utf8');
            return { ok: text === want, seen: JSON.stringify(text) };
        }, 8000);
        // Checked again: the “commence” finding is gone, the others stay.
        const after = enExpected.filter((f) => !(f.line === 2 && f.col === 9));
        await expectProblems(EN, asProblems(after));
        const wantStatus = `cofnod: EN · ${after.length}`;
        await waitFor(`the status bar to show “${wantStatus}”`, async () => {
            const text = await statusBarText();
            return { ok: text === wantStatus, seen: `“${text}”` };
        });
    });

    await step(`a Welsh note: Welsh messages, with their codes and positions (${CY})`, async () => {
        const expected = reference[CY];
        await openNote(CY);
        await expectProblems(CY, asProblems(expected));
        await expectSquiggle(2, 18, 'ymosodol', 'warning');
        for (const line of CLEAN_LINES[CY]) {
            await expectNoSquiggleOn(line);
        }
        const want = `cofnod: CY · ${expected.length}`;
        await waitFor(`the status bar to show “${want}”`, async () => {
            const text = await statusBarText();
            return { ok: text === want, seen: `“${text}”` };
        });
        await hover(2, 18, 'ymosodol', ['Barn wedi’i hysgrifennu fel ffaith yw “ymosodol”', 'opinion-as-fact/ymosodol']);
        await shot('welsh');
        await page.mouse.move(5, 5);
    });

    await step(`a Markdown note is checked too (${MD})`, async () => {
        const expected = reference[MD];
        await openNote(MD);
        await expectProblems(MD, asProblems(expected));
        await expectSquiggle(6, 18, 'commence', 'info');
        for (const line of CLEAN_LINES[MD]) {
            await expectNoSquiggleOn(line);
        }
        const want = `cofnod: EN · ${expected.length}`;
        await waitFor(`the status bar to show “${want}”`, async () => {
            const text = await statusBarText();
            return { ok: text === want, seen: `“${text}”` };
        });
    });

    // “Fix all plain-language findings in this note”: by keyboard, F1 “Source Action...”,
    // the item picked by its title (in the note's language), then Ctrl+S.
    for (const file of [FIX_EN, FIX_CY]) {
        const { lang, title, after, stays } = FIX_ALL[file];
        await step(`“${title}” (F1, “Source Action...”, then Ctrl+S) takes every plain-language fix in one go; the other finding stays (${file})`, async () => {
            const before = reference[file];
            const plain = before.filter((f) => f.code === 'plain-language');
            const left = before.filter((f) => f.code !== 'plain-language');
            if (plain.length < 2 || !left.length) {
                throw new Error(`${file} should have two plain-language findings or more and another one; cofnod check finds ${before.map((f) => f.rule).join(', ')}`);
            }
            await openNote(file);
            await expectProblems(file, asProblems(before));
            const wantBefore = `cofnod: ${lang} · ${before.length}`;
            await waitFor(`the status bar to show “${wantBefore}”`, async () => {
                const text = await statusBarText();
                return { ok: text === wantBefore, seen: `“${text}”` };
            });
            // The cursor on the clean last line: the action is the whole note's, wherever it is.
            await goTo(3, 1);
            await runCommand('Source Action...');
            const labels = await pickAction('source action', title, LOCALE === 'en' && file === FIX_EN ? 'fix-all' : '');
            note(`source actions: ${labels.map((l) => `“${l}”`).join(', ')}`);
            await page.keyboard.press('Control+S');
            await waitFor(`${file} saved with every plain-language finding fixed:\n${after}`, async () => {
                const text = fs.readFileSync(path.join(WORKSPACE, file), 'utf8');
                return { ok: text === after, seen: JSON.stringify(text) };
            }, 8000);
            // What cofnod check finds in the saved note: the other findings, where they were.
            const now = cliFindings(file);
            const key = (f) => `${f.line}:${f.col} ${f.rule}`;
            if (now.map(key).join(', ') !== left.map(key).join(', ')) {
                throw new Error(`cofnod check on the saved ${file} should find only ${left.map(key).join(', ')}; it finds ${now.map(key).join(', ') || 'nothing'}`);
            }
            await expectProblems(file, asProblems(now));
            const want = `cofnod: ${lang} · ${now.length}`;
            await waitFor(`the status bar to show “${want}”`, async () => {
                const text = await statusBarText();
                return { ok: text === want, seen: `“${text}”` };
            });
            // The editor's squiggles: the one under the finding that stays, and no other (hints
            // aside, as in the reference).
            const [line, col, word] = stays;
            await expectSquiggle(line, col, word, 'warning');
            await waitFor(`no squiggle in ${file} but the warning under “${word}”`, async () => {
                const lines = await editorLines();
                const all = lines.flatMap((l) => l.squiggles.filter((s) => s.kind !== 'hint').map((s) => `${l.line}: ${s.kind}`));
                return { ok: all.length === 1 && all[0] === `${line}: warning`, seen: all.join(', ') || 'no squiggles' };
            }, 5000);
            note(`status bar: “${await statusBarText()}”`);
        });
    }

    await step(`the Command Palette (F1, “cofnod”) lists the extension's commands${LOCALE === 'en' ? '' : ` in ${LOCALE}`}`, async () => {
        await page.keyboard.press('Escape');
        await page.keyboard.press('F1');
        const input = page.locator(visible('.quick-input-widget input'));
        await input.waitFor({ timeout: 5000 });
        await input.fill('>cofnod');
        const want = Object.values(titles).sort();
        const got = await waitFor(`the Command Palette to list ${want.map((t) => `“${t}”`).join(', ')}`, async () => {
            const labels = await page.locator(visible('.quick-input-widget .monaco-list-row')).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
            const got = labels.map((l) => l.split(/, /)[0]);
            return { ok: want.every((t) => got.includes(t)), value: got, seen: got.join(' | ') };
        }, 8000);
        note(`commands: ${got.filter((t) => want.includes(t)).join(' | ')}`);
        await shot('palette', LOCALE !== 'en');
        await page.keyboard.press('Escape');
    });

    await step('“Explain a finding” on a Welsh finding opens its explanation, in Welsh, beside the note', async () => {
        await openNote(CY);
        await goTo(2, 18);
        await page.keyboard.press('F1');
        const input = page.locator(visible('.quick-input-widget input'));
        await input.waitFor({ timeout: 5000 });
        const title = titles['cofnod.explain'];
        await input.fill(`>${title}`);
        await waitFor(`“${title}” first in the Command Palette`, async () => {
            const first = (await page.locator(visible('.quick-input-widget .monaco-list-row')).first().getAttribute('aria-label', { timeout: 500 })) ?? '';
            return { ok: first.startsWith(title), seen: first };
        }, 5000);
        await page.keyboard.press('Enter');
        await waitFor('a preview tab of the explanation of opinion-as-fact/ymosodol in Welsh', async () => {
            const tabs = await page.locator('.tab .label-name').allTextContents();
            return { ok: tabs.some((t) => t.includes('opinion-as-fact.ymosodol.cy')), seen: tabs.join(', ') };
        }, 10000);
        // The preview is a webview: its text is in a frame of its own (not the workbench's).
        const want = ['opinion-as-fact', 'Barn wedi’i hysgrifennu fel ffaith', 'Pam mae’n bwysig'];
        const text = await waitFor(`the preview to show ${want.map((t) => `“${t}”`).join(', ')}`, async () => {
            const seen = [];
            for (const frame of page.frames()) {
                if (frame === page.mainFrame()) continue;
                const text = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
                if (want.every((t) => text.includes(t))) {
                    return { ok: true, value: text };
                }
                if (text.trim()) seen.push(text.trim().slice(0, 80).replace(/\s+/g, ' '));
            }
            return { ok: false, seen: seen.join(' ¦ ') || 'no text in any frame' };
        }, 10000);
        note(`explanation: “${text.trim().split('\n')[0].slice(0, 100)}”`);
    });

    await step('no uncaught errors in the workbench page', async () => {
        if (pageErrors.length) {
            throw new Error(pageErrors.slice(0, 5).join('\n'));
        }
    });

    await browser.close();
    if (screenshots.length) {
        console.log(`# screenshots: ${screenshots.join(' ')}`);
    }
    if (copied.length) {
        console.log(`# copied to ${SHOTS}: ${copied.join(' ')}`);
    }
    console.log(`# ${stepNo} steps, ${failed} failed (display language ${LOCALE})`);
    process.exit(failed ? 1 : 0);
}

main().catch((err) => {
    console.log(`not ok ${stepNo + 1} - the test ran to its end`);
    console.log(`  # ${err.stack ?? err}`);
    process.exit(1);
});
