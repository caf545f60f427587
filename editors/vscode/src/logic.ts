/**
 * The parts of the extension that do not need VS Code: finding the cofnod program, the
 * status bar text, the settings sent to the server, the finding under the cursor.
 *
 * This module must not import `vscode`: its unit tests (test/logic.test.ts) run under
 * plain Node, without a VS Code download.
 */
import * as nodePath from 'path';

// ---------------------------------------------------------------------------------------
// Documents and categories

/** The language ids the server checks (files `*.md` and `*.txt`). */
export const SUPPORTED_LANGUAGE_IDS: readonly string[] = ['markdown', 'plaintext'];

/** Saved files and new, unsaved notes. Other schemes (git, output, our explanations) are not checked. */
export const SUPPORTED_SCHEMES: readonly string[] = ['file', 'untitled'];

export function isSupportedDocument(languageId: string, scheme: string): boolean {
    return SUPPORTED_LANGUAGE_IDS.includes(languageId) && SUPPORTED_SCHEMES.includes(scheme);
}

export interface Category {
    id: string;
    title: string;
    titleCy: string;
    finds: string;
}

/** The six checks. Their ids are the server's diagnostic codes and never change. */
export const CATEGORIES: readonly Category[] = [
    {
        id: 'plain-language',
        title: 'Plain language',
        titleCy: 'Iaith glir',
        finds: 'jargon, acronyms and officialese ("signposted", "MDT", "hwyluso")',
    },
    {
        id: 'opinion-as-fact',
        title: 'Opinion written as fact',
        titleCy: 'Barn wedi’i hysgrifennu fel ffaith',
        finds: 'a judgement written as fact ("Mum is hostile", "did not engage")',
    },
    {
        id: 'vague',
        title: 'Vague wording',
        titleCy: 'Geiriad amwys',
        finds: 'wording that hides what happened ("in a terrible state")',
    },
    {
        id: 'output-as-outcome',
        title: 'A service written as an outcome',
        titleCy: 'Gwasanaeth wedi’i ysgrifennu fel canlyniad',
        finds: 'a service written as the person’s outcome ("Outcome: referral made")',
    },
    {
        id: 'own-words',
        title: 'The person’s own words',
        titleCy: 'Geiriau’r person ei hun',
        finds: 'the person’s view in stock phrases ("to maintain independence")',
    },
    {
        id: 'rationale',
        title: 'The reason for a decision',
        titleCy: 'Y rheswm dros benderfyniad',
        finds: 'a decision with no reason ("Case closed.")',
    },
    {
        id: 'outcome-score',
        title: 'Scoring personal outcomes',
        titleCy: 'Sgorio canlyniadau personol',
        finds: 'a 0 to 10 score with nothing to read it by ("Score: 6/10")',
    },
    {
        id: 'risk',
        title: 'Risks with their reasons',
        titleCy: 'Risgiau gyda’u rhesymau',
        finds: 'a risk stated with no reasons ("Risk is low")',
    },
    {
        id: 'strengths',
        title: 'Strengths as well as needs',
        titleCy: 'Cryfderau yn ogystal ag anghenion',
        finds: 'a person described only by deficits',
    },
    {
        id: 'voice',
        title: 'The person’s voice',
        titleCy: 'Llais y person',
        finds: 'a record about a person with none of their words',
    },
    {
        id: 'analysis',
        title: 'Analysis, not only description',
        titleCy: 'Dadansoddi, nid disgrifio’n unig',
        finds: 'a summary that does not say what the facts mean',
    },
    {
        id: 'late-entry',
        title: 'Late entries',
        titleCy: 'Cofnodion hwyr',
        finds: 'a record written days later that does not say so',
    },
];

export const CATEGORY_IDS: readonly string[] = CATEGORIES.map((c) => c.id);

/** A category id (`vague`) or a rule id (`plain-language/commence`). */
export function isFindingId(id: string): boolean {
    return /^[a-z][a-z0-9-]*(\/[^\s/]+)?$/.test(id);
}

// ---------------------------------------------------------------------------------------
// Finding the cofnod program

export type ServerSource = 'setting' | 'bundled' | 'path';

