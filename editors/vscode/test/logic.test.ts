// Unit tests for src/logic.ts, run with Node's test runner (no VS Code needed).
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as logic from '../src/logic';

function probe(files: string[]): (file: string) => boolean {
    const set = new Set(files);
    return (file) => set.has(file);
}

describe('resolveServer', () => {
    const base = {
        extensionPath: '/ext',
        platform: 'linux',
        env: { PATH: '/usr/local/bin:/usr/bin' },
        workspaceFolder: '/notes',
        homeDir: '/home/sam',
    };

    it('uses an absolute cofnod.path when the file is there', () => {
        const r = logic.resolveServer({
            ...base,
            configuredPath: '/opt/cofnod/cofnod',
            isExecutable: probe(['/opt/cofnod/cofnod', '/ext/bin/cofnod', '/usr/bin/cofnod']),
        });
        assert.deepEqual([r.command, r.source, r.found], ['/opt/cofnod/cofnod', 'setting', true]);
    });

    it('reports a cofnod.path that does not exist, without falling back', () => {
        const r = logic.resolveServer({
            ...base,
            configuredPath: '  /opt/missing/cofnod ',
            isExecutable: probe(['/ext/bin/cofnod', '/usr/bin/cofnod']),
        });
        assert.deepEqual([r.command, r.source, r.found], ['/opt/missing/cofnod', 'setting', false]);
        assert.match(logic.notFoundMessage(r), /cofnod\.path.*\/opt\/missing\/cofnod/);
    });

    it('expands ~ and ${workspaceFolder}, and resolves relative paths against the folder', () => {
        const exec = probe(['/home/sam/bin/cofnod', '/notes/tools/cofnod']);
        assert.equal(logic.resolveServer({ ...base, configuredPath: '~/bin/cofnod', isExecutable: exec }).command, '/home/sam/bin/cofnod');
        assert.equal(
            logic.resolveServer({ ...base, configuredPath: '${workspaceFolder}/tools/cofnod', isExecutable: exec }).command,
            '/notes/tools/cofnod',
        );
        const rel = logic.resolveServer({ ...base, configuredPath: './tools/cofnod', isExecutable: exec });
        assert.deepEqual([rel.command, rel.found], ['/notes/tools/cofnod', true]);
        const noFolder = logic.resolveServer({ ...base, workspaceFolder: undefined, configuredPath: 'tools/cofnod', isExecutable: exec });
        assert.equal(noFolder.found, false);
    });

    it('looks a bare program name in cofnod.path up on PATH', () => {
        const r = logic.resolveServer({ ...base, configuredPath: 'cofnod-dev', isExecutable: probe(['/usr/bin/cofnod-dev']) });
        assert.deepEqual([r.command, r.source, r.found], ['/usr/bin/cofnod-dev', 'setting', true]);
    });

    it('prefers the bundled program when cofnod.path is empty', () => {
        const r = logic.resolveServer({ ...base, configuredPath: '', isExecutable: probe(['/ext/bin/cofnod', '/usr/bin/cofnod']) });
        assert.deepEqual([r.command, r.source, r.found], ['/ext/bin/cofnod', 'bundled', true]);
    });

    it('falls back to the first cofnod on PATH', () => {
        const r = logic.resolveServer({ ...base, isExecutable: probe(['/usr/bin/cofnod', '/usr/local/bin/nothing']) });
        assert.deepEqual([r.command, r.source, r.found], ['/usr/bin/cofnod', 'path', true]);
        assert.deepEqual(r.tried, ['/ext/bin/cofnod', '/usr/local/bin/cofnod', '/usr/bin/cofnod']);
    });

    it('says clearly when cofnod is nowhere', () => {
        const r = logic.resolveServer({ ...base, isExecutable: probe([]) });
        assert.deepEqual([r.command, r.source, r.found], ['cofnod', 'path', false]);
        assert.match(logic.notFoundMessage(r), /could not be found.*PATH.*cofnod\.path/);
    });

    it('never runs a program from the current folder through an empty PATH entry', () => {
        const r = logic.resolveServer({ ...base, env: { PATH: ':relative/bin:/usr/bin' }, isExecutable: probe(['cofnod', 'relative/bin/cofnod']) });
        assert.equal(r.found, false);
    });

    it('uses cofnod.exe, Path and PATHEXT-style names on Windows', () => {
        const win = {
            extensionPath: 'C:\\ext',
            platform: 'win32',
            env: { Path: 'C:\\Windows;"C:\\Program Files\\cofnod"' },
            workspaceFolder: 'C:\\notes',
            homeDir: 'C:\\Users\\sam',
        };
        const bundled = logic.resolveServer({ ...win, isExecutable: probe(['C:\\ext\\bin\\cofnod.exe']) });
        assert.deepEqual([bundled.command, bundled.source], ['C:\\ext\\bin\\cofnod.exe', 'bundled']);
        const onPath = logic.resolveServer({ ...win, isExecutable: probe(['C:\\Program Files\\cofnod\\cofnod.exe']) });
        assert.deepEqual([onPath.command, onPath.source, onPath.found], ['C:\\Program Files\\cofnod\\cofnod.exe', 'path', true]);
        const setting = logic.resolveServer({ ...win, configuredPath: 'D:\\tools\\cofnod', isExecutable: probe(['D:\\tools\\cofnod.exe']) });
        assert.deepEqual([setting.command, setting.found], ['D:\\tools\\cofnod.exe', true]);
    });
});

