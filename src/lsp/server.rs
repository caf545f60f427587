//! The protocol handlers. State lives behind one `std::sync::Mutex`, held only for
//! map lookups and rope edits (never across an `.await` or an analysis), so edits are
//! applied in the order the client sent them and the reader loop never waits on a check.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Instant, SystemTime};
use tower_lsp_server::jsonrpc::{Error as RpcError, Result as RpcResult};
use tower_lsp_server::ls_types::notification::Notification;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use super::convert::{self, CMD_CHECK_WORKSPACE, CMD_DISABLE_RULE, CMD_EXPLAIN, CMD_IGNORE, CMD_REVIEW, CMD_REWRITE};
use super::settings::ClientSettings;
use super::text::{DocumentText, TextPosition};
use super::transport;
use crate::config::{self, Config};
use crate::engine::{AnalysisCache, Engine};
use crate::finding::{Category, Finding};
use crate::ignored::IgnoreList;
use crate::language::{DocLanguage, Lang};
use crate::models::generator::Generator;
use crate::models::outcomes::{self, Audience, Suggestion};
use crate::models::{rewrite, store, ModelError, ModelUse, Models};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use crate::position::{LineIndex, LspPosition, PositionEncoding};

/// `cofnod/status`: the language and finding count of a note, for a status bar.
pub enum StatusNotification {}

#[derive(Debug, Serialize, Deserialize)]
pub struct StatusParams {
    pub uri: Uri,
    pub language: String,
    pub findings: usize,
    /// Something the writer should know about this note's check: that it was not
    /// checked (too large), or that only some of its findings are shown.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub notice: Option<String>,
}

impl Notification for StatusNotification {
    type Params = StatusParams;
    const METHOD: &'static str = "cofnod/status";
}

struct OpenDoc {
    text: DocumentText,
    version: i32,
    /// Bumped by every change; a debounced analysis runs only if it is still current.
    generation: u64,
    /// The generation as running analyses see it: one that finds it changed stops
    /// between blocks (a stale analysis of a long note gives way to the next).
    live: Arc<AtomicU64>,
    /// Held while the document is analysed: at most one analysis per document.
    running: Arc<tokio::sync::Mutex<()>>,
    cache: Arc<Mutex<AnalysisCache>>,
}

/// A generation no edit reaches: set when a document is closed, to stop its work.
const CLOSED: u64 = u64::MAX;

/// An engine built for one `cofnod.toml` (or none) and the editor's settings.
struct EngineEntry {
    stamp: Option<SystemTime>,
    settings_generation: u64,
    engine: Arc<Engine>,
    config: Arc<Config>,
}

struct State {
    docs: HashMap<Uri, OpenDoc>,
    encoding: PositionEncoding,
    settings: ClientSettings,
    settings_generation: u64,
    folders: Vec<PathBuf>,
    engines: HashMap<Option<PathBuf>, EngineEntry>,
    ignore_lists: HashMap<PathBuf, (Option<SystemTime>, Arc<IgnoreList>)>,
    /// Problems already shown to the user (each is shown once).
    reported: HashSet<String>,
    supports_configuration: bool,
    trace_verbose: bool,
    /// The client inserts templates as snippets (`clientSnippets` at start).
    snippets: bool,
    models: ModelSlot,
    /// The rewrite generator, loaded on the first "Suggest a plainer version".
    generator: Option<Option<Arc<Generator>>>,
    /// The last outcome line's national outcome suggestions, by its text and audience:
    /// a client asks for code actions at every move of the cursor.
    outcome_links: Option<(String, Audience, Arc<Vec<Suggestion>>)>,
}

/// Sets its flag when dropped: a cancelled request drops its future, and the
/// generation running for it on a blocking thread sees the flag and stops.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

#[derive(Deserialize)]
struct RewriteArgs {
    uri: Uri,
    version: i32,
    /// Byte offsets of the sentence in that version.
    start: usize,
    end: usize,
}

/// The on-device models, loaded in the background the first time a note wants them.
enum ModelSlot {
    Unloaded,
    Loading(PathBuf),
    Ready(PathBuf, Arc<Models>),
    /// Not installed or unusable in this folder (said once).
    Unavailable(PathBuf),
}

/// Everything an analysis of one document needs, taken under the lock.
struct Setup {
    engine: Arc<Engine>,
    config: Arc<Config>,
    path: Option<PathBuf>,
    ignore: Option<Arc<IgnoreList>>,
    problems: Vec<String>,
    /// The models, when the note's settings want them and they are loaded.
    models: Option<Arc<Models>>,
    /// Start loading the models from here (the first note that wants them).
    load_models: Option<PathBuf>,
    /// The largest note checked (`cofnod.maxFileSizeMB`, `[files] max_size_mb`).
    max_note_bytes: u64,
}

struct Inner {
    client: Client,
    state: Mutex<State>,
    /// `shutdown` was asked for (an `exit` without it exits with status 1).
    shut_down: Arc<AtomicBool>,
}

#[derive(Clone)]
pub struct Backend {
    inner: Arc<Inner>,
}

/// Serves until `exit` (or the end of input). Returns whether `shutdown` came first.
pub async fn serve() -> bool {
    let shut_down = Arc::new(AtomicBool::new(false));
    let flag = shut_down.clone();
    let (service, socket) = LspService::build(move |client| Backend {
        inner: Arc::new(Inner {
            shut_down: flag.clone(),
            client,
            state: Mutex::new(State {
                docs: HashMap::new(),
                encoding: PositionEncoding::Utf16,
                settings: ClientSettings::default(),
                settings_generation: 0,
                folders: Vec::new(),
                engines: HashMap::new(),
                ignore_lists: HashMap::new(),
                reported: HashSet::new(),
                supports_configuration: false,
                trace_verbose: false,
                snippets: false,
                models: ModelSlot::Unloaded,
                generator: None,
                outcome_links: None,
            }),
        }),
    })
    .custom_method(transport::MALFORMED, Backend::malformed)
    .finish();
    // The server reads through a guard that drops malformed frames (see transport.rs).
    let (guard_end, server_end) = tokio::io::duplex(1 << 16);
    tokio::spawn(transport::sanitise(tokio::io::stdin(), guard_end));
    Server::new(server_end, tokio::io::stdout(), socket).serve(service).await;
    shut_down.load(Ordering::SeqCst)
}