export interface ResolveOptions {
    /** The `cofnod.path` setting; empty or missing means "not set". */
    configuredPath?: string;
    /** Where the extension is installed; a bundled program is at `bin/cofnod` in it. */
    extensionPath: string;
    platform: string;
    env: Readonly<Record<string, string | undefined>>;
    /** The first workspace folder, for a relative `cofnod.path` and `${workspaceFolder}`. */
    workspaceFolder?: string;
    homeDir?: string;
    /** True if the path is a file that can be run. */
    isExecutable: (file: string) => boolean;
}

export interface ResolvedServer {
    /** What to run: an absolute path when it was found, else what was looked for. */
    command: string;
    source: ServerSource;
    found: boolean;
    /** The places looked at, for the error message. */
    tried: string[];
}

function pathApi(platform: string): typeof nodePath.posix {
    return platform === 'win32' ? nodePath.win32 : nodePath.posix;
}

export function executableName(platform: string): string {
    return platform === 'win32' ? 'cofnod.exe' : 'cofnod';
}

/** The bundled program inside the extension: `bin/cofnod` (`bin\cofnod.exe` on Windows). */
export function bundledServerPath(extensionPath: string, platform: string): string {
    return pathApi(platform).join(extensionPath, 'bin', executableName(platform));
}

function envValue(env: Readonly<Record<string, string | undefined>>, name: string, platform: string): string | undefined {
    if (platform !== 'win32') {
        return env[name];
    }
    // Windows environment names are case-insensitive (PATH is often spelled Path).
    const key = Object.keys(env).find((k) => k.toUpperCase() === name.toUpperCase());
    return key === undefined ? undefined : env[key];
}

/** Candidate file names for a program name: on Windows, with `.exe` and `.com` added when it has no extension. */
function withExtensions(file: string, platform: string): string[] {
    if (platform !== 'win32' || pathApi(platform).extname(file) !== '') {
        return [file];
    }
    // Node cannot start .bat or .cmd files without a shell, so they are not tried.
    return [file + '.exe', file + '.com', file];
}

/** Looks a program name up on PATH, as a shell would. Returns the full path, or undefined. */
export function searchPath(
    name: string,
    env: Readonly<Record<string, string | undefined>>,
    platform: string,
    isExecutable: (file: string) => boolean,
    tried: string[] = [],
): string | undefined {
    const api = pathApi(platform);
    const value = envValue(env, 'PATH', platform) ?? '';
    const delimiter = platform === 'win32' ? ';' : ':';
    for (let dir of value.split(delimiter)) {
        dir = dir.trim();
        if (platform === 'win32') {
            dir = dir.replace(/^"(.*)"$/, '$1');
        }
        // An empty entry would mean "the current folder": never run a program from there.
        if (dir === '' || !api.isAbsolute(dir)) {
            continue;
        }
        for (const candidate of withExtensions(api.join(dir, name), platform)) {
            tried.push(candidate);
            if (isExecutable(candidate)) {
                return candidate;
            }
        }
    }
    return undefined;
}

/** `~`, `${userHome}` and `${workspaceFolder}` in the `cofnod.path` setting. */
export function expandConfiguredPath(configured: string, workspaceFolder?: string, homeDir?: string): string {
    let p = configured.trim();
    if (homeDir) {
        p = p.replace(/\$\{userHome\}/g, homeDir);
        if (p === '~') {
            p = homeDir;
        } else if (p.startsWith('~/') || p.startsWith('~\\')) {
            p = homeDir + p.slice(1);
        }
    }
    if (workspaceFolder) {
        p = p.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
    }
    return p;
}

/**
 * Which cofnod program to run: the `cofnod.path` setting, else the program bundled with
 * the extension (`bin/cofnod`), else `cofnod` on PATH.
 */
