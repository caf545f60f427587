/**
 * The cofnod extension for VS Code: starts `cofnod lsp` for Markdown and plain text
 * notes, shows the note's language and finding count in the status bar, and adds the
 * commands "Check the whole workspace folder", "Explain a finding", "Restart" and
 * "Show output". The logic that does not need VS Code is in logic.ts, with unit tests.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import {
    CloseAction,
    ErrorAction,
    ErrorHandler,
    ExecuteCommandRequest,
    LanguageClient,
    LanguageClientOptions,
    RevealOutputChannelOn,
    ServerOptions,
    State,
} from 'vscode-languageclient/node';
import * as logic from './logic';

const EXPLAIN_SCHEME = 'cofnod-explain';
const PROBLEMS_VIEW_COMMAND = 'workbench.actions.view.problems';

/**
 * A message in the display language: English as written here, Welsh from
 * l10n/bundle.l10n.cy.json when VS Code's display language is Welsh.
 */
const t: logic.Translate = (message, ...args) => vscode.l10n.t(message, ...args);

type ServerState = 'stopped' | 'starting' | 'running' | 'failed';

let extension: CofnodExtension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    extension = new CofnodExtension(context);
    await extension.start();
}

export async function deactivate(): Promise<void> {
    const ext = extension;
    extension = undefined;
    await ext?.stop();
}

function isExecutable(file: string): boolean {
    try {
        if (!fs.statSync(file).isFile()) {
            return false;
        }
        if (process.platform !== 'win32') {
            fs.accessSync(file, fs.constants.X_OK);
        }
        return true;
    } catch {
        return false;
    }
}

/** A .vsix may lose the executable bit of the bundled program: put it back. */
function ensureBundledExecutable(extensionPath: string, output: vscode.OutputChannel): void {
    if (process.platform === 'win32') {
        return;
    }
    const bundled = logic.bundledServerPath(extensionPath, process.platform);
    try {
        if (fs.statSync(bundled).isFile() && !isExecutable(bundled)) {
            fs.chmodSync(bundled, 0o755);
            output.appendLine(`Made ${bundled} executable.`);
        }
    } catch {
        // No bundled program: cofnod is found on PATH or through cofnod.path.
    }
}

function errorMessage(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}

/** Explanations are shown as read-only Markdown documents in this scheme (never checked). */
class ExplanationProvider implements vscode.TextDocumentContentProvider {
    private readonly contents = new Map<string, string>();
    private readonly changed = new vscode.EventEmitter<vscode.Uri>();
    readonly onDidChange = this.changed.event;

    set(uri: vscode.Uri, markdown: string): void {
        this.contents.set(uri.toString(), markdown);
        this.changed.fire(uri);
    }

    provideTextDocumentContent(uri: vscode.Uri): string {
        return this.contents.get(uri.toString()) ?? '';
    }

    dispose(): void {
        this.changed.dispose();
    }
}

class CofnodExtension {
    private client: LanguageClient | undefined;
    /** The running `cofnod lsp` process, stopped with the client if it has not exited. */
    private process: ChildProcess | undefined;
    private starting: Promise<void> | undefined;
    private state: ServerState = 'stopped';
    private failure = '';
    private readonly statuses = new Map<string, logic.NoteStatus>();
    private readonly output: vscode.OutputChannel;
    private readonly item: vscode.StatusBarItem;
    private readonly explanations = new ExplanationProvider();