fn file_path(uri: &Uri) -> Option<PathBuf> {
    if uri.scheme().as_str() != "file" {
        return None;
    }
    uri.to_file_path().map(|p| p.into_owned())
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

impl State {
    /// The workspace folder holding `path`, if any (the deepest, if nested).
    fn folder_of(&self, path: &Path) -> Option<PathBuf> {
        self.folders.iter().filter(|f| path.starts_with(f)).max_by_key(|f| f.as_os_str().len()).cloned()
    }

    /// Where a document's workspace files (`cofnod.toml`, `.cofnod/`) live: the
    /// folder of its `cofnod.toml`, else its workspace folder, else its own folder.
    fn root_of(&self, path: &Path) -> Option<PathBuf> {
        let dir = path.parent()?;
        Config::find(dir)
            .and_then(|c| c.parent().map(Path::to_path_buf))
            .or_else(|| self.folder_of(path))
            .or_else(|| Some(dir.to_path_buf()))
    }

    /// The models for a note with this configuration: ready, or to be loaded.
    fn models_for(&mut self, config: &Config) -> (Option<Arc<Models>>, Option<PathBuf>) {
        // COFNOD_MODELS=off switches the models off whatever the settings say.
        if ModelUse::from_env() == Some(ModelUse::Off) || config.models.unwrap_or_default() == ModelUse::Off {
            return (None, None);
        }
        let dir = store::models_dir(None, config.models_dir.as_deref());
        match &self.models {
            ModelSlot::Ready(d, m) if *d == dir => (Some(m.clone()), None),
            ModelSlot::Loading(d) | ModelSlot::Unavailable(d) if *d == dir => (None, None),
            _ => {
                self.models = ModelSlot::Loading(dir.clone());
                (None, Some(dir))
            }
        }
    }

}

/// An open note's current analysis, and what hover and code actions need with it.
struct Current {
    outcome: Outcome,
    enc: PositionEncoding,
    /// The message language the settings fix, if any.
    forced: Option<Lang>,
    engine: Arc<Engine>,
    /// The models, if this note uses them and they are loaded.
    models: Option<Arc<Models>>,
}

/// The result of analysing one text, ready to publish.
struct Outcome {
    diagnostics: Vec<Diagnostic>,
    language: DocLanguage,
    /// Findings left after ignores, with the text they refer to (for hover and actions).
    findings: Vec<Finding>,
    text: Arc<str>,
    micros: u128,
    /// What the writer should know about this check (see `StatusParams::notice`).
    notice: Option<String>,
}

/// Rules only (`models` None, re-using the paragraph cache), or rules and models;
/// `None` if `cancel` called it off (a newer edit came).
fn analyse(
    setup: &Setup,
    cache: Option<&Mutex<AnalysisCache>>,
    text: Arc<str>,
    enc: PositionEncoding,
    models: Option<&Models>,
    cancel: &dyn Fn() -> bool,
) -> Option<Outcome> {
    let started = Instant::now();
    if setup.path.as_deref().is_some_and(|p| setup.config.is_ignored(p)) {
        // `[files] ignore` or the editor's ignore setting covers this note.
        return Some(Outcome { diagnostics: Vec::new(), language: DocLanguage::Unknown, findings: Vec::new(), text, micros: 0, notice: None });
    }
    if text.len() as u64 > setup.max_note_bytes {
        return Some(Outcome::too_large(text, setup.max_note_bytes));
    }
    let analysis = match (models, cache) {
        (Some(models), _) => setup.engine.analyse_with_models_until(&text, models, cancel)?,
        (None, Some(cache)) => {
            let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
            setup.engine.analyse_cached_until(&text, &mut cache, cancel)?
        }
        (None, None) => setup.engine.analyse(&text),
    };
    let mut findings = analysis.findings;
    if let (Some(list), Some(path)) = (&setup.ignore, &setup.path) {
        list.filter(path, &text, &mut findings);
    }
    let index = LineIndex::new(&text);
    // An editor slows to a crawl under hundreds of thousands of squiggles, and the
    // message carrying them would be hundreds of megabytes: the first ones are shown.
    let diagnostics = findings.iter().take(MAX_DIAGNOSTICS).map(|f| convert::diagnostic(&text, &index, f, enc)).collect();
    let notice = (findings.len() > MAX_DIAGNOSTICS).then(|| format!("{} findings; the first {MAX_DIAGNOSTICS} are shown", findings.len()));
    Some(Outcome { diagnostics, language: analysis.language, findings, text: text.clone(), micros: started.elapsed().as_micros(), notice })
}

/// The most diagnostics published for one note.
const MAX_DIAGNOSTICS: usize = 5_000;

impl Outcome {
    /// A note over the size limit: nothing checked, and the reason for the status bar.
    fn too_large(text: Arc<str>, limit: u64) -> Outcome {
        let notice = format!("larger than {} MB; not checked (cofnod.maxFileSizeMB)", limit / crate::input::MB);
        Outcome { diagnostics: Vec::new(), language: DocLanguage::Unknown, findings: Vec::new(), text, micros: 0, notice: Some(notice) }
    }
}

impl Backend {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere must not take the server down with a poisoned lock.
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn client(&self) -> &Client {
        &self.inner.client
    }

    async fn malformed(&self, params: Value) {
        let problem = params.get("problem").and_then(Value::as_str).unwrap_or("a malformed message");
        self.client().log_message(MessageType::WARNING, format!("cofnod: ignored {problem}")).await;
    }

    async fn show_problems(&self, problems: Vec<String>) {
        for p in problems {
            self.client().show_message(MessageType::WARNING, format!("cofnod: {p}")).await;
        }
    }

    /// Everything an analysis of `uri` needs. It reads files (`cofnod.toml`, rule
    /// files, the ignore list), so it runs on a blocking thread, and never with the
    /// state lock held: a slow, huge or hostile file cannot hold up other documents.
    fn setup(&self, uri: &Uri) -> Setup {
        let path = file_path(uri);
        let config_path = path.as_deref().and_then(Path::parent).and_then(Config::find);
        let stamp = config_path.as_deref().and_then(modified);
        let (cached, settings, settings_generation, workspace, root) = {
            let state = self.state();
            let cached = state
                .engines
                .get(&config_path)
                .filter(|e| e.stamp == stamp && e.settings_generation == state.settings_generation)
                .map(|e| (e.engine.clone(), e.config.clone()));
            let workspace = path
                .as_deref()
                .and_then(|p| state.folder_of(p))
                .or_else(|| config_path.as_deref().and_then(Path::parent).map(Path::to_path_buf));
            let root = path.as_deref().and_then(|p| state.root_of(p));
            (cached, state.settings.clone(), state.settings_generation, workspace, root)
        };
        let mut problems = Vec::new();
        let (engine, config) = match cached {
            Some(pair) => pair,
            None => {
                let mut config = match &config_path {
                    None => Config::default(),
                    Some(p) => Config::load(p).unwrap_or_else(|e| {
                        problems.push(format!("{e}; using the default rules"));
                        Config::default()
                    }),
                };
                if let Err(e) = settings.apply_to(&mut config, workspace.as_deref()) {
                    problems.push(e);
                }
                let engine = match config::read_rule_files(&config.rule_files) {
                    Ok(sources) => Engine::with_rules(&sources, config.settings.clone()).map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                };
                let engine = engine.unwrap_or_else(|e| {
                    problems.push(format!("{e}; using the embedded rules"));
                    Engine::with_rules(&[], config.settings.clone()).expect("the embedded rules build")
                });
                let (engine, config) = (Arc::new(engine), Arc::new(config));
                let entry = EngineEntry { stamp, settings_generation, engine: engine.clone(), config: config.clone() };
                self.state().engines.insert(config_path.clone(), entry);
                (engine, config)
            }
        };
        let ignore = root.and_then(|root| self.ignore_list(&root, &mut problems));
        let max_note_bytes = config.max_note_bytes.unwrap_or(crate::input::DEFAULT_MAX_NOTE_BYTES);
        let mut state = self.state();
        problems.retain(|p| state.reported.insert(p.clone()));
        let (models, load_models) = state.models_for(&config);
        Setup { engine, config, path, ignore, problems, models, load_models, max_note_bytes }
    }

    /// The ignore list of a workspace root, read again when its file changes (off the
    /// state lock, like every file).
    fn ignore_list(&self, root: &Path, problems: &mut Vec<String>) -> Option<Arc<IgnoreList>> {
        let stamp = modified(&IgnoreList::path_in(root));
        if let Some((s, list)) = self.state().ignore_lists.get(root) {
            if *s == stamp {
                return Some(list.clone());
            }
        }
        let list = IgnoreList::load(root).unwrap_or_else(|e| {
            problems.push(format!("{e}; no findings are ignored"));
            IgnoreList::default()
        });
        let list = Arc::new(list);
        self.state().ignore_lists.insert(root.to_path_buf(), (stamp, list.clone()));
        Some(list)
    }

    /// `setup`, on a blocking thread.
    async fn setup_for(&self, uri: &Uri) -> Option<Setup> {
        let (this, uri) = (self.clone(), uri.clone());
        tokio::task::spawn_blocking(move || this.setup(&uri)).await.ok()
    }

    /// Analyses an open document and publishes the result, unless a newer edit
    /// (generation) arrives first or the document changed meanwhile (version).
    ///
    /// One analysis per document at a time: a refresh waits for the one running,
    /// and the running one, seeing a newer generation, stops at its next block. So
    /// a burst of keystrokes on a slow note costs one analysis, not one each.
    async fn refresh(&self, uri: Uri, generation: Option<u64>) {
        let (wanted, live, running) = {
            let state = self.state();
            let Some(doc) = state.docs.get(&uri) else { return };
            if generation.is_some_and(|g| g != doc.generation) {
                return;
            }
            (doc.generation, doc.live.clone(), doc.running.clone())
        };
        let _turn = running.lock_owned().await;
        if live.load(Ordering::SeqCst) != wanted {
            return; // A newer edit came while this one waited; its refresh follows.
        }
        let Some(setup) = self.setup_for(&uri).await else { return };
        let (text, version, cache, enc, trace) = {
            let state = self.state();
            let Some(doc) = state.docs.get(&uri).filter(|d| d.generation == wanted) else { return };
            // A note over the limit is not copied, let alone analysed.
            let too_large = doc.text.len_bytes() as u64 > setup.max_note_bytes;
            let text = (!too_large).then(|| Arc::<str>::from(doc.text.text()));
            (text, doc.version, doc.cache.clone(), state.encoding, state.trace_verbose || state.settings.trace_verbose)
        };
        let problems = setup.problems.clone();
        self.start_loading(&setup);
        self.show_problems(problems).await;
        let Some(text) = text else {
            let outcome = Outcome::too_large(Arc::from(""), setup.max_note_bytes);
            let name = uri.path().as_str().rsplit('/').next().unwrap_or_default().to_string();
            let notice = format!("{name}: {}", outcome.notice.as_deref().unwrap_or_default());
            if self.state().reported.insert(format!("{}\n{notice}", uri.as_str())) {
                self.client().show_message(MessageType::WARNING, format!("cofnod: {notice}")).await;
            }
            self.publish(uri, Some(version), outcome, trace).await;
            return;
        };
        let setup = Arc::new(setup);
        let cancel = move || live.load(Ordering::Relaxed) != wanted;
        let (rules_setup, rules_text, rules_cancel) = (setup.clone(), text.clone(), cancel.clone());
        let outcome = tokio::task::spawn_blocking(move || analyse(&rules_setup, Some(&cache), rules_text, enc, None, &rules_cancel)).await;
        let outcome = match outcome {
            Ok(Some(outcome)) => outcome,
            Ok(None) => return, // Called off by a newer edit.
            Err(_) => {
                self.client().log_message(MessageType::ERROR, format!("cofnod: the analysis of {} failed", uri.as_str())).await;
                return;
            }
        };
        let current = |this: &Self| this.state().docs.get(&uri).map(|d| (d.version, d.generation));
        if current(self) != Some((version, wanted)) {
            return; // Stale: a newer version is on its way.
        }
        self.publish(uri.clone(), Some(version), outcome, trace).await;

        // Rules first, then the models' findings when the encoder is done (off the
        // reader loop; sentences already seen come from the embedding cache).
        let Some(models) = setup.models.clone() else { return };
        let outcome = tokio::task::spawn_blocking(move || analyse(&setup, None, text, enc, Some(&models), &cancel)).await;
        let Ok(Some(outcome)) = outcome else { return };
        if current(self) == Some((version, wanted)) {
            self.publish(uri, Some(version), outcome, trace).await;
        }
    }

    /// Whoever first builds a setup that wants the models starts loading them
    /// (`State::models_for` marked them as loading).
    fn start_loading(&self, setup: &Setup) {
        if let Some(dir) = setup.load_models.clone() {
            self.load_models(dir);
        }
    }

    /// Load the models in the background; when they are ready, re-check open notes.
    fn load_models(&self, dir: PathBuf) {
        let this = self.clone();
        tokio::spawn(async move {
            let load_dir = dir.clone();
            let loaded = tokio::task::spawn_blocking(move || Models::load(&load_dir)).await;
            let message = match loaded {
                Ok(Ok(models)) => {
                    this.state().models = ModelSlot::Ready(dir.clone(), Arc::new(models));
                    this.client().log_message(MessageType::INFO, format!("cofnod: models loaded from {}", dir.display())).await;
                    this.refresh_all().await;
                    return;
                }
                Ok(Err(ModelError::NotInstalled(_))) => {
                    this.client()
                        .log_message(MessageType::INFO, "cofnod: no models installed; the embedded rules run alone (`cofnod models install` adds the model checks)")
                        .await;
                    None
                }
                Ok(Err(e)) => Some(format!("{e}; the embedded rules run alone")),
                Err(_) => Some("the models failed to load; the embedded rules run alone".to_string()),
            };
            this.state().models = ModelSlot::Unavailable(dir);
            if let Some(m) = message {
                this.show_problems(vec![m]).await;
            }
        });
    }

    async fn publish(&self, uri: Uri, version: Option<i32>, outcome: Outcome, trace: bool) {
        let count = outcome.diagnostics.len();
        let mut log = format!("cofnod: {} v{}: {count} findings in {} µs", uri.as_str(), version.unwrap_or(0), outcome.micros);
        if trace {
            // Only when the user asked for verbose tracing: the flagged words.
            for f in &outcome.findings {
                log.push_str(&format!("\n  {} {:?}", f.rule, &outcome.text[f.start..f.end]));
            }
        }
        self.client().log_message(MessageType::LOG, log).await;
        let language = outcome.language.code().to_string();
        self.client().publish_diagnostics(uri.clone(), outcome.diagnostics, version).await;
        // The status counts every finding, shown or not.
        let (findings, notice) = (outcome.findings.len().max(count), outcome.notice);
        self.client().send_notification::<StatusNotification>(StatusParams { uri, language, findings, notice }).await;
    }

    /// "Suggest a plainer version": checked candidates for one sentence, offered to
    /// the writer; the chosen one is applied as an edit. Returns every candidate,
    /// with the reasons the refused ones were refused.
    async fn rewrite(&self, args: RewriteArgs) -> RpcResult<Option<Value>> {
        let setup = self.setup_for(&args.uri).await.ok_or_else(|| lsp_error("the note could not be read"))?;
        let (text, enc) = {
            let state = self.state();
            let doc = state.docs.get(&args.uri).ok_or_else(|| lsp_error("the note is not open"))?;
            if doc.version != args.version {
                return Err(lsp_error("the note has changed since; ask again"));
            }
            (Arc::<str>::from(doc.text.text()), state.encoding)
        };
        self.start_loading(&setup);
        let sentence = text
            .get(args.start..args.end)
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| lsp_error("the range is not a sentence of the note"))?
            .to_string();
        let generator = self.generator(&setup).await;
        let cancelled = Arc::new(AtomicBool::new(false));
        let _guard = CancelOnDrop(cancelled.clone());
        let (engine, models) = (setup.engine.clone(), setup.models.clone());
        let result = tokio::task::spawn_blocking(move || {
            rewrite::rewrite(&engine, models.as_deref(), generator.as_deref(), &sentence, &|| cancelled.load(Ordering::Relaxed))
        })
        .await
        .map_err(|_| lsp_error("the rewrite failed"))?;
        let accepted: Vec<String> = result.accepted().map(|c| c.text.clone()).collect();
        let welsh = result.lang == Lang::Cy;
        if accepted.is_empty() {
            let message = if welsh { "Ni basiodd unrhyw fersiwn gliriach wiriadau cofnod." } else { "No plainer version passed cofnod's checks." };
            self.client().show_message(MessageType::INFO, message).await;
        } else {
            let prompt = if welsh { "Fersiynau cliriach a basiodd wiriadau cofnod:" } else { "Plainer versions that passed cofnod's checks:" };
            let items = accepted.iter().take(3).map(|t| MessageActionItem { title: t.clone(), properties: HashMap::new() }).collect();
            let choice = self.client().show_message_request(MessageType::INFO, prompt, Some(items)).await.ok().flatten();
            if let Some(choice) = choice {
                let still = self.state().docs.get(&args.uri).map(|d| d.version) == Some(args.version);
                if still {
                    let index = LineIndex::new(&text);
                    let pos = |o: usize| {
                        let p = index.lsp_position(o, enc);
                        Position { line: p.line, character: p.character }
                    };
                    let edit = TextEdit { range: Range { start: pos(args.start), end: pos(args.end) }, new_text: choice.title };
                    let changes = HashMap::from([(args.uri.clone(), vec![edit])]);
                    let _ = self.client().apply_edit(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }).await;
                }
            }
        }
        Ok(Some(serde_json::to_value(&result).unwrap_or(Value::Null)))
    }

    /// The generator, loaded once on first use (none if not installed or off).
    async fn generator(&self, setup: &Setup) -> Option<Arc<Generator>> {
        setup.models.as_ref()?;
        if let Some(g) = &self.state().generator {
            return g.clone();
        }
        let dir = store::models_dir(None, setup.config.models_dir.as_deref());
        let loaded = tokio::task::spawn_blocking(move || Generator::load(&dir)).await.ok();
        let generator = match loaded {
            Some(Ok(g)) => Some(Arc::new(g)),
            Some(Err(e)) => {
                self.client().log_message(MessageType::INFO, format!("cofnod: {e}; rewrites use the word lists only")).await;
                None
            }
            None => None,
        };
        self.state().generator = Some(generator.clone());
        generator
    }

    async fn refresh_all(&self) {
        let uris: Vec<Uri> = self.state().docs.keys().cloned().collect();
        for uri in uris {
            self.refresh(uri, None).await;
        }
    }

    /// A fresh analysis of an open document's current text (for hover and actions),
    /// taking its turn with the document's other analyses.
    async fn current(&self, uri: &Uri) -> Option<Current> {
        let running = self.state().docs.get(uri)?.running.clone();
        let _turn = running.lock_owned().await;
        let setup = self.setup_for(uri).await?;
        let (text, cache, enc, wanted, live) = {
            let state = self.state();
            // A note over the size limit has no findings to hover on or fix.
            let doc = state.docs.get(uri).filter(|d| d.text.len_bytes() as u64 <= setup.max_note_bytes)?;
            (Arc::<str>::from(doc.text.text()), doc.cache.clone(), state.encoding, doc.generation, doc.live.clone())
        };
        self.start_loading(&setup);
        let forced = setup.config.settings.message_lang;
        let (engine, models) = (setup.engine.clone(), setup.models.clone());
        let outcome = tokio::task::spawn_blocking(move || {
            let models = setup.models.clone();
            analyse(&setup, Some(&cache), text, enc, models.as_deref(), &|| live.load(Ordering::Relaxed) != wanted)
        })
        .await
        .ok()??;
        Some(Current { outcome, enc, forced, engine, models })
    }

    /// National outcome suggestions for an outcome line, for `outcome_links`'s one-entry
    /// cache or the encoder (on a blocking thread). `None` without usable prototypes.
    async fn outcome_suggestions(&self, models: Arc<Models>, line: &convert::OutcomeLine) -> Option<Arc<Vec<Suggestion>>> {
        if !outcomes::prototypes_are_current() {
            return None;
        }
        let cached = self.state().outcome_links.as_ref().filter(|(t, a, _)| *t == line.text && *a == line.audience).map(|(_, _, s)| s.clone());
        if cached.is_some() {
            return cached;
        }
        let (text, audience) = (line.text.clone(), line.audience);
        let suggestions = tokio::task::spawn_blocking(move || outcomes::suggest_for(&models, &text, audience)).await.ok().flatten()?;
        let suggestions = Arc::new(suggestions);
        self.state().outcome_links = Some((line.text.clone(), line.audience, suggestions.clone()));
        Some(suggestions)
    }

    async fn apply_settings(&self, value: &Value) {
        let (settings, problems) = ClientSettings::from_json(value);
        let problems: Vec<String> = {
            let mut state = self.state();
            if state.settings != settings {
                state.settings = settings;
                state.settings_generation += 1;
            }
            problems.into_iter().filter(|p| state.reported.insert(p.clone())).collect()
        };
        self.show_problems(problems).await;
    }

    async fn pull_settings(&self) {
        let items = vec![ConfigurationItem { scope_uri: None, section: Some("cofnod".to_string()) }];
        if let Ok(values) = self.client().configuration(items).await {
            if let Some(v) = values.first().filter(|v| !v.is_null()) {
                self.apply_settings(v).await;
            }
        }
    }

    /// Analyses every note under `folder`. Notes open in the editor are counted with
    /// their current text but not republished (their diagnostics are live already).
    fn check_workspace(&self, folder: PathBuf) -> (Vec<(Uri, Outcome)>, usize, usize, usize) {
        let mut results = Vec::new();
        let (mut files, mut errors, mut open_findings) = (0, 0, 0);
        // Open notes by path: clients spell URIs differently ("Si%c3%a2n" and
        // "Si%C3%A2n"), so a URI built here may not equal the one a note was opened by.
        let open: HashMap<PathBuf, Uri> =
            self.state().docs.keys().filter_map(|uri| file_path(uri).map(|p| (p, uri.clone()))).collect();
        for found in crate::input::notes_under(&folder).0 {
            let path = match found {
                crate::input::Found::Note(path) => path,
                crate::input::Found::Problem(..) => {
                    files += 1;
                    errors += 1;
                    continue;
                }
            };
            let path = path.as_path();
            let Some(uri) = open.get(path).cloned().or_else(|| Uri::from_file_path(path)) else { continue };
            let setup = self.setup(&uri);
            let (enc, open_text) = {
                let state = self.state();
                let open_text = state.docs.get(&uri).map(|d| Arc::<str>::from(d.text.text()));
                (state.encoding, open_text)
            };
            self.start_loading(&setup);
            if setup.config.is_ignored(path) {
                continue;
            }
            files += 1;
            let never = || false;
            if let Some(text) = open_text {
                open_findings += analyse(&setup, None, text, enc, None, &never).map_or(0, |o| o.findings.len());
                continue;
            }
            match crate::input::read(path, setup.max_note_bytes) {
                Ok(decoded) => results.extend(analyse(&setup, None, Arc::from(decoded.text), enc, None, &never).map(|o| (uri, o))),
                Err(crate::input::InputError::Empty) => {}
                Err(_) => errors += 1,
            }
        }
        (results, files, errors, open_findings)
    }
}