export function resolveServer(opts: ResolveOptions): ResolvedServer {
    const api = pathApi(opts.platform);
    const tried: string[] = [];
    const configured = (opts.configuredPath ?? '').trim();

    if (configured !== '') {
        const expanded = expandConfiguredPath(configured, opts.workspaceFolder, opts.homeDir);
        const hasSeparator = opts.platform === 'win32' ? /[\\/]/.test(expanded) : expanded.includes('/');
        if (!hasSeparator) {
            // A bare program name, such as "cofnod-nightly": look it up on PATH.
            const found = searchPath(expanded, opts.env, opts.platform, opts.isExecutable, tried);
            return { command: found ?? expanded, source: 'setting', found: found !== undefined, tried };
        }
        let file = expanded;
        if (!api.isAbsolute(file)) {
            if (!opts.workspaceFolder) {
                tried.push(file);
                return { command: file, source: 'setting', found: false, tried };
            }
            file = api.resolve(opts.workspaceFolder, file);
        }
        for (const candidate of withExtensions(file, opts.platform)) {
            tried.push(candidate);
            if (opts.isExecutable(candidate)) {
                return { command: candidate, source: 'setting', found: true, tried };
            }
        }
        return { command: file, source: 'setting', found: false, tried };
    }

    const bundled = bundledServerPath(opts.extensionPath, opts.platform);
    tried.push(bundled);
    if (opts.isExecutable(bundled)) {
        return { command: bundled, source: 'bundled', found: true, tried };
    }

    const name = executableName(opts.platform);
    const found = searchPath(name, opts.env, opts.platform, opts.isExecutable, tried);
    return { command: found ?? name, source: 'path', found: found !== undefined, tried };
}

/**
 * The first useful line of what the program printed when it stopped, such as
 * `error: unrecognized subcommand 'lsp'` from a cofnod too old to have a language server.
 */
export function firstErrorLine(stderr: string): string | undefined {
    for (const raw of stderr.split(/\r?\n/)) {
        // eslint-disable-next-line no-control-regex
        const line = raw.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').trim();
        if (line !== '') {
            return line.length > 300 ? line.slice(0, 299) + '…' : line;
        }
    }
    return undefined;
}

/** The message shown when the program cannot be found. */
export function notFoundMessage(resolved: ResolvedServer): string {
    if (resolved.source === 'setting') {
        return (
            `cofnod: the program set in "cofnod.path" (${resolved.command}) could not be found or cannot be run. ` +
            'Check the setting, or clear it to use the cofnod program on your PATH.'
        );
    }
    return (
        'cofnod: the cofnod program could not be found. Install cofnod and put it on your PATH, ' +
        'or set "cofnod.path" to where it is.'
    );
}

// ---------------------------------------------------------------------------------------
// Settings sent to the server (initializationOptions and workspace/configuration)

export type MessageLanguage = 'auto' | 'en' | 'cy';
export type Severity = 'hint' | 'info' | 'warning' | 'error';
export type TraceLevel = 'off' | 'messages' | 'verbose';
export type ModelUse = 'auto' | 'off';

export const MESSAGE_LANGUAGES: readonly MessageLanguage[] = ['auto', 'en', 'cy'];
export const SEVERITIES: readonly Severity[] = ['hint', 'info', 'warning', 'error'];
export const TRACE_LEVELS: readonly TraceLevel[] = ['off', 'messages', 'verbose'];
export const MODEL_USES: readonly ModelUse[] = ['auto', 'off'];

/** The `cofnod` settings section as the server reads it. `cofnod.path` is the client's only. */
export interface ServerSettings {
    language: MessageLanguage;
    debounceMs: number;
    disable: string[];
    severity: Record<string, Severity>;
    ruleFiles: string[];
    ignore: string[];
    trace: { server: TraceLevel };
    models: ModelUse;
    modelsDir: string;
    maxFileSizeMB: number;
}