describe('shapeSettings', () => {
    it('gives the defaults for an empty configuration', () => {
        assert.deepEqual(logic.shapeSettings(() => undefined), {
            language: 'auto',
            debounceMs: 150,
            disable: [],
            severity: {},
            ruleFiles: [],
            ignore: [],
            trace: { server: 'off' },
            models: 'auto',
            modelsDir: '',
            maxFileSizeMB: 20,
        });
    });

    it('keeps valid values and cleans lists', () => {
        const raw: Record<string, unknown> = {
            language: 'cy',
            debounceMs: 300.4,
            disable: ['vague', ' vague ', '', 3, 'plain-language/commence'],
            severity: { vague: 'info', 'plain-language/signpost': 'Hint', rationale: 'loud', own: 'information' },
            ruleFiles: ['rules/ours.toml'],
            ignore: ['templates/**'],
            'trace.server': 'verbose',
            path: '/opt/cofnod',
            models: 'off',
            modelsDir: ' /srv/cofnod/models ',
            maxFileSizeMB: '50',
        };
        const s = logic.shapeSettings((k) => raw[k]);
        assert.deepEqual(s, {
            language: 'cy',
            debounceMs: 300,
            disable: ['vague', 'plain-language/commence'],
            severity: { vague: 'info', 'plain-language/signpost': 'hint', own: 'info' },
            ruleFiles: ['rules/ours.toml'],
            ignore: ['templates/**'],
            trace: { server: 'verbose' },
            models: 'off',
            modelsDir: '/srv/cofnod/models',
            maxFileSizeMB: 50,
        });
        assert.equal('path' in s, false, 'cofnod.path is for the client only');
    });

    it('replaces wrong values with defaults and clamps the delay', () => {
        const raw: Record<string, unknown> = {
            language: 'fr',
            debounceMs: -5,
            disable: 'vague',
            severity: ['vague'],
            'trace.server': 'loud',
            models: 'sometimes',
            modelsDir: 7,
            maxFileSizeMB: 'huge',
        };
        const s = logic.shapeSettings((k) => raw[k]);
        assert.equal(s.maxFileSizeMB, 20);
        assert.equal(logic.shapeSettings((k) => (k === 'maxFileSizeMB' ? 0 : undefined)).maxFileSizeMB, 1);
        assert.equal(s.models, 'auto');
        assert.equal(s.modelsDir, '');
        assert.equal(s.language, 'auto');
        assert.equal(s.debounceMs, 0);
        assert.deepEqual(s.disable, []);
        assert.deepEqual(s.severity, {});
        assert.equal(s.trace.server, 'off');
        assert.equal(logic.shapeSettings((k) => (k === 'debounceMs' ? 1e9 : undefined)).debounceMs, logic.MAX_DEBOUNCE_MS);
        assert.equal(logic.shapeSettings((k) => (k === 'debounceMs' ? NaN : undefined)).debounceMs, 150);
        assert.equal(logic.shapeSettings((k) => (k === 'debounceMs' ? '250' : undefined)).debounceMs, 250);
    });

    it('reads a workspace/configuration answer with trace nested or dotted', () => {
        const nested = logic.shapeSettings(logic.getterOf({ language: 'en', trace: { server: 'messages' }, path: 'x' }));
        assert.equal(nested.language, 'en');
        assert.equal(nested.trace.server, 'messages');
        const dotted = logic.shapeSettings(logic.getterOf({ 'trace.server': 'verbose' }));
        assert.equal(dotted.trace.server, 'verbose');
        assert.deepEqual(logic.shapeSettings(logic.getterOf(null)), logic.shapeSettings(() => undefined));
    });

    it('returns a fresh object, never the shared defaults', () => {
        const a = logic.shapeSettings(() => undefined);
        a.disable.push('vague');
        assert.deepEqual(logic.shapeSettings(() => undefined).disable, []);
        assert.deepEqual(logic.DEFAULT_SETTINGS.disable, []);
    });
});

