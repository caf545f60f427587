// Just enough of the `vscode` API to run the bundled extension, vscode-languageclient
// included, under plain Node. What the extension does to VS Code (messages, status bar,
// commands, previews) is recorded in `state` for the smoke test to check.
'use strict';
const path = require('path');

class Disposable {
    constructor(fn) {
        this.fn = fn;
    }
    dispose() {
        this.fn?.();
        this.fn = undefined;
    }
    static from(...items) {
        return new Disposable(() => items.forEach((d) => d?.dispose?.()));
    }
}

class EventEmitter {
    constructor() {
        this.listeners = [];
        this.event = (listener) => {
            this.listeners.push(listener);
            return new Disposable(() => {
                this.listeners = this.listeners.filter((l) => l !== listener);
            });
        };
    }
    fire(e) {
        [...this.listeners].forEach((l) => l(e));
    }
    dispose() {
        this.listeners = [];
    }
}

class CancellationTokenSource {
    constructor() {
        this.emitter = new EventEmitter();
        this.token = { isCancellationRequested: false, onCancellationRequested: this.emitter.event };
    }
    cancel() {
        this.token.isCancellationRequested = true;
        this.emitter.fire();
    }
    dispose() {}
}

class Uri {
    constructor(scheme, authority, p, query, fragment) {
        Object.assign(this, { scheme, authority: authority || '', path: p || '', query: query || '', fragment: fragment || '' });
    }
    get fsPath() {
        return this.path;
    }
    toString() {
        const authority = this.scheme === 'file' || this.authority ? '//' + this.authority : '';
        return `${this.scheme}:${authority}${encodeURI(this.path)}${this.query ? '?' + this.query : ''}`;
    }
    toJSON() {
        return this.toString();
    }
    with(change) {
        return new Uri(
            change.scheme ?? this.scheme,
            change.authority ?? this.authority,
            change.path ?? this.path,
            change.query ?? this.query,
            change.fragment ?? this.fragment,
        );
    }
    static file(p) {
        return new Uri('file', '', p);
    }
    static parse(s) {
        const m = /^([a-zA-Z][\w+.-]*):(\/\/[^/?#]*)?([^?#]*)(\?[^#]*)?/.exec(s);
        if (!m) {
            throw new Error(`not a URI: ${s}`);
        }
        return new Uri(m[1], (m[2] || '').slice(2), decodeURI(m[3]), (m[4] || '').slice(1));
    }
    static from(c) {
        return new Uri(c.scheme, c.authority, c.path, c.query, c.fragment);
    }
    static joinPath(u, ...parts) {
        return u.with({ path: path.posix.join(u.path, ...parts) });
    }
}

class Position {
    constructor(line, character) {
        this.line = line;
        this.character = character;
    }
}

class Range {
    constructor(a, b, c, d) {
        if (typeof a === 'number') {
            this.start = new Position(a, b);
            this.end = new Position(c, d);
        } else {
            this.start = a;
            this.end = b;
        }
    }
}

class Diagnostic {
    constructor(range, message, severity) {
        Object.assign(this, { range, message, severity });
    }
}

class ThemeColor {
    constructor(id) {
        this.id = id;
    }
}

/** A stand-in class for any API class the test does not care about; its statics are their names. */
function anyClass(name) {
    return new Proxy(
        class {
            constructor(...args) {
                this.fakeClass = name;
                this.args = args;
            }
        },
        { get: (t, p) => (p in t ? Reflect.get(t, p) : typeof p === 'string' ? p : undefined) },
    );
}

/**
 * @param {object} opts
 * @param {Record<string, unknown>} opts.settings  `cofnod.*` settings
 * @param {{path: string, languageId: string, text?: string}} opts.document  the active note
 * @param {{line: number, character: number}} opts.cursor
 * @param {string} opts.folder  the workspace folder
 */
function createFakeVscode(opts) {
    const state = {
        messages: [],
        executed: [],
        commands: new Map(),
        statusItem: undefined,
        contentProviders: new Map(),
        quickPicks: [],
        output: [],
        unstubbed: new Set(),
    };
    const folderUri = Uri.file(opts.folder);
    const folder = { uri: folderUri, name: path.basename(opts.folder), index: 0 };
    const doc = {
        uri: Uri.file(opts.document.path),
        fileName: opts.document.path,
        languageId: opts.document.languageId,
        version: 1,
        isClosed: false,
        isUntitled: false,
        isDirty: false,
        eol: 1,
        lineCount: 1,
        getText: () => opts.document.text ?? 'Mr Price is hostile.\n',
    };
    const collections = new Map();
    const listen = () => () => new Disposable();

    function namespace(name, known) {
        return new Proxy(known, {
            get(t, p) {
                if (p in t) {
                    return t[p];
                }
                if (typeof p !== 'string') {
                    return undefined;
                }
                return () => {
                    state.unstubbed.add(`${name}.${p}`);
                    return new Disposable();
                };
            },
        });
    }

    function configuration(section) {
        return {
            get(key, fallback) {
                const full = section ? `${section}.${key}` : key;
                if (full in opts.settings) {
                    return opts.settings[full];
                }
                // A whole section: { language, ..., trace: { server } }.
                const prefix = full + '.';
                const entries = Object.entries(opts.settings).filter(([k]) => k.startsWith(prefix));
                if (entries.length === 0) {
                    return fallback;
                }
                const out = {};
                for (const [k, v] of entries) {
                    const parts = k.slice(prefix.length).split('.');
                    let cursor = out;
                    for (const part of parts.slice(0, -1)) {
                        cursor = cursor[part] = cursor[part] || {};
                    }
                    cursor[parts[parts.length - 1]] = v;
                }
                return out;
            },
            has: (key) => `${section}.${key}` in opts.settings,
            inspect: () => undefined,
            update: async () => undefined,
        };
    }

    const vscode = {
        Uri,
        Position,
        Range,
        Diagnostic,
        Disposable,
        EventEmitter,
        CancellationTokenSource,
        ThemeColor,
        StatusBarAlignment: { Left: 1, Right: 2 },
        DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
        ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
        ViewColumn: { Active: -1, Beside: -2, One: 1 },
        version: '1.85.0',
        env: { language: 'en', appName: 'Fake Code', machineId: 'x', sessionId: 'y', uiKind: 1 },
        window: namespace('window', {
            createOutputChannel: (name) => ({
                name,
                append: (s) => state.output.push(s),
                appendLine: (s) => state.output.push(s),
                replace() {},
                clear() {},
                show() {
                    state.executed.push(['output.show']);
                },
                hide() {},
                dispose() {},
            }),
            createStatusBarItem: (id) => {
                const item = {
                    id,
                    visible: false,
                    show() {
                        item.visible = true;
                    },
                    hide() {
                        item.visible = false;
                    },
                    dispose() {},
                };
                state.statusItem = item;
                return item;
            },
            get activeTextEditor() {
                return { document: doc, selection: { active: new Position(opts.cursor.line, opts.cursor.character) } };
            },
            visibleTextEditors: [],
            showErrorMessage: async (m, ...b) => void state.messages.push({ kind: 'error', text: m, buttons: b }),
            showWarningMessage: async (m, ...b) => void state.messages.push({ kind: 'warning', text: m, buttons: b }),
            showInformationMessage: async (m, ...b) => void state.messages.push({ kind: 'info', text: m, buttons: b }),
            showWorkspaceFolderPick: async () => folder,
            withProgress: (_options, task) =>
                task({ report() {} }, { isCancellationRequested: false, onCancellationRequested: () => new Disposable() }),
            createQuickPick: () => {
                const accept = new EventEmitter();
                const hide = new EventEmitter();
                const value = new EventEmitter();
                const pick = {
                    items: [],
                    selectedItems: [],
                    value: '',
                    onDidAccept: accept.event,
                    onDidHide: hide.event,
                    onDidChangeValue: value.event,
                    // The test's user takes the first item as soon as the pick is shown.
                    show() {
                        state.quickPicks.push(pick);
                        setImmediate(() => {
                            pick.selectedItems = [pick.items[0]];
                            accept.fire();
                        });
                    },
                    dispose() {},
                };
                return pick;
            },
            onDidChangeActiveTextEditor: listen(),
            onDidChangeVisibleTextEditors: listen(),
            tabGroups: { all: [], onDidChangeTabs: listen() },
        }),
        workspace: namespace('workspace', {
            getConfiguration: (section) => configuration(section),
            workspaceFolders: [folder],
            getWorkspaceFolder: () => folder,
            textDocuments: [doc],
            notebookDocuments: [],
            registerTextDocumentContentProvider: (scheme, provider) => {
                state.contentProviders.set(scheme, provider);
                return new Disposable();
            },
            openTextDocument: async (uri) => ({
                uri,
                getText: () => state.contentProviders.get(uri.scheme).provideTextDocumentContent(uri),
            }),
            onDidOpenTextDocument: listen(),
            onDidCloseTextDocument: listen(),
            onDidChangeTextDocument: listen(),
            onDidSaveTextDocument: listen(),
            onWillSaveTextDocument: listen(),
            onDidChangeConfiguration: listen(),
            onDidChangeWorkspaceFolders: listen(),
            createFileSystemWatcher: () => ({
                onDidCreate: listen(),
                onDidChange: listen(),
                onDidDelete: listen(),
                dispose() {},
            }),
        }),
        languages: namespace('languages', {
            match: (selector, d) =>
                (Array.isArray(selector) ? selector : [selector]).some(
                    (s) => (!s.language || s.language === d.languageId) && (!s.scheme || s.scheme === d.uri.scheme),
                )
                    ? 10
                    : 0,
            createDiagnosticCollection: (name) => {
                const map = new Map();
                collections.set(name, map);
                return {
                    name,
                    set: (uri, diagnostics) => {
                        if (Array.isArray(uri)) {
                            uri.forEach(([u, d]) => map.set(u.toString(), d));
                        } else {
                            map.set(uri.toString(), diagnostics);
                        }
                    },
                    get: (uri) => map.get(uri.toString()),
                    delete: (uri) => map.delete(uri.toString()),
                    clear: () => map.clear(),
                    forEach: (f) => map.forEach((v, k) => f(Uri.parse(k), v)),
                    dispose: () => collections.delete(name),
                };
            },
            getDiagnostics: (uri) => [...collections.values()].flatMap((m) => m.get(uri.toString()) ?? []),
        }),
        commands: namespace('commands', {
            registerCommand: (id, fn) => {
                if (state.commands.has(id)) {
                    throw new Error(`command '${id}' already exists`);
                }
                state.commands.set(id, fn);
                return new Disposable(() => state.commands.delete(id));
            },
            executeCommand: async (id, ...args) => {
                state.executed.push([id, ...args.map(String)]);
                return state.commands.get(id)?.(...args);
            },
        }),
        extensions: namespace('extensions', { all: [], getExtension: () => undefined, onDidChange: listen() }),
        // Like VS Code's with no translation bundle: the English message, arguments filled in.
        l10n: {
            t: (s, ...args) =>
                (typeof s === 'string' ? s : s.message).replace(/\{(\d+)\}/g, (whole, i) => (i < args.length ? String(args[i]) : whole)),
        },
    };

    const root = new Proxy(vscode, {
        get(t, p) {
            if (p in t) {
                return t[p];
            }
            if (typeof p !== 'string' || p === 'then' || p === '__esModule' || p === 'default') {
                return undefined;
            }
            return (t[p] = anyClass(p));
        },
    });
    return { vscode: root, state, Uri, document: doc };
}

module.exports = { createFakeVscode };