export const DEFAULT_SETTINGS: Readonly<ServerSettings> = Object.freeze<ServerSettings>({
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

/** The setting keys (under `cofnod.`) that are sent to the server. */
export const SERVER_SETTING_KEYS: readonly string[] = [
    'language',
    'debounceMs',
    'disable',
    'severity',
    'ruleFiles',
    'ignore',
    'trace.server',
    'models',
    'modelsDir',
    'maxFileSizeMB',
];

/** Settings the client reads itself and does not send. */
export const CLIENT_SETTING_KEYS: readonly string[] = ['path'];

export const MAX_DEBOUNCE_MS = 10_000;
/** The largest note size limit the server accepts, in megabytes. */
export const MAX_FILE_SIZE_MB = 100_000;

function stringList(value: unknown): string[] {
    if (!Array.isArray(value)) {
        return [];
    }
    const out: string[] = [];
    for (const item of value) {
        if (typeof item !== 'string') {
            continue;
        }
        const s = item.trim();
        if (s !== '' && !out.includes(s)) {
            out.push(s);
        }
    }
    return out;
}

function severityOf(value: unknown): Severity | undefined {
    if (typeof value !== 'string') {
        return undefined;
    }
    const v = value.trim().toLowerCase();
    if (v === 'information') {
        return 'info';
    }
    if (v === 'warn') {
        return 'warning';
    }
    return (SEVERITIES as readonly string[]).includes(v) ? (v as Severity) : undefined;
}

/**
 * The server's settings from a getter of `cofnod.*` keys (such as
 * `workspace.getConfiguration('cofnod').get`), with wrong values replaced by defaults
 * and lists cleaned, so the server always gets the documented shape.
 */
export function shapeSettings(get: (key: string) => unknown): ServerSettings {
    const language = get('language');
    let debounce = get('debounceMs');
    if (typeof debounce === 'string' && debounce.trim() !== '') {
        debounce = Number(debounce);
    }
    const trace = get('trace.server');

    const severity: Record<string, Severity> = {};
    const rawSeverity = get('severity');
    if (rawSeverity !== null && typeof rawSeverity === 'object' && !Array.isArray(rawSeverity)) {
        for (const [id, value] of Object.entries(rawSeverity as Record<string, unknown>)) {
            const s = severityOf(value);
            if (s !== undefined && id.trim() !== '') {
                severity[id.trim()] = s;
            }
        }
    }

    return {
        language: (MESSAGE_LANGUAGES as readonly unknown[]).includes(language)
            ? (language as MessageLanguage)
            : DEFAULT_SETTINGS.language,
        debounceMs:
            typeof debounce === 'number' && Number.isFinite(debounce)
                ? Math.min(MAX_DEBOUNCE_MS, Math.max(0, Math.round(debounce)))
                : DEFAULT_SETTINGS.debounceMs,
        disable: stringList(get('disable')),
        severity,
        ruleFiles: stringList(get('ruleFiles')),
        ignore: stringList(get('ignore')),
        trace: {
            server: (TRACE_LEVELS as readonly unknown[]).includes(trace)
                ? (trace as TraceLevel)
                : DEFAULT_SETTINGS.trace.server,
        },
        models: (MODEL_USES as readonly unknown[]).includes(get('models'))
            ? (get('models') as ModelUse)
            : DEFAULT_SETTINGS.models,
        modelsDir: typeof get('modelsDir') === 'string' ? (get('modelsDir') as string).trim() : '',
        maxFileSizeMB: wholeNumberIn(get('maxFileSizeMB'), 1, MAX_FILE_SIZE_MB) ?? DEFAULT_SETTINGS.maxFileSizeMB,
    };
}

/** A number (or numeric string) rounded and clamped to `min..max`; undefined if none. */
function wholeNumberIn(value: unknown, min: number, max: number): number | undefined {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    return typeof n === 'number' && Number.isFinite(n) ? Math.min(max, Math.max(min, Math.round(n))) : undefined;
}

/**
 * A getter over a plain settings object (a workspace/configuration answer), which may
 * hold `trace.server` nested (`{trace: {server}}`) or as a dotted key.
 */
export function getterOf(obj: unknown): (key: string) => unknown {
    return (key: string) => {
        if (obj === null || typeof obj !== 'object') {
            return undefined;
        }
        const record = obj as Record<string, unknown>;
        if (key in record) {
            return record[key];
        }
        let value: unknown = record;
        for (const part of key.split('.')) {
            if (value === null || typeof value !== 'object') {
                return undefined;
            }
            value = (value as Record<string, unknown>)[part];
        }
        return value;
    };
}

// ---------------------------------------------------------------------------------------
// The status bar

export type NoteLanguage = 'en' | 'cy' | 'mixed' | 'unknown';

/** The params of the server's `cofnod/status` notification. */
export interface NoteStatus {
    uri: string;
    language: NoteLanguage;
    findings: number;
    /** What the writer should know: the note was too large to check, or only some findings are shown. */
    notice?: string;
}

export const STATUS_NOTIFICATION = 'cofnod/status';

/** Checks and cleans a `cofnod/status` params object; undefined if it is not one. */
export function parseStatus(params: unknown): NoteStatus | undefined {
    if (params === null || typeof params !== 'object') {
        return undefined;
    }
    const p = params as Record<string, unknown>;
    if (typeof p.uri !== 'string' || p.uri === '') {
        return undefined;
    }
    const language: NoteLanguage = ['en', 'cy', 'mixed', 'unknown'].includes(p.language as string)
        ? (p.language as NoteLanguage)
        : 'unknown';
    const findings =
        typeof p.findings === 'number' && Number.isFinite(p.findings) ? Math.max(0, Math.floor(p.findings)) : 0;
    const status: NoteStatus = { uri: p.uri, language, findings };
    if (typeof p.notice === 'string' && p.notice.trim() !== '') {
        status.notice = p.notice.trim().slice(0, 200);
    }
    return status;
}

export function languageLabel(language: NoteLanguage): string {
    switch (language) {
        case 'en':
            return 'EN';
        case 'cy':
            return 'CY';
        case 'mixed':
            return 'EN+CY';
        default:
            return '–';
    }
}

function languageInWords(language: NoteLanguage, t: Translate): string {
    switch (language) {
        case 'en':
            return t('This note is in English.');
        case 'cy':
            return t('This note is in Welsh (Cymraeg).');
        case 'mixed':
            return t('This note is in English and Welsh.');
        default:
            return t('This note is in a language cofnod could not tell yet (the note may be too short).');
    }
}

/**
 * Translates a message written in English, with `{0}`, `{1}` … for its arguments: in
 * the extension this is `vscode.l10n.t` (the Welsh is in l10n/bundle.l10n.cy.json); in
 * the unit tests, `english`, which only fills in the arguments.
 */
export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

export const english: Translate = (message, ...args) =>
    message.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : whole));