describe('status bar', () => {
    it('formats language and count', () => {
        assert.equal(logic.formatStatusText({ language: 'cy', findings: 3 }), 'cofnod: CY · 3');
        assert.equal(logic.formatStatusText({ language: 'en', findings: 0 }), 'cofnod: EN · 0');
        assert.equal(logic.formatStatusText({ language: 'mixed', findings: 5 }), 'cofnod: EN+CY · 5');
        assert.equal(logic.formatStatusText({ language: 'unknown', findings: 0 }), 'cofnod: – · 0');
        assert.equal(logic.formatStatusText(undefined), 'cofnod: …');
    });

    it('explains itself in the tooltip', () => {
        assert.match(logic.formatStatusTooltip({ language: 'cy', findings: 1 }), /Welsh \(Cymraeg\).*1 suggestion for it \(1 finding\)/);
        assert.match(logic.formatStatusTooltip({ language: 'mixed', findings: 2 }), /English and Welsh.*2 suggestions/);
        assert.match(logic.formatStatusTooltip({ language: 'en', findings: 0 }), /no suggestions/);
        assert.match(logic.formatStatusTooltip({ language: 'en', findings: 0 }), /Problems view/);
        assert.match(logic.formatStatusTooltip(undefined), /not checked/);
        const big = { language: 'unknown' as const, findings: 0, notice: 'larger than 20 MB; not checked (cofnod.maxFileSizeMB)' };
        assert.match(logic.formatStatusTooltip(big), /this note is larger than 20 MB; not checked/);
        assert.equal(logic.formatStatusText(big), 'cofnod: – · 0 ⚠');
    });

    it('parses the cofnod/status notification defensively', () => {
        assert.deepEqual(logic.parseStatus({ uri: 'file:///n.md', language: 'cy', findings: 2 }), {
            uri: 'file:///n.md',
            language: 'cy',
            findings: 2,
        });
        assert.deepEqual(logic.parseStatus({ uri: 'file:///n.md', language: 'xx', findings: -1 }), {
            uri: 'file:///n.md',
            language: 'unknown',
            findings: 0,
        });
        assert.deepEqual(
            logic.parseStatus({ uri: 'file:///n.md', language: 'unknown', findings: 0, notice: 'larger than 20 MB; not checked' }),
            { uri: 'file:///n.md', language: 'unknown', findings: 0, notice: 'larger than 20 MB; not checked' },
        );
        assert.equal(logic.parseStatus({ language: 'en', findings: 1 }), undefined);
        assert.equal(logic.parseStatus(null), undefined);
        assert.equal(logic.parseStatus('file:///n.md'), undefined);
    });

    it('is shown for markdown and plain text notes only', () => {
        assert.equal(logic.isSupportedDocument('markdown', 'file'), true);
        assert.equal(logic.isSupportedDocument('plaintext', 'untitled'), true);
        assert.equal(logic.isSupportedDocument('rust', 'file'), false);
        assert.equal(logic.isSupportedDocument('markdown', 'git'), false);
        assert.equal(logic.isSupportedDocument('markdown', 'cofnod-explain'), false);
    });
});