fn lsp_error(message: impl Into<String>) -> RpcError {
    RpcError { code: tower_lsp_server::jsonrpc::ErrorCode::InvalidParams, message: message.into().into(), data: None }
}

#[derive(Deserialize)]
struct FindingArgs {
    uri: Uri,
    rule: String,
    fingerprint: Option<String>,
}

/// Adds `rule` to `[rules] disable` in `root/cofnod.toml`, keeping the file's comments
/// and layout (toml_edit), creating the file if there is none.
fn disable_in_config(root: &Path, rule: &str) -> Result<PathBuf, String> {
    let path = Config::find(root).unwrap_or_else(|| root.join(config::FILE_NAME));
    let name = crate::safe_text::path(&path);
    let source = if std::fs::symlink_metadata(&path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
        String::new()
    } else {
        crate::input::read_settings_file(&path).map_err(|e| format!("{name}: {e}"))?
    };
    // A problem names the place and what is wrong, never the file's text.
    let mut doc: toml_edit::DocumentMut = source
        .parse()
        .map_err(|e: toml_edit::TomlError| crate::safe_text::FileProblem::toml(&name, &source, e.span(), e.message()).to_string())?;
    let rules = doc.entry("rules").or_insert_with(toml_edit::table).as_table_mut().ok_or_else(|| format!("{name}: [rules] is not a table"))?;
    let disable = rules
        .entry("disable")
        .or_insert_with(|| toml_edit::value(toml_edit::Array::new()))
        .as_array_mut()
        .ok_or_else(|| format!("{name}: rules.disable is not a list"))?;
    if !disable.iter().any(|v| v.as_str() == Some(rule)) {
        disable.push(rule);
    }
    std::fs::write(&path, doc.to_string()).map_err(|e| format!("{name}: {}", e.kind()))?;
    Ok(path)
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> RpcResult<InitializeResult> {
        let utf8 = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|encs| encs.contains(&PositionEncodingKind::UTF8));
        let mut folders: Vec<PathBuf> =
            params.workspace_folders.iter().flatten().filter_map(|f| file_path(&f.uri)).collect();
        #[allow(deprecated)]
        if folders.is_empty() {
            folders.extend(params.root_uri.as_ref().and_then(file_path));
        }
        {
            let mut state = self.state();
            state.encoding = if utf8 { PositionEncoding::Utf8 } else { PositionEncoding::Utf16 };
            state.folders = folders;
            state.supports_configuration =
                params.capabilities.workspace.as_ref().and_then(|w| w.configuration).unwrap_or(false);
            state.trace_verbose = params.trace == Some(TraceValue::Verbose);
        }
        if let Some(options) = &params.initialization_options {
            self.state().snippets = options.get("clientSnippets").and_then(Value::as_bool).unwrap_or(false);
            self.apply_settings(options).await;
        }
        Ok(InitializeResult {
            server_info: Some(ServerInfo { name: "cofnod".to_string(), version: Some(env!("CARGO_PKG_VERSION").to_string()) }),
            capabilities: ServerCapabilities {
                position_encoding: Some(if utf8 { PositionEncodingKind::UTF8 } else { PositionEncodingKind::UTF16 }),
                text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                    ..TextDocumentSyncOptions::default()
                })),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                    code_action_kinds: Some(vec![
                        CodeActionKind::QUICKFIX,
                        CodeActionKind::REFACTOR_REWRITE,
                        convert::OUTCOME_LINK,
                        convert::FIX_ALL,
                    ]),
                    ..CodeActionOptions::default()
                })),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: convert::COMMANDS.iter().map(|c| c.to_string()).collect(),
                    ..ExecuteCommandOptions::default()
                }),
                workspace: Some(WorkspaceServerCapabilities {
                    workspace_folders: Some(WorkspaceFoldersServerCapabilities { supported: Some(true), change_notifications: Some(OneOf::Left(true)) }),
                    file_operations: None,
                }),
                ..ServerCapabilities::default()
            },
            ..InitializeResult::default()
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let pull = self.state().supports_configuration;
        if pull {
            self.pull_settings().await;
            self.refresh_all().await;
        }
    }

    async fn shutdown(&self) -> RpcResult<()> {
        self.inner.shut_down.store(true, Ordering::SeqCst);
        // Stop every analysis still running.
        for doc in self.state().docs.values() {
            doc.live.store(CLOSED, Ordering::SeqCst);
        }
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let generation = {
            let mut state = self.state();
            // Opened again: the same turn and cancel flag, so earlier work stops.
            let (generation, live, running) = match state.docs.get(&doc.uri) {
                Some(d) => (d.generation + 1, d.live.clone(), d.running.clone()),
                None => (0, Arc::new(AtomicU64::new(0)), Arc::default()),
            };
            live.store(generation, Ordering::SeqCst);
            let text = DocumentText::new(&doc.text);
            let open = OpenDoc { text, version: doc.version, generation, live, running, cache: Arc::default() };
            state.docs.insert(doc.uri.clone(), open);
            generation
        };
        self.refresh(doc.uri, Some(generation)).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        // Edits are applied here, before any `.await`, so they keep the client's order.
        let (generation, delay, problems) = {
            let mut state = self.state();
            let enc = state.encoding;
            let delay = state.settings.debounce();
            let Some(doc) = state.docs.get_mut(&uri) else { return };
            let mut problems = Vec::new();
            for change in &params.content_changes {
                match change.range {
                    None => doc.text.replace_all(&change.text),
                    Some(r) => {
                        let p = |p: Position| TextPosition { line: p.line, character: p.character };
                        if let Err(e) = doc.text.edit(p(r.start), p(r.end), &change.text, enc) {
                            problems.push(format!("cofnod: ignored an edit to {}: {e}", uri.as_str()));
                        }
                    }
                }
            }
            doc.version = params.text_document.version;
            doc.generation += 1;
            doc.live.store(doc.generation, Ordering::SeqCst);
            (doc.generation, delay, problems)
        };
        for p in problems {
            self.client().log_message(MessageType::WARNING, p).await;
        }
        let this = self.clone();
        tokio::spawn(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            this.refresh(uri, Some(generation)).await;
        });
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let name = params.text_document.uri.path().as_str().rsplit('/').next().unwrap_or_default().to_string();
        if name == config::FILE_NAME || name == crate::ignored::FILE_NAME {
            {
                let mut state = self.state();
                state.engines.clear();
                state.ignore_lists.clear();
            }
            self.refresh_all().await;
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if let Some(doc) = self.state().docs.remove(&uri) {
            doc.live.store(CLOSED, Ordering::SeqCst);
        }
        self.client().publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let pushed = params.settings.as_object().is_some_and(|m| !m.is_empty());
        if pushed {
            self.apply_settings(&params.settings).await;
        } else if self.state().supports_configuration {
            self.pull_settings().await;
        }
        self.refresh_all().await;
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let mut state = self.state();
        let removed: Vec<PathBuf> = params.event.removed.iter().filter_map(|f| file_path(&f.uri)).collect();
        state.folders.retain(|f| !removed.contains(f));
        state.folders.extend(params.event.added.iter().filter_map(|f| file_path(&f.uri)));
        state.engines.clear();
    }

    async fn hover(&self, params: HoverParams) -> RpcResult<Option<Hover>> {
        let pos = params.text_document_position_params;
        let Some(Current { outcome, enc, forced, engine, .. }) = self.current(&pos.text_document.uri).await else { return Ok(None) };
        let index = LineIndex::new(&outcome.text);
        let Some(offset) = index.offset_of(LspPosition { line: pos.position.line, character: pos.position.character }, enc) else {
            return Ok(None);
        };
        let here: Vec<&Finding> = outcome.findings.iter().filter(|f| f.start <= offset && offset < f.end).collect();
        if here.is_empty() {
            return Ok(None);
        }
        let start = here.iter().map(|f| f.start).min().unwrap_or(offset);
        let end = here.iter().map(|f| f.end).max().unwrap_or(offset);
        Ok(Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: convert::hover_markdown(engine.rules(), &here, forced),
            }),
            range: Some(convert::range(&index, start, end, enc)),
        }))
    }

    async fn code_action(&self, params: CodeActionParams) -> RpcResult<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        // The kinds the client asked for (`only`): the rest are not worked out.
        let only = params.context.only.as_deref();
        let Some(Current { outcome, enc, forced, engine, models }) = self.current(&uri).await else { return Ok(None) };
        let index = LineIndex::new(&outcome.text);
        let offset = |p: Position| index.offset_of(LspPosition { line: p.line, character: p.character }, enc);
        let (Some(from), Some(to)) = (offset(params.range.start), offset(params.range.end)) else { return Ok(None) };
        let in_range: Vec<&Finding> = outcome.findings.iter().filter(|f| f.start <= to && from <= f.end).collect();
        let snippets = self.state().snippets;
        let mut actions = Vec::new();
        for f in &in_range {
            let for_finding = convert::code_actions(&uri, &outcome.text, &index, f, enc, forced, snippets);
            actions.extend(for_finding.into_iter().map(CodeActionOrCommand::CodeAction));
        }
        // The sentences those findings are in, each once, and the outcome line the range
        // is on (only with the models, which suggest its links): the document built once.
        let rewrites = !in_range.is_empty() && convert::wanted(&CodeActionKind::REFACTOR_REWRITE, only);
        let links = models.is_some() && convert::wanted(&convert::OUTCOME_LINK, only);
        let (sentences, outcome_line): (Vec<(usize, usize, Lang)>, Option<convert::OutcomeLine>) = if rewrites || links {
            engine.with_document(&outcome.text, |doc| {
                let sentences = doc
                    .sentences
                    .iter()
                    .filter(|s| rewrites && in_range.iter().any(|f| s.start <= f.start && f.start < s.end))
                    .map(|s| (s.start, s.end, s.lang))
                    .collect();
                (sentences, if links { convert::outcome_at(doc, from, to) } else { None })
            })
        } else {
            (Vec::new(), None)
        };
        // On demand: the generator runs only when the writer picks this.
        let version = self.state().docs.get(&uri).map(|d| d.version);
        for (start, end, lang) in sentences {
            let title = match forced.unwrap_or(lang) {
                Lang::En => "Suggest a plainer version",
                Lang::Cy => "Awgrymu fersiwn gliriach",
            };
            let args = json!({ "uri": uri.as_str(), "version": version, "start": start, "end": end });
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: title.to_string(),
                kind: Some(CodeActionKind::REFACTOR_REWRITE),
                command: Some(Command { title: title.to_string(), command: CMD_REWRITE.to_string(), arguments: Some(vec![args]) }),
                ..CodeAction::default()
            }));
        }
        // "Link to national outcome N": the encoder ranks the statements for this line.
        if let (Some(line), Some(models)) = (outcome_line, models) {
            if let Some(suggestions) = self.outcome_suggestions(models, &line).await {
                let title_lang = forced.unwrap_or(line.lang);
                let links = convert::outcome_links(&uri, &index, line.at, enc, line.lang, title_lang, &suggestions);
                actions.extend(links.into_iter().map(CodeActionOrCommand::CodeAction));
            }
        }
        // The whole note: every plain-language finding's preferred fix in one edit.
        if convert::wanted(&convert::FIX_ALL, only) {
            let lang = forced.unwrap_or(if outcome.language == DocLanguage::Cy { Lang::Cy } else { Lang::En });
            if let Some(action) = convert::fix_all(&uri, &index, &outcome.findings, enc, lang) {
                actions.push(CodeActionOrCommand::CodeAction(action));
            }
        }
        actions.retain(|a| match a {
            CodeActionOrCommand::CodeAction(a) => a.kind.as_ref().is_none_or(|k| convert::wanted(k, only)),
            CodeActionOrCommand::Command(_) => only.is_none(),
        });
        Ok(Some(actions))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> RpcResult<Option<Value>> {
        let arg = |i: usize| params.arguments.get(i).cloned().unwrap_or(Value::Null);
        match params.command.as_str() {
            CMD_REWRITE => {
                let args: RewriteArgs = serde_json::from_value(arg(0)).map_err(|e| lsp_error(format!("rewrite: {e}")))?;
                self.rewrite(args).await
            }
            CMD_EXPLAIN => {
                let id = arg(0).as_str().map(str::to_string).ok_or_else(|| lsp_error("explain needs a category or rule id"))?;
                let lang = arg(1).as_str().and_then(Lang::parse).unwrap_or(Lang::En);
                let book = crate::rulebook::RuleBook::embedded();
                let category = Category::from_id(id.split('/').next().unwrap_or_default())
                    .filter(|_| !id.contains('/') || book.terms_with_rule(&id).next().is_some())
                    .ok_or_else(|| lsp_error(format!("no check or rule called \"{id}\"")))?;
                let mut markdown = String::new();
                if id.contains('/') {
                    let words: Vec<String> = book.terms_with_rule(&id).flat_map(|(_, t)| t.phrases.clone()).collect();
                    markdown.push_str(&format!("`{id}`: {}\n\n", words.join(", ")));
                }
                markdown.push_str(&convert::explanation_markdown(&book, category, lang));
                let title = book.messages.explanation(category, lang).title.clone();
                Ok(Some(json!({ "title": title, "markdown": markdown })))
            }
            CMD_REVIEW => {
                // [uri, lang?]: the open note's scorecard, in the note's language unless asked.
                let uri: Uri = serde_json::from_value(arg(0)).map_err(|e| lsp_error(format!("review: {e}")))?;
                let setup = self.setup_for(&uri).await.ok_or_else(|| lsp_error("the note could not be read"))?;
                let text = {
                    let state = self.state();
                    let doc = state.docs.get(&uri).ok_or_else(|| lsp_error("the note is not open"))?;
                    doc.text.text()
                };
                let asked = arg(1).as_str().and_then(Lang::parse);
                let engine = setup.engine.clone();
                let result = tokio::task::spawn_blocking(move || {
                    let draft = crate::compare::Draft::analyse(&engine, None, &text);
                    let lang = asked.unwrap_or(if draft.language == crate::language::DocLanguage::Cy { Lang::Cy } else { Lang::En });
                    let principles = crate::review::Principles::embedded();
                    let card = crate::review::score(&draft, &principles, lang);
                    let markdown = crate::review::text::markdown(&draft, &card, &principles, lang);
                    let json = serde_json::to_value(crate::review::json::record(String::new(), &draft, &card, &principles, lang)).unwrap_or(Value::Null);
                    let title = if lang == Lang::Cy { "Adolygiad o'r cofnod" } else { "Record review" };
                    json!({ "title": title, "markdown": markdown, "principles": json["principles"] })
                })
                .await
                .map_err(|_| lsp_error("the review stopped"))?;
                Ok(Some(result))
            }
            CMD_IGNORE => {
                let args: FindingArgs = serde_json::from_value(arg(0)).map_err(|e| lsp_error(format!("ignoreFinding: {e}")))?;
                let fingerprint = args.fingerprint.ok_or_else(|| lsp_error("ignoreFinding needs a fingerprint"))?;
                let path = file_path(&args.uri).ok_or_else(|| lsp_error("only files on disk can have ignored findings"))?;
                let result = {
                    let mut state = self.state();
                    let root = state.root_of(&path).ok_or_else(|| lsp_error("the file has no folder"))?;
                    let mut list = IgnoreList::load(&root).map_err(lsp_error)?;
                    list.add(&path, &args.rule, &fingerprint).map_err(lsp_error)?;
                    let stamp = modified(&IgnoreList::path_in(&root));
                    state.ignore_lists.insert(root, (stamp, Arc::new(list)));
                    Ok::<_, RpcError>(())
                };
                result?;
                self.refresh(args.uri, None).await;
                Ok(None)
            }
            CMD_DISABLE_RULE => {
                let args: FindingArgs = serde_json::from_value(arg(0)).map_err(|e| lsp_error(format!("disableRule: {e}")))?;
                if !config::is_known_id(&args.rule) {
                    return Err(lsp_error(format!("\"{}\" is not a category or rule id", args.rule)));
                }
                let path = file_path(&args.uri).ok_or_else(|| lsp_error("only files in a folder can have workspace settings"))?;
                {
                    let mut state = self.state();
                    let root = state.root_of(&path).ok_or_else(|| lsp_error("the file has no folder"))?;
                    disable_in_config(&root, &args.rule).map_err(lsp_error)?;
                    state.engines.clear();
                }
                self.refresh_all().await;
                Ok(None)
            }
            CMD_CHECK_WORKSPACE => {
                let folder = match arg(0).as_str() {
                    Some(s) => s.parse::<Uri>().ok().as_ref().and_then(file_path),
                    None => self.state().folders.first().cloned(),
                };
                let folder = folder.filter(|f| f.is_dir()).ok_or_else(|| lsp_error("checkWorkspace needs a workspace folder"))?;
                let this = self.clone();
                let (results, files, errors, mut findings) =
                    tokio::task::spawn_blocking(move || this.check_workspace(folder)).await.map_err(|_| lsp_error("the check failed"))?;
                for (uri, outcome) in results {
                    findings += outcome.diagnostics.len();
                    self.client().publish_diagnostics(uri, outcome.diagnostics, None).await;
                }
                Ok(Some(json!({ "files": files, "findings": findings, "errors": errors })))
            }
            other => Err(lsp_error(format!("unknown command \"{other}\""))),
        }
    }
}