export function plural(n: number, one: string, many = one + 's'): string {
    return `${n} ${n === 1 ? one : many}`;
}

/** `cofnod: CY · 3`; `cofnod: …` while the note has not been checked yet. */
export function formatStatusText(status: Pick<NoteStatus, 'language' | 'findings' | 'notice'> | undefined): string {
    if (status === undefined) {
        return 'cofnod: …';
    }
    return `cofnod: ${languageLabel(status.language)} · ${status.findings}${status.notice ? ' ⚠' : ''}`;
}

export function formatStatusTooltip(status: Pick<NoteStatus, 'language' | 'findings' | 'notice'> | undefined, t: Translate = english): string {
    const click = t('Click to open the Problems view.');
    if (status === undefined) {
        return `${t('cofnod has not checked this note yet.')} ${click}`;
    }
    if (status.notice) {
        // The notice comes from the server, in English.
        return `${t('cofnod: this note is {0}.', status.notice)}\n${click}`;
    }
    const findings =
        status.findings === 0
            ? t('cofnod has no suggestions for it.')
            : status.findings === 1
              ? t('cofnod has 1 suggestion for it (1 finding).')
              : t('cofnod has {0} suggestions for it ({0} findings).', status.findings);
    return `${languageInWords(status.language, t)} ${findings}\n${t('Suggestions are underlined in the text.')} ${click}`;
}

// ---------------------------------------------------------------------------------------
// The finding under the cursor

export interface Pos {
    line: number;
    character: number;
}

export interface RangeLike {
    start: Pos;
    end: Pos;
}

export interface DiagnosticLike {
    range: RangeLike;
    source?: string;
    code?: string | number | { value: string | number; target?: unknown };
    data?: unknown;
}

function comparePos(a: Pos, b: Pos): number {
    return a.line !== b.line ? a.line - b.line : a.character - b.character;
}