    constructor(private readonly context: vscode.ExtensionContext) {
        this.output = vscode.window.createOutputChannel('cofnod');
        this.item = vscode.window.createStatusBarItem('cofnod.status', vscode.StatusBarAlignment.Right, 100);
        this.item.name = 'cofnod';

        context.subscriptions.push(
            this.output,
            this.item,
            this.explanations,
            vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, this.explanations),
            vscode.commands.registerCommand(logic.CLIENT_COMMANDS.checkWorkspace, () => this.checkWorkspace()),
            vscode.commands.registerCommand(logic.CLIENT_COMMANDS.explain, (id?: unknown) => this.explain(id)),
            vscode.commands.registerCommand(logic.CLIENT_COMMANDS.restartServer, () => this.restart()),
            vscode.commands.registerCommand(logic.CLIENT_COMMANDS.showOutput, () => this.output.show(true)),
            vscode.commands.registerCommand(logic.CLIENT_COMMANDS.reviewRecord, () => this.reviewRecord()),
            vscode.commands.registerCommand(logic.INTERNAL_COMMANDS.insertSnippet, (args?: unknown) => this.insertSnippet(args)),
            vscode.window.onDidChangeActiveTextEditor(() => this.updateStatusBar()),
            vscode.workspace.onDidOpenTextDocument(() => this.updateStatusBar()),
            vscode.workspace.onDidCloseTextDocument((doc) => {
                this.statuses.delete(doc.uri.toString());
                this.updateStatusBar();
            }),
            vscode.workspace.onDidChangeConfiguration((e) => {
                // The server follows its own settings; a new program needs a new server.
                if (e.affectsConfiguration('cofnod.path')) {
                    void this.restart();
                }
            }),
        );
        this.updateStatusBar();
    }

    // -----------------------------------------------------------------------------------
    // Starting and stopping the server

    start(): Promise<void> {
        if (!this.starting) {
            this.starting = this.doStart().finally(() => {
                this.starting = undefined;
            });
        }
        return this.starting;
    }

    private resolveServer(): logic.ResolvedServer {
        ensureBundledExecutable(this.context.extensionPath, this.output);
        const config = vscode.workspace.getConfiguration('cofnod');
        return logic.resolveServer({
            configuredPath: config.get<string>('path', ''),
            extensionPath: this.context.extensionPath,
            platform: process.platform,
            env: process.env,
            workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
            homeDir: os.homedir(),
            isExecutable,
        });
    }

    private async doStart(): Promise<void> {
        this.setState('starting');
        const server = this.resolveServer();
        if (!server.found) {
            const message = logic.notFoundMessage(server);
            this.output.appendLine(message);
            this.output.appendLine('Looked for:');
            for (const place of server.tried) {
                this.output.appendLine(`  ${place}`);
            }
            this.fail(message, true);
            return;
        }
        this.output.appendLine(`Starting ${server.command} lsp (found ${this.describeSource(server.source)}).`);

        // The extension starts the process itself, to see it end: a program that exits
        // (or cannot be run) before it answers `initialize` must fail the start, and
        // vscode-languageclient can otherwise wait on that answer for good.
        let endedEarly: (err: Error) => void = () => undefined;
        const ended = new Promise<never>((_, reject) => {
            endedEarly = reject;
        });
        ended.catch(() => undefined);
        const serverOptions: ServerOptions = async () => {
            const child = spawn(server.command, ['lsp'], { cwd: this.serverCwd(), env: { ...process.env } });
            this.process = child;
            child.once('error', (err) => endedEarly(err));
            child.once('exit', (code, signal) => endedEarly(new Error(`it exited (${signal ?? `status ${code}`})`)));
            return child;
        };

        const documentSelector = logic.SUPPORTED_SCHEMES.flatMap((scheme) =>
            logic.SUPPORTED_LANGUAGE_IDS.map((language) => ({ scheme, language })),
        );

        const clientOptions: LanguageClientOptions = {
            documentSelector,
            diagnosticCollectionName: 'cofnod',
            outputChannel: this.output,
            revealOutputChannelOn: RevealOutputChannelOn.Never,
            // Evaluated at each start, so a restart after a crash sends the current settings.
            // `clientSnippets`: templates ("… because …") come as snippet code actions
            // that put the cursor in the gap (the client's cofnod.insertSnippet).
            initializationOptions: () => ({ ...this.serverSettings(), clientSnippets: true }),
            synchronize: { configurationSection: 'cofnod' },
            middleware: {
                workspace: {
                    // The server asks for section "cofnod": answer with the documented shape.
                    configuration: async (params, token, next) => {
                        const result = await next(params, token);
                        if (!Array.isArray(result)) {
                            return result;
                        }
                        return result.map((value, i) =>
                            params.items[i]?.section === 'cofnod'
                                ? logic.shapeSettings(logic.getterOf(value))
                                : value,
                        );
                    },
                },
            },
            errorHandler: this.errorHandler(),
            initializationFailedHandler: (error) => {
                this.output.appendLine(`The cofnod server failed to initialise: ${errorMessage(error)}`);
                return false;
            },
        };

        // The id "cofnod" makes vscode-languageclient follow the cofnod.trace.server setting.
        const client = new LanguageClient('cofnod', 'cofnod', serverOptions, clientOptions);
        this.client = client;
        client.onNotification(logic.STATUS_NOTIFICATION, (params: unknown) => this.onStatus(params));
        client.onDidChangeState((e) => {
            if (this.client !== client) {
                return;
            }
            if (e.newState === State.Running) {
                this.setState('running');
            } else if (e.newState === State.Starting) {
                this.setState('starting');
            } else if (this.state !== 'failed') {
                this.statuses.clear();
                this.setState('stopped');
            }
        });

        try {
            await Promise.race([client.start(), ended]);
            this.setState('running');
        } catch (err) {
            this.output.appendLine(`Could not start ${server.command} lsp: ${errorMessage(err)}`);
            if (this.client === client) {
                this.client = undefined;
            }
            try {
                await client.dispose(2000);
            } catch {
                // Already stopped.
            }
            this.killProcess();
            // The client only saw a closed pipe: run the program once more to read why it stopped.
            const reason = this.whyItStopped(server.command) ?? errorMessage(err);
            this.fail(t('cofnod: the language server ({0} lsp) could not start: {1}', server.command, reason), server.source === 'setting');
        }
    }

    /**
     * Restarts a server that stops while running (at most 4 times in 3 minutes), as
     * vscode-languageclient does by default, but with cofnod's own messages: a server that
     * fails to start is reported once, by doStart.
     */
    private errorHandler(): ErrorHandler {
        const restarts: number[] = [];
        return {
            error: (_error, _message, count) =>
                count !== undefined && count <= 3
                    ? { action: ErrorAction.Continue, handled: true }
                    : { action: ErrorAction.Shutdown, handled: true },
            closed: () => {
                if (this.state !== 'running') {
                    return { action: CloseAction.DoNotRestart, handled: true };
                }
                const now = Date.now();
                restarts.push(now);
                while (restarts.length > 0 && now - restarts[0] > 3 * 60 * 1000) {
                    restarts.shift();
                }
                if (restarts.length <= 4) {
                    this.output.appendLine('The cofnod server stopped unexpectedly; starting it again.');
                    return { action: CloseAction.Restart, handled: true };
                }
                this.failure = t('cofnod stopped 5 times in 3 minutes and was not started again.');
                this.state = 'failed';
                return {
                    action: CloseAction.DoNotRestart,
                    message: t('{0} Run "cofnod: Restart the language server" to try again; "cofnod: Show output" shows what happened.', this.failure),
                };
            },
        };
    }

    /** Runs `cofnod lsp` with no input and returns the first line it printed as an error, if any. */
    private whyItStopped(command: string): string | undefined {
        try {
            const run = spawnSync(command, ['lsp'], {
                input: '',
                timeout: 3000,
                encoding: 'utf8',
                cwd: this.serverCwd(),
                windowsHide: true,
            });
            if (run.error) {
                this.output.appendLine(`Running ${command} lsp again: ${run.error.message}`);
                return run.error.message;
            }
            if (run.stderr) {
                this.output.appendLine(`${command} lsp printed:`);
                this.output.appendLine(run.stderr.trimEnd());
            }
            return logic.firstErrorLine(run.stderr ?? '');
        } catch {
            return undefined;
        }
    }

    /** The first workspace folder on disk, else the home folder (spawn fails in a missing folder). */
    private serverCwd(): string | undefined {
        const candidates = [vscode.workspace.workspaceFolders?.[0]?.uri, undefined];
        for (const uri of candidates) {
            const dir = uri ? (uri.scheme === 'file' ? uri.fsPath : undefined) : os.homedir();
            try {
                if (dir && fs.statSync(dir).isDirectory()) {
                    return dir;
                }
            } catch {
                // Try the next one.
            }
        }
        return undefined;
    }

    private describeSource(source: logic.ServerSource): string {
        switch (source) {
            case 'setting':
                return 'through the cofnod.path setting';
            case 'bundled':
                return 'bundled with the extension';
            default:
                return 'on PATH';
        }
    }

    private fail(message: string, offerSettings: boolean): void {
        this.failure = message;
        this.setState('failed');
        const openSettings = t('Open Settings');
        const showOutput = t('Show Output');
        const buttons = offerSettings || message.includes('cofnod.path') ? [openSettings, showOutput] : [showOutput];
        void vscode.window.showErrorMessage(message, ...buttons).then((choice) => {
            if (choice === openSettings) {
                void vscode.commands.executeCommand('workbench.action.openSettings', 'cofnod.path');
            } else if (choice === showOutput) {
                this.output.show(true);
            }
        });
    }

    async stop(): Promise<void> {
        if (this.starting) {
            await this.starting.catch(() => undefined);
        }
        const client = this.client;
        this.client = undefined;
        this.statuses.clear();
        if (client) {
            try {
                await client.dispose(5000);
            } catch (err) {
                this.output.appendLine(`Stopping the cofnod server: ${errorMessage(err)}`);
            }
        }
        this.killProcess();
        this.setState('stopped');
    }

    /** Ends the `cofnod lsp` process if it is still running after `exit` (or never started). */
    private killProcess(): void {
        const child = this.process;
        this.process = undefined;
        if (child && child.exitCode === null && child.signalCode === null) {
            child.kill();
        }
    }

    async restart(): Promise<void> {
        this.output.appendLine('Restarting the cofnod server.');
        await this.stop();
        this.failure = '';
        await this.start();
    }

    private serverSettings(): logic.ServerSettings {
        const config = vscode.workspace.getConfiguration('cofnod');
        return logic.shapeSettings((key) => config.get(key));
    }

    /** The client, once running; otherwise tells the user and returns undefined. */
    private async runningClient(): Promise<LanguageClient | undefined> {
        if (this.starting) {
            await this.starting;
        }
        if (this.client && this.client.isRunning()) {
            return this.client;
        }
        const restart = t('Restart');
        const showOutput = t('Show Output');
        const choice = await vscode.window.showErrorMessage(
            t('cofnod is not running.') + (this.failure ? ` ${this.failure}` : ''),
            restart,
            showOutput,
        );
        if (choice === restart) {
            await this.restart();
        } else if (choice === showOutput) {
            this.output.show(true);
        }
        return undefined;
    }

    private executeServerCommand(client: LanguageClient, command: string, args: unknown[]): Promise<unknown> {
        return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
    }

    // -----------------------------------------------------------------------------------
    // The status bar

    private setState(state: ServerState): void {
        this.state = state;
        this.updateStatusBar();
    }

    private onStatus(params: unknown): void {
        const status = logic.parseStatus(params);
        if (!status) {
            return;
        }
        // The server may spell the URI differently (percent-encoding): compare VS Code's form.
        let key = status.uri;
        try {
            key = vscode.Uri.parse(status.uri, true).toString();
        } catch {
            // Keep the server's spelling.
        }
        this.statuses.set(key, { ...status, uri: key });
        const active = vscode.window.activeTextEditor?.document.uri.toString();
        if (active === key) {
            this.updateStatusBar();
        }
    }

    private updateStatusBar(): void {
        const doc = vscode.window.activeTextEditor?.document;
        if (!doc || !logic.isSupportedDocument(doc.languageId, doc.uri.scheme)) {
            this.item.hide();
            return;
        }
        this.item.backgroundColor = undefined;
        if (this.state === 'failed' || this.state === 'stopped') {
            this.item.text = '$(warning) cofnod';
            this.item.tooltip =
                this.state === 'failed'
                    ? `${this.failure || t('cofnod could not start.')}\n${t('Click to show the cofnod output.')}`
                    : t('cofnod is not running. Click to show the cofnod output; run "cofnod: Restart the language server" to start it.');
            this.item.command = logic.CLIENT_COMMANDS.showOutput;
            this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        } else if (this.state === 'starting') {
            this.item.text = '$(sync~spin) cofnod';
            this.item.tooltip = t('cofnod is starting.');
            this.item.command = logic.CLIENT_COMMANDS.showOutput;
        } else {
            const status = this.statuses.get(doc.uri.toString());
            this.item.text = logic.formatStatusText(status);
            this.item.tooltip = logic.formatStatusTooltip(status, t);
            this.item.command = PROBLEMS_VIEW_COMMAND;
        }
        const label = typeof this.item.tooltip === 'string' ? this.item.tooltip.split('\n')[0] : this.item.text;
        this.item.accessibilityInformation = { label, role: 'button' };
        this.item.show();
    }

    // -----------------------------------------------------------------------------------
    // Commands

    /** A template from a code action, as a snippet: the writer's cursor lands in its gap. */
    private async insertSnippet(args: unknown): Promise<void> {
        const parsed = logic.parseSnippetArgs(args);
        if (!parsed) {
            return;
        }
        const uri = vscode.Uri.parse(parsed.uri);
        const editor =
            vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString()) ??
            (await vscode.window.showTextDocument(uri));
        const r = parsed.range;
        const range = new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
        await editor.insertSnippet(new vscode.SnippetString(parsed.snippet), range);
    }

    private async checkWorkspace(): Promise<void> {
        const folders = vscode.workspace.workspaceFolders ?? [];
        if (folders.length === 0) {
            void vscode.window.showInformationMessage(
                t('cofnod: open a folder first (File → Open Folder…), then run this command to check every note in it.'),
            );
            return;
        }
        const client = await this.runningClient();
        if (!client) {
            return;
        }
        const choices = folders.map((folder) => ({ uri: folder.uri.toString(), name: folder.name, folder }));
        let folder = logic.chooseFolder(choices, vscode.window.activeTextEditor?.document.uri.toString())?.folder;
        if (!folder) {
            folder = await vscode.window.showWorkspaceFolderPick({
                placeHolder: t('Which folder should cofnod check?'),
            });
            if (!folder) {
                return;
            }
        }
        const target = folder;
        try {
            const result = await vscode.window.withProgress(
                {
                    location: vscode.ProgressLocation.Notification,
                    title: t('cofnod: checking the notes in “{0}”…', target.name),
                },
                () =>
                    this.executeServerCommand(client, logic.SERVER_COMMANDS.checkWorkspace, [
                        client.code2ProtocolConverter.asUri(target.uri),
                    ]),
            );
            const summary = logic.parseCheckResult(result);
            if (!summary) {
                this.output.appendLine(`Unexpected reply to ${logic.SERVER_COMMANDS.checkWorkspace}: ${JSON.stringify(result)}`);
                void vscode.window.showWarningMessage(t('cofnod checked the folder; see the Problems view for its findings.'));
                return;
            }
            const showProblems = t('Show Problems');
            const choice = await vscode.window.showInformationMessage(logic.formatCheckSummary(summary, target.name, t), showProblems);
            if (choice === showProblems) {
                await vscode.commands.executeCommand(PROBLEMS_VIEW_COMMAND);
            }
        } catch (err) {
            this.output.appendLine(`Checking ${target.uri.toString()} failed: ${errorMessage(err)}`);
            void vscode.window.showErrorMessage(t('cofnod could not check “{0}”: {1}', target.name, errorMessage(err)));
        }
    }

    private async explain(arg?: unknown): Promise<void> {
        const editor = vscode.window.activeTextEditor;
        let id = typeof arg === 'string' && logic.isFindingId(arg.trim()) ? arg.trim() : undefined;
        let findingLanguage: 'en' | 'cy' | undefined;
        if (!id && editor && logic.isSupportedDocument(editor.document.languageId, editor.document.uri.scheme)) {
            const diagnostics = vscode.languages.getDiagnostics(editor.document.uri);
            const picked = logic.pickDiagnosticAt(diagnostics as readonly (vscode.Diagnostic & logic.DiagnosticLike)[], editor.selection.active);
            if (picked) {
                id = logic.findingIdOf(picked);
                findingLanguage = logic.findingLanguageOf(picked);
            }
        }
        if (!id) {
            id = await this.askForFindingId();
            if (!id) {
                return;
            }
        }
        const client = await this.runningClient();
        if (!client) {
            return;
        }
        const noteLanguage = editor ? this.statuses.get(editor.document.uri.toString())?.language : undefined;
        const lang = logic.explainLanguage(
            vscode.workspace.getConfiguration('cofnod').get('language'),
            findingLanguage,
            noteLanguage,
        );
        let explanation: logic.Explanation | undefined;
        try {
            const result = await this.executeServerCommand(client, logic.SERVER_COMMANDS.explain, lang ? [id, lang] : [id]);
            explanation = logic.parseExplanation(result);
        } catch (err) {
            void vscode.window.showErrorMessage(t('cofnod could not explain “{0}”: {1}', id, errorMessage(err)));
            return;
        }
        if (!explanation) {
            void vscode.window.showErrorMessage(t('cofnod has no explanation for “{0}”.', id));
            return;
        }
        const uri = vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: '/' + logic.explanationFileName(id, lang) });
        this.explanations.set(uri, logic.explanationMarkdown(explanation, id));
        try {
            await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
        } catch {
            // Without the built-in Markdown extension, show the Markdown text itself.
            const doc = await vscode.workspace.openTextDocument(uri);
            await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
        }
    }

    /** The open note's scorecard against the recording principles, beside it. */
    private async reviewRecord(): Promise<void> {
        const editor = vscode.window.activeTextEditor;
        if (!editor || !logic.isSupportedDocument(editor.document.languageId, editor.document.uri.scheme)) {
            void vscode.window.showInformationMessage(t('cofnod: open a note (plain text or Markdown) to review it.'));
            return;
        }
        const client = await this.runningClient();
        if (!client) {
            return;
        }
        const configured = vscode.workspace.getConfiguration('cofnod').get('language');
        const args: unknown[] = [editor.document.uri.toString()];
        if (configured === 'en' || configured === 'cy') {
            args.push(configured);
        }
        let review: logic.Explanation | undefined;
        try {
            review = logic.parseExplanation(await this.executeServerCommand(client, logic.SERVER_COMMANDS.review, args));
        } catch (err) {
            void vscode.window.showErrorMessage(t('cofnod could not review this record: {0}', errorMessage(err)));
            return;
        }
        if (!review) {
            void vscode.window.showErrorMessage(t('cofnod could not review this record.'));
            return;
        }
        const uri = vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: '/review.md' });
        this.explanations.set(uri, review.markdown);
        try {
            await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
        } catch {
            const doc = await vscode.workspace.openTextDocument(uri);
            await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
        }
    }

    /** A QuickPick of the six checks; a rule id such as plain-language/commence can be typed. */
    private askForFindingId(): Promise<string | undefined> {
        const categoryItems: vscode.QuickPickItem[] = logic.CATEGORIES.map((c) => ({
            label: c.id,
            description: `${c.title} · ${c.titleCy}`,
            detail: t('Finds {0}', t(c.finds)),
        }));
        const pick = vscode.window.createQuickPick<vscode.QuickPickItem>();
        pick.title = t('cofnod: Explain a finding');
        pick.placeholder = t('Choose a check, or type a rule id such as plain-language/commence');
        pick.matchOnDescription = true;
        pick.matchOnDetail = true;
        pick.items = categoryItems;
        return new Promise((resolve) => {
            let done = false;
            const finish = (value: string | undefined) => {
                if (!done) {
                    done = true;
                    resolve(value);
                    pick.dispose();
                }
            };
            pick.onDidChangeValue((value) => {
                const typed = value.trim();
                if (typed !== '' && logic.isFindingId(typed) && !logic.CATEGORY_IDS.includes(typed)) {
                    pick.items = [{ label: typed, description: t('rule id'), alwaysShow: true }, ...categoryItems];
                } else {
                    pick.items = categoryItems;
                }
            });
            pick.onDidAccept(() => {
                const chosen = pick.selectedItems[0]?.label ?? pick.value.trim();
                finish(chosen && logic.isFindingId(chosen) ? chosen : undefined);
            });
            pick.onDidHide(() => finish(undefined));
            pick.show();
        });
    }
}