describe('pickDiagnosticAt', () => {
    const range = (sl: number, sc: number, el: number, ec: number) => ({
        start: { line: sl, character: sc },
        end: { line: el, character: ec },
    });
    const d = (r: logic.RangeLike, code: logic.DiagnosticLike['code'], data?: unknown, source = 'cofnod') => ({
        range: r,
        code,
        data,
        source,
    });

    it('finds the cofnod diagnostic under the cursor, end included', () => {
        const hostile = d(range(6, 12, 6, 19), 'opinion-as-fact', { rule: 'opinion-as-fact/hostile' });
        assert.equal(logic.pickDiagnosticAt([hostile], { line: 6, character: 12 }), hostile);
        assert.equal(logic.pickDiagnosticAt([hostile], { line: 6, character: 19 }), hostile);
        assert.equal(logic.pickDiagnosticAt([hostile], { line: 6, character: 20 }), undefined);
        assert.equal(logic.pickDiagnosticAt([hostile], { line: 5, character: 15 }), undefined);
    });

    it('ignores other sources and prefers the smallest range that really covers the cursor', () => {
        const other = d(range(0, 0, 0, 3), 'MD013', undefined, 'markdownlint');
        const sentence = d(range(0, 0, 0, 40), 'rationale');
        const word = d(range(0, 10, 0, 20), 'plain-language', { rule: 'plain-language/liaise' });
        const before = d(range(0, 2, 0, 10), 'vague');
        assert.equal(logic.pickDiagnosticAt([other, sentence, word], { line: 0, character: 1 }), sentence);
        assert.equal(logic.pickDiagnosticAt([sentence, word], { line: 0, character: 15 }), word);
        // At 10 the cursor is at the end of `before` and inside `word`: `word` wins.
        assert.equal(logic.pickDiagnosticAt([sentence, before, word], { line: 0, character: 10 }), word);
    });

    it('handles multi-line ranges', () => {
        const para = d(range(2, 5, 4, 1), 'rationale');
        assert.equal(logic.pickDiagnosticAt([para], { line: 3, character: 80 }), para);
        assert.equal(logic.pickDiagnosticAt([para], { line: 2, character: 4 }), undefined);
    });

    it('takes the rule id from data.rule, else the code (a string or {value})', () => {
        assert.equal(logic.findingIdOf(d(range(0, 0, 0, 1), 'vague', { rule: 'vague/terrible-state' })), 'vague/terrible-state');
        assert.equal(logic.findingIdOf(d(range(0, 0, 0, 1), { value: 'own-words', target: 'https://x' })), 'own-words');
        assert.equal(logic.findingIdOf(d(range(0, 0, 0, 1), 'vague', { rule: '' })), 'vague');
        assert.equal(logic.findingIdOf(d(range(0, 0, 0, 1), undefined)), undefined);
        assert.equal(logic.findingLanguageOf(d(range(0, 0, 0, 1), 'vague', { lang: 'cy' })), 'cy');
        assert.equal(logic.findingLanguageOf(d(range(0, 0, 0, 1), 'vague', { lang: 'fr' })), undefined);
    });
});