/** The rule id (`data.rule`) of a cofnod diagnostic, else its category (`code`). */
export function findingIdOf(d: DiagnosticLike): string | undefined {
    if (d.data !== null && typeof d.data === 'object') {
        const rule = (d.data as Record<string, unknown>).rule;
        if (typeof rule === 'string' && rule.trim() !== '') {
            return rule.trim();
        }
    }
    const code = d.code !== null && typeof d.code === 'object' ? d.code.value : d.code;
    if (code === undefined || code === null || String(code).trim() === '') {
        return undefined;
    }
    return String(code).trim();
}

/** The language of a finding's message, if the server put one in `data.lang`. */
export function findingLanguageOf(d: DiagnosticLike): 'en' | 'cy' | undefined {
    if (d.data !== null && typeof d.data === 'object') {
        const lang = (d.data as Record<string, unknown>).lang;
        if (lang === 'en' || lang === 'cy') {
            return lang;
        }
    }
    return undefined;
}

function isEmptyRange(r: RangeLike): boolean {
    return comparePos(r.start, r.end) === 0;
}

function sizeOf(r: RangeLike): [number, number] {
    return [r.end.line - r.start.line, r.end.line === r.start.line ? r.end.character - r.start.character : r.end.character];
}

/**
 * The cofnod diagnostic under the cursor: one whose range holds the position (its end
 * included, so a cursor just after a word counts). When several do, the one that really
 * covers the position wins over one that only ends there, then the smallest range.
 */
export function pickDiagnosticAt<T extends DiagnosticLike>(diagnostics: readonly T[], pos: Pos): T | undefined {
    let best: T | undefined;
    let bestKey: [number, number, number] | undefined;
    for (const d of diagnostics) {
        if (d.source !== 'cofnod' || findingIdOf(d) === undefined) {
            continue;
        }
        const { start, end } = d.range;
        if (comparePos(start, pos) > 0 || comparePos(pos, end) > 0) {
            continue;
        }
        const inside = comparePos(pos, end) < 0 || isEmptyRange(d.range) ? 0 : 1;
        const [lines, chars] = sizeOf(d.range);
        const key: [number, number, number] = [inside, lines, chars];
        if (
            bestKey === undefined ||
            key[0] < bestKey[0] ||
            (key[0] === bestKey[0] && (key[1] < bestKey[1] || (key[1] === bestKey[1] && key[2] < bestKey[2])))
        ) {
            best = d;
            bestKey = key;
        }
    }
    return best;
}

// ---------------------------------------------------------------------------------------
// Server commands and their results

export const SERVER_COMMANDS = {
    checkWorkspace: 'cofnod.server.checkWorkspace',
    explain: 'cofnod.server.explain',
    ignoreFinding: 'cofnod.server.ignoreFinding',
    disableRule: 'cofnod.server.disableRule',
    review: 'cofnod.server.review',
} as const;

/** The extension's own commands (contributed in package.json). */
export const CLIENT_COMMANDS = {
    checkWorkspace: 'cofnod.checkWorkspace',
    explain: 'cofnod.explain',
    restartServer: 'cofnod.restartServer',
    showOutput: 'cofnod.showOutput',
    reviewRecord: 'cofnod.reviewRecord',
} as const;

/** Commands the server's code actions call on the client; not shown in the palette. */
export const INTERNAL_COMMANDS = {
    insertSnippet: 'cofnod.insertSnippet',
} as const;

export interface SnippetArgs {
    uri: string;
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    snippet: string;
}

/** The arguments of cofnod.insertSnippet, checked; undefined if they are not its shape. */
export function parseSnippetArgs(args: unknown): SnippetArgs | undefined {
    const a = args as Partial<SnippetArgs> | undefined;
    const pos = (p: unknown): boolean => {
        const q = p as { line?: unknown; character?: unknown } | undefined;
        return typeof q?.line === 'number' && typeof q?.character === 'number';
    };
    if (!a || typeof a.uri !== 'string' || typeof a.snippet !== 'string' || !a.range || !pos(a.range.start) || !pos(a.range.end)) {
        return undefined;
    }
    return { uri: a.uri, range: a.range, snippet: a.snippet };
}

