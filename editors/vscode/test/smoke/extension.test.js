// Smoke test of the bundled extension: runs out/smoke/extension.js (built by `npm test`
// from src/extension.ts, vscode-languageclient included) under a fake `vscode` module,
// against a mock `cofnod lsp` speaking the real protocol over stdio.
'use strict';
const { describe, it, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');
const { createFakeVscode } = require('./fake-vscode');

const root = path.resolve(__dirname, '..', '..');
const bundle = path.join(root, 'out', 'smoke', 'extension.js');
const skip = process.platform === 'win32' ? 'the mock server is started through a shell script' : false;

let fake;
const load = Module._load;
Module._load = function (request, ...rest) {
    return request === 'vscode' ? fake.vscode : load.call(this, request, ...rest);
};

// When a server dies at once, vscode-languageclient 9 leaves rejected promises behind
// (a write to the closed pipe, a stop() while starting). The extension host only logs
// those; this test does the same instead of letting the test runner fail the file.
const stray = [];
function logStrayRejections() {
    process.removeAllListeners('unhandledRejection');
    process.on('unhandledRejection', (err) => stray.push(String(err)));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what, check, ms = 10000) {
    const end = Date.now() + ms;
    while (Date.now() < end) {
        if (check()) {
            return;
        }
        await sleep(20);
    }
    assert.fail(`timed out waiting for ${what}`);
}

let tmp;
function script(name, body) {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return file;
}

function serverLog() {
    const file = process.env.MOCK_LOG;
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
}

/** Loads a fresh copy of the bundle and activates it with the given settings and note. */
async function activate(settings, document = {}) {
    fs.writeFileSync(process.env.MOCK_LOG, '');
    fake = createFakeVscode({
        settings: {
            'cofnod.path': '',
            'cofnod.language': 'auto',
            'cofnod.debounceMs': 150,
            'cofnod.disable': [],
            'cofnod.severity': {},
            'cofnod.ruleFiles': [],
            'cofnod.ignore': [],
            'cofnod.trace.server': 'off',
            ...settings,
        },
        document: { path: path.join(tmp, 'notes', 'visit.md'), languageId: 'markdown', ...document },
        cursor: { line: 0, character: 14 },
        folder: path.join(tmp, 'notes'),
    });
    delete require.cache[bundle];
    const extension = require(bundle);
    const context = {
        subscriptions: [],
        extensionPath: path.join(tmp, 'extension'),
        extensionUri: fake.Uri.file(path.join(tmp, 'extension')),
        globalState: { get() {}, update: async () => undefined },
        workspaceState: { get() {}, update: async () => undefined },
        asAbsolutePath: (p) => path.join(tmp, 'extension', p),
    };
    active.push(extension);
    await extension.activate(context);
    return { extension, state: fake.state };
}

// The extensions activated by the current test. A test that fails before its own
// deactivate() would leave its server running and keep the test runner from exiting.
const active = [];

describe('the bundled extension', { skip }, () => {
    let mock;

    before(() => {
        logStrayRejections();
        assert.ok(fs.existsSync(bundle), `${bundle} is built by npm test`);
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cofnod-vscode-'));
        fs.mkdirSync(path.join(tmp, 'notes'));
        fs.mkdirSync(path.join(tmp, 'extension'));
        process.env.MOCK_LOG = path.join(tmp, 'server.log');
        mock = script('cofnod-mock', `exec "${process.execPath}" "${path.join(__dirname, 'mock-server.js')}" "$@"`);
    });

    afterEach(async () => {
        for (const extension of active.splice(0)) {
            try {
                await extension.deactivate();
            } catch {
                // Already stopped.
            }
        }
    });

    after(async () => {
        fs.rmSync(tmp, { recursive: true, force: true });
        await sleep(100);
        const unexpected = stray.filter((e) => !/EPIPE|ERR_STREAM_DESTROYED|after a stream was destroyed|can't be stopped/.test(e));
        assert.deepEqual(unexpected, [], 'only the known vscode-languageclient leftovers');
    });

    it('starts cofnod lsp, sends the settings and shows the status', async () => {
        const { extension, state } = await activate({
            'cofnod.path': mock,
            'cofnod.debounceMs': 99.6,
            'cofnod.disable': ['vague', 'vague', 7],
            'cofnod.severity': { rationale: 'hint', vague: 'loud' },
            'cofnod.ignore': ['templates/**'],
        });
        await waitFor('the status bar', () => state.statusItem.text === 'cofnod: EN+CY · 1');
        assert.equal(state.statusItem.visible, true);
        assert.equal(state.statusItem.command, 'workbench.actions.view.problems');
        assert.match(state.statusItem.tooltip, /English and Welsh/);

        const expected = {
            language: 'auto',
            debounceMs: 100,
            disable: ['vague'],
            severity: { rationale: 'hint' },
            ruleFiles: [],
            ignore: ['templates/**'],
            trace: { server: 'off' },
            models: 'auto',
            modelsDir: '',
            maxFileSizeMB: 20,
        };
        await waitFor('workspace/configuration', () => serverLog().some((m) => m.configurationAnswer));
        const log = serverLog();
        const init = log.find((m) => m.method === 'initialize').params;
        // At start the client also says it inserts templates as snippets.
        assert.deepEqual(init.initializationOptions, { ...expected, clientSnippets: true });
        assert.equal(init.trace, 'off');
        assert.deepEqual(log.find((m) => m.configurationAnswer).configurationAnswer, [expected]);
        assert.equal(log.find((m) => m.method === 'textDocument/didOpen').params.textDocument.languageId, 'markdown');

        // vscode-languageclient registers the server's commands; ours are distinct.
        for (const id of ['cofnod.server.checkWorkspace', 'cofnod.server.explain', 'cofnod.checkWorkspace', 'cofnod.explain', 'cofnod.restartServer', 'cofnod.showOutput', 'cofnod.insertSnippet']) {
            assert.ok(state.commands.has(id), id);
        }
        assert.deepEqual(state.messages, []);
        await extension.deactivate();
        const methods = () => serverLog().map((m) => m.method).filter(Boolean);
        await waitFor('exit', () => methods().includes('exit'));
        assert.deepEqual(methods().slice(-2), ['shutdown', 'exit']);
    });

    it('explains the finding under the cursor in a read-only markdown preview', async () => {
        const { extension, state } = await activate({ 'cofnod.path': mock, 'cofnod.language': 'cy' });
        await waitFor('the status bar', () => state.statusItem.text === 'cofnod: EN+CY · 1');
        await state.commands.get('cofnod.explain')();
        const sent = serverLog().filter((m) => m.method === 'workspace/executeCommand').map((m) => m.params);
        assert.deepEqual(sent, [{ command: 'cofnod.server.explain', arguments: ['opinion-as-fact/hostile', 'cy'] }]);
        const preview = state.executed.find((e) => e[0] === 'markdown.showPreviewToSide');
        assert.equal(preview[1], 'cofnod-explain:/opinion-as-fact.hostile.cy.md');
        const text = state.contentProviders.get('cofnod-explain').provideTextDocumentContent(fake.Uri.parse(preview[1]));
        assert.match(text, /^# Title of opinion-as-fact\/hostile\n\nExplanation of opinion-as-fact\/hostile in cy\./);
        await extension.deactivate();
    });

    it('asks which check to explain when there is no finding under the cursor', async () => {
        const { extension, state } = await activate({ 'cofnod.path': mock });
        await waitFor('the status bar', () => state.statusItem.text === 'cofnod: EN+CY · 1');
        const editor = Object.getOwnPropertyDescriptor(fake.vscode.window, 'activeTextEditor');
        Object.defineProperty(fake.vscode.window, 'activeTextEditor', {
            get: () => ({ ...editor.get(), selection: { active: new fake.vscode.Position(3, 0) } }),
        });
        await state.commands.get('cofnod.explain')();
        assert.equal(state.quickPicks.length, 1);
        assert.deepEqual(
            state.quickPicks[0].items.map((i) => i.label),
            ['plain-language', 'opinion-as-fact', 'vague', 'output-as-outcome', 'own-words', 'rationale', 'outcome-score', 'risk', 'strengths', 'voice', 'analysis', 'late-entry'],
        );
        const sent = serverLog().filter((m) => m.method === 'workspace/executeCommand').map((m) => m.params);
        // A bilingual note and language "auto": the server chooses the language.
        assert.deepEqual(sent, [{ command: 'cofnod.server.explain', arguments: ['plain-language'] }]);
        await extension.deactivate();
    });

    it('checks the workspace folder and reports the totals', async () => {
        const { extension, state } = await activate({ 'cofnod.path': mock });
        await waitFor('the status bar', () => state.statusItem.text === 'cofnod: EN+CY · 1');
        await state.commands.get('cofnod.checkWorkspace')();
        const sent = serverLog().filter((m) => m.method === 'workspace/executeCommand').map((m) => m.params);
        assert.deepEqual(sent, [{ command: 'cofnod.server.checkWorkspace', arguments: [fake.Uri.file(path.join(tmp, 'notes')).toString()] }]);
        assert.deepEqual(state.messages, [
            {
                kind: 'info',
                text: 'cofnod checked 4 files in “notes”: 25 findings. 1 file could not be checked (see the Problems view).',
                buttons: ['Show Problems'],
            },
        ]);
        await extension.deactivate();
    });

    it('restarts the server on request', async () => {
        const { extension, state } = await activate({ 'cofnod.path': mock });
        await waitFor('the status bar', () => state.statusItem.text === 'cofnod: EN+CY · 1');
        await state.commands.get('cofnod.restartServer')();
        await waitFor('the status bar', () => state.statusItem.text === 'cofnod: EN+CY · 1');
        assert.equal(serverLog().filter((m) => m.method === 'initialize').length, 2);
        await extension.deactivate();
    });

    it('says clearly when cofnod.path points nowhere', async () => {
        const { extension, state } = await activate({ 'cofnod.path': path.join(tmp, 'missing', 'cofnod') });
        assert.equal(state.messages.length, 1);
        assert.equal(state.messages[0].kind, 'error');
        assert.match(state.messages[0].text, /"cofnod\.path" \(.*missing\/cofnod\) could not be found/);
        assert.deepEqual(state.messages[0].buttons, ['Open Settings', 'Show Output']);
        assert.equal(state.statusItem.text, '$(warning) cofnod');
        assert.equal(state.statusItem.command, 'cofnod.showOutput');
        await extension.deactivate();
    });

    it('uses the bundled bin/cofnod, and says why it stopped when it cannot serve', async () => {
        // A cofnod from before the language server: `lsp` is not one of its commands.
        const bin = path.join(tmp, 'extension', 'bin');
        fs.mkdirSync(bin, { recursive: true });
        fs.writeFileSync(path.join(bin, 'cofnod'), "#!/bin/sh\necho \"error: unrecognized subcommand '$1'\" >&2\nexit 2\n", { mode: 0o644 });
        const { extension, state } = await activate({});
        await waitFor('the error', () => state.messages.some((m) => m.text.startsWith('cofnod: the language server')));
        const ours = state.messages.find((m) => m.text.startsWith('cofnod: the language server'));
        assert.match(ours.text, /bin\/cofnod lsp\) could not start: error: unrecognized subcommand 'lsp'/);
        // The bundled program had lost its executable bit, as it can in a .vsix.
        assert.ok(fs.statSync(path.join(bin, 'cofnod')).mode & 0o100);
        assert.equal(state.statusItem.text, '$(warning) cofnod');
        await extension.deactivate();
        fs.rmSync(bin, { recursive: true });
    });

    it('hides the status bar for other kinds of file', async () => {
        const { extension, state } = await activate({ 'cofnod.path': mock }, { path: path.join(tmp, 'notes', 'main.rs'), languageId: 'rust' });
        await sleep(200);
        assert.equal(state.statusItem.visible, false);
        await extension.deactivate();
    });
});