describe('explain', () => {
    it('chooses the explanation language', () => {
        assert.equal(logic.explainLanguage('cy', 'en', 'en'), 'cy');
        assert.equal(logic.explainLanguage('auto', 'cy', 'en'), 'cy');
        assert.equal(logic.explainLanguage('auto', undefined, 'en'), 'en');
        assert.equal(logic.explainLanguage('auto', undefined, 'mixed'), undefined);
        assert.equal(logic.explainLanguage(undefined), undefined);
    });

    it('accepts category and rule ids only', () => {
        for (const id of logic.CATEGORY_IDS) {
            assert.ok(logic.isFindingId(id), id);
        }
        assert.ok(logic.isFindingId('plain-language/hwyluso'));
        assert.equal(logic.isFindingId(''), false);
        assert.equal(logic.isFindingId('two words'), false);
        assert.equal(logic.isFindingId('a/b/c'), false);
    });

    it('renders the server answer as a markdown document', () => {
        const md = logic.explanationMarkdown({ title: 'Vague wording', markdown: 'Describe what happened.\r\n' }, 'vague');
        assert.equal(
            md,
            '# Vague wording\n\nDescribe what happened.\n\n---\n\n*Check id: `vague` (for the `cofnod.disable` and `cofnod.severity` settings)*\n',
        );
        const withHeading = logic.explanationMarkdown({ title: 'x', markdown: '## Iaith glir\n\nTestun.' }, 'plain-language/hwyluso');
        assert.ok(withHeading.startsWith('## Iaith glir\n\nTestun.\n'));
        assert.match(withHeading, /Rule id: `plain-language\/hwyluso`/);
        assert.deepEqual(logic.parseExplanation({ title: 'T', markdown: 'M' }), { title: 'T', markdown: 'M' });
        assert.equal(logic.parseExplanation({ title: 'T' }), undefined);
        assert.equal(logic.explanationFileName('plain-language/commence', 'cy'), 'plain-language.commence.cy.md');
        assert.equal(logic.explanationFileName('vague'), 'vague.md');
    });

    it('offers the twelve categories', () => {
        assert.deepEqual(logic.CATEGORY_IDS, [
            'plain-language',
            'opinion-as-fact',
            'vague',
            'output-as-outcome',
            'own-words',
            'rationale',
            'outcome-score',
            'risk',
            'strengths',
            'voice',
            'analysis',
            'late-entry',
        ]);
    });
});

describe('check workspace', () => {
    it('summarises the result', () => {
        assert.equal(
            logic.formatCheckSummary({ files: 12, findings: 34, errors: 2 }, 'notes'),
            'cofnod checked 12 files in “notes”: 34 findings. 2 files could not be checked (see the Problems view).',
        );
        assert.equal(logic.formatCheckSummary({ files: 1, findings: 1, errors: 0 }), 'cofnod checked 1 file: 1 finding.');
        assert.equal(logic.formatCheckSummary({ files: 3, findings: 0, errors: 0 }), 'cofnod checked 3 files: no findings.');
        assert.deepEqual(logic.parseCheckResult({ files: 2, findings: 5 }), { files: 2, findings: 5, errors: 0 });
        assert.equal(logic.parseCheckResult({ files: 'two' }), undefined);
    });

    it('chooses the folder to check', () => {
        const a = { uri: 'file:///work/notes', name: 'notes' };
        const b = { uri: 'file:///work/notes-archive', name: 'notes-archive' };
        assert.equal(logic.chooseFolder([a], undefined), a);
        assert.equal(logic.chooseFolder([a, b], 'file:///work/notes-archive/2023/visit.md'), b);
        assert.equal(logic.chooseFolder([a, b], 'file:///work/notes/visit.md'), a);
        assert.equal(logic.chooseFolder([a, b], 'untitled:Untitled-1'), undefined);
        assert.equal(logic.chooseFolder([a, b], undefined), undefined);
        assert.equal(logic.chooseFolder([], 'file:///x.md'), undefined);
    });
});

describe('firstErrorLine', () => {
    it('finds the first line printed, without colour codes', () => {
        assert.equal(
            logic.firstErrorLine("\n\x1b[1m\x1b[31merror:\x1b[0m unrecognized subcommand 'lsp'\n\nUsage: cofnod <COMMAND>\n"),
            "error: unrecognized subcommand 'lsp'",
        );
        assert.equal(logic.firstErrorLine(''), undefined);
        assert.equal(logic.firstErrorLine('x'.repeat(400))?.length, 300);
    });
});

describe('parseSnippetArgs', () => {
  it('checks the snippet arguments of a code action before use', () => {
    const good = {
        uri: 'file:///notes/a.md',
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 11 } },
        snippet: 'Case closed because ${1:…}',
    };
    assert.deepEqual(logic.parseSnippetArgs(good), good);
    assert.equal(logic.parseSnippetArgs({ ...good, snippet: 3 }), undefined);
    assert.equal(logic.parseSnippetArgs({ ...good, range: { start: { line: 0 } } }), undefined);
    assert.equal(logic.parseSnippetArgs(undefined), undefined);
});
});