/** The language to ask an explanation in: the setting if fixed, else the finding's, else the note's. */
export function explainLanguage(
    setting: unknown,
    findingLanguage?: 'en' | 'cy',
    noteLanguage?: NoteLanguage,
): 'en' | 'cy' | undefined {
    if (setting === 'en' || setting === 'cy') {
        return setting;
    }
    if (findingLanguage) {
        return findingLanguage;
    }
    if (noteLanguage === 'en' || noteLanguage === 'cy') {
        return noteLanguage;
    }
    return undefined;
}

export interface Explanation {
    title: string;
    markdown: string;
}

export function parseExplanation(result: unknown): Explanation | undefined {
    if (result === null || typeof result !== 'object') {
        return undefined;
    }
    const r = result as Record<string, unknown>;
    if (typeof r.markdown !== 'string') {
        return undefined;
    }
    return { title: typeof r.title === 'string' ? r.title : '', markdown: r.markdown };
}

/**
 * The markdown shown for an explanation: the server's text, under its title unless it
 * starts with a heading, and a last line with the id to use in `cofnod.disable`.
 */
export function explanationMarkdown(e: Explanation, id: string): string {
    let body = e.markdown.replace(/\r\n/g, '\n').trim();
    if (!/^#{1,6}\s/.test(body)) {
        const title = e.title.trim() || id;
        body = `# ${title}\n\n${body}`;
    }
    const kind = id.includes('/') ? 'Rule' : 'Check';
    return `${body}\n\n---\n\n*${kind} id: \`${id}\` (for the \`cofnod.disable\` and \`cofnod.severity\` settings)*\n`;
}

/** A file name for an explanation's read-only document, e.g. `plain-language.commence.cy.md`. */
export function explanationFileName(id: string, lang?: string): string {
    const safe = id.replace(/\//g, '.').replace(/[^A-Za-z0-9._-]+/g, '_') || 'explanation';
    return lang ? `${safe}.${lang}.md` : `${safe}.md`;
}

export interface CheckResult {
    files: number;
    findings: number;
    errors: number;
}

export function parseCheckResult(result: unknown): CheckResult | undefined {
    if (result === null || typeof result !== 'object') {
        return undefined;
    }
    const r = result as Record<string, unknown>;
    const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.max(0, Math.floor(v)) : undefined);
    const files = n(r.files);
    const findings = n(r.findings);
    if (files === undefined || findings === undefined) {
        return undefined;
    }
    return { files, findings, errors: n(r.errors) ?? 0 };
}

/** `cofnod checked 12 files in “notes”: 34 findings. 2 files could not be checked.` */
export function formatCheckSummary(r: CheckResult, folderName?: string, t: Translate = english): string {
    let head: string;
    if (folderName) {
        head = r.files === 1 ? t('cofnod checked 1 file in “{0}”:', folderName) : t('cofnod checked {0} files in “{1}”:', r.files, folderName);
    } else {
        head = r.files === 1 ? t('cofnod checked 1 file:') : t('cofnod checked {0} files:', r.files);
    }
    const findings = r.findings === 0 ? t('no findings.') : r.findings === 1 ? t('1 finding.') : t('{0} findings.', r.findings);
    let text = `${head} ${findings}`;
    if (r.errors > 0) {
        text +=
            ' ' +
            (r.errors === 1
                ? t('1 file could not be checked (see the Problems view).')
                : t('{0} files could not be checked (see the Problems view).', r.errors));
    }
    return text;
}

export interface FolderLike {
    uri: string;
    name: string;
}

/**
 * The workspace folder to check: the only one, else the one holding the active note.
 * Undefined means "ask".
 */
export function chooseFolder<T extends FolderLike>(folders: readonly T[], activeUri?: string): T | undefined {
    if (folders.length === 1) {
        return folders[0];
    }
    if (activeUri) {
        let best: T | undefined;
        for (const f of folders) {
            const prefix = f.uri.endsWith('/') ? f.uri : f.uri + '/';
            if (activeUri.startsWith(prefix) && (!best || f.uri.length > best.uri.length)) {
                best = f;
            }
        }
        return best;
    }
    return undefined;
}
