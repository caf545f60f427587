//! Findings into protocol shapes: diagnostics, hovers and code actions. Pure
//! functions of a text, its findings and the rules, so they are tested without a
//! client.

use serde_json::{json, Value};
use std::collections::HashMap;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, Command, Diagnostic, DiagnosticSeverity, NumberOrString, Position, Range, TextEdit, Uri,
    WorkspaceEdit,
};

use crate::finding::{Category, Finding, Severity};
use crate::ignored;
use crate::language::Lang;
use crate::document::{BlockKind, Document, LabelKind};
use crate::models::outcomes::{Audience, Statement, Suggestion};
use crate::position::{LineIndex, LspPosition, PositionEncoding};
use crate::rulebook::RuleBook;

pub const SOURCE: &str = "cofnod";
pub const CMD_CHECK_WORKSPACE: &str = "cofnod.server.checkWorkspace";
pub const CMD_EXPLAIN: &str = "cofnod.server.explain";
pub const CMD_IGNORE: &str = "cofnod.server.ignoreFinding";
pub const CMD_DISABLE_RULE: &str = "cofnod.server.disableRule";
pub const CMD_REWRITE: &str = "cofnod.server.rewrite";
/// The record's scorecard against the recording principles (`crate::review`).
pub const CMD_REVIEW: &str = "cofnod.server.review";
pub const COMMANDS: [&str; 6] = [CMD_CHECK_WORKSPACE, CMD_EXPLAIN, CMD_IGNORE, CMD_DISABLE_RULE, CMD_REWRITE, CMD_REVIEW];

pub fn range(index: &LineIndex, start: usize, end: usize, enc: PositionEncoding) -> Range {
    let p = |o| {
        let LspPosition { line, character } = index.lsp_position(o, enc);
        Position { line, character }
    };
    Range { start: p(start), end: p(end) }
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Hint => DiagnosticSeverity::HINT,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Error => DiagnosticSeverity::ERROR,
    }
}

/// The language messages come in for a finding: the configured one, else the text's.
pub fn message_lang(finding: &Finding, forced: Option<Lang>) -> Lang {
    forced.unwrap_or(finding.lang)
}

pub fn diagnostic(text: &str, index: &LineIndex, f: &Finding, enc: PositionEncoding) -> Diagnostic {
    Diagnostic {
        range: range(index, f.start, f.end, enc),
        severity: Some(severity(f.severity)),
        code: Some(NumberOrString::String(f.category.id().to_string())),
        source: Some(SOURCE.to_string()),
        message: f.message.clone(),
        // The rule id, and the fingerprint that "Ignore this finding" stores.
        data: Some(json!({ "rule": f.rule, "lang": f.lang.code(), "fingerprint": ignored::fingerprint(text, f) })),
        ..Diagnostic::default()
    }
}

/// The explanation of a category as Markdown: principle, why, and a bad and a good example.
pub fn explanation_markdown(book: &RuleBook, category: Category, lang: Lang) -> String {
    let e = book.messages.explanation(category, lang);
    let (why, bad, good) = match lang {
        Lang::En => ("Why it matters", "Not like this", "Like this"),
        Lang::Cy => ("Pam mae’n bwysig", "Nid fel hyn", "Fel hyn"),
    };
    format!(
        "**{}** (`{}`)\n\n{}\n\n*{why}:* {}\n\n✗ {bad}: _{}_\n\n✓ {good}: _{}_",
        e.title,
        category.id(),
        e.principle,
        e.why,
        e.bad,
        e.good
    )
}

/// Hover text for the findings at a spot: each message, its suggestions, and the
/// principle behind its check (once per category).
pub fn hover_markdown(book: &RuleBook, findings: &[&Finding], forced: Option<Lang>) -> String {
    let mut parts = Vec::new();
    let mut explained = Vec::new();
    for f in findings {
        let lang = message_lang(f, forced);
        let mut part = format!("**cofnod** · `{}`\n\n{}", f.rule, f.message);
        for s in &f.suggestions {
            part.push_str(&format!("\n\n→ {}", s.description));
        }
        if !explained.contains(&f.category) {
            explained.push(f.category);
            part.push_str("\n\n---\n\n");
            part.push_str(&explanation_markdown(book, f.category, lang));
        }
        parts.push(part);
    }
    parts.join("\n\n---\n\n")
}

/// Where a template leaves the writer a gap.
pub const TEMPLATE_GAP: &str = "…";
/// The client's command that inserts a snippet (the VS Code extension's).
pub const CLIENT_INSERT_SNIPPET: &str = "cofnod.insertSnippet";

/// A template as snippet text: each gap a tab stop with "…" selected, and the
/// snippet syntax's own characters (`$`, `}`, `\`) escaped.
pub fn snippet(template: &str) -> String {
    let mut out = String::new();
    let mut stop = 0;
    for c in template.chars() {
        match c {
            '$' | '}' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '…' => {
                stop += 1;
                out.push_str(&format!("${{{stop}:…}}"));
            }
            _ => out.push(c),
        }
    }
    out
}

/// Code actions for one finding: its plain-language replacements, "Ignore this
/// finding" and "Turn off this rule for this workspace".
///
/// A template ("… because …") is a snippet where the client runs
/// `cofnod.insertSnippet` (`snippets`: the VS Code extension says so at start): the
/// cursor lands in the gap, "…" selected. Other clients get the text with "…" in it.
pub fn code_actions(uri: &Uri, text: &str, index: &LineIndex, f: &Finding, enc: PositionEncoding, forced: Option<Lang>, snippets: bool) -> Vec<CodeAction> {
    let diag = diagnostic(text, index, f, enc);
    let lang = message_lang(f, forced);
    let mut actions = Vec::new();
    for (i, s) in f.suggestions.iter().enumerate() {
        let Some(replacement) = &s.replacement else { continue };
        let (start, end) = f.edit_range(s);
        if snippets && replacement.contains(TEMPLATE_GAP) {
            let args = json!({ "uri": uri.as_str(), "range": range(index, start, end, enc), "snippet": snippet(replacement) });
            actions.push(CodeAction {
                title: s.description.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diag.clone()]),
                command: Some(Command { title: s.description.clone(), command: CLIENT_INSERT_SNIPPET.to_string(), arguments: Some(vec![args]) }),
                is_preferred: Some(i == 0),
                ..CodeAction::default()
            });
            continue;
        }
        let edit = TextEdit { range: range(index, start, end, enc), new_text: replacement.clone() };
        actions.push(CodeAction {
            title: s.description.clone(),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![diag.clone()]),
            edit: Some(WorkspaceEdit { changes: Some(HashMap::from([(uri.clone(), vec![edit])])), ..WorkspaceEdit::default() }),
            is_preferred: Some(i == 0),
            ..CodeAction::default()
        });
    }
    let (ignore, disable) = match lang {
        Lang::En => ("Ignore this finding".to_string(), format!("Turn off {} for this workspace", f.rule)),
        Lang::Cy => ("Anwybyddu’r canfyddiad hwn".to_string(), format!("Diffodd {} ar gyfer y gweithle hwn", f.rule)),
    };
    let fingerprint = ignored::fingerprint(text, f);
    let command_action = |title: String, command: &str, args: Value| CodeAction {
        title: title.clone(),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diag.clone()]),
        command: Some(Command { title, command: command.to_string(), arguments: Some(vec![args]) }),
        ..CodeAction::default()
    };
    actions.push(command_action(ignore, CMD_IGNORE, json!({ "uri": uri.as_str(), "rule": f.rule, "fingerprint": fingerprint })));
    actions.push(command_action(disable, CMD_DISABLE_RULE, json!({ "uri": uri.as_str(), "rule": f.rule })));
    actions
}

/// "Fix all plain-language findings in this note": a sub-kind of `source.fixAll`, so a
/// client's fix-all on save (`only: ["source.fixAll"]`) finds it.
pub const FIX_ALL: CodeActionKind = CodeActionKind::new("source.fixAll.cofnod");
/// The kind of "Link to national outcome N".
pub const OUTCOME_LINK: CodeActionKind = CodeActionKind::REFACTOR;

/// Whether a client that asked `only` for these kinds wants an action of `kind`: the
/// kind itself or a sub-kind of one asked for ("source.fixAll" covers
/// "source.fixAll.cofnod"). No `only` (or an empty one) wants every kind.
pub fn wanted(kind: &CodeActionKind, only: Option<&[CodeActionKind]>) -> bool {
    match only {
        None | Some([]) => true,
        Some(only) => only.iter().any(|o| {
            let (k, o) = (kind.as_str(), o.as_str());
            k == o || (k.starts_with(o) && k.as_bytes().get(o.len()) == Some(&b'.'))
        }),
    }
}

/// One edit for the whole note that applies the preferred fix (the first suggestion,
/// as the quick fix marks it) of every plain-language finding; `None` if there is
/// none. A fix that leaves a gap ("… because …") is left to its own quick fix. Where
/// two fixes' ranges overlap, the later one is dropped: a client refuses overlapping
/// edits, and the writer can take the other one after.
pub fn fix_all(uri: &Uri, index: &LineIndex, findings: &[Finding], enc: PositionEncoding, lang: Lang) -> Option<CodeAction> {
    let mut fixes: Vec<(usize, usize, &str)> = findings
        .iter()
        .filter(|f| f.category == Category::PlainLanguage)
        .filter_map(|f| {
            let s = f.suggestions.first()?;
            let replacement = s.replacement.as_deref().filter(|r| !r.contains(TEMPLATE_GAP))?;
            let (start, end) = f.edit_range(s);
            Some((start, end, replacement))
        })
        .collect();
    fixes.sort_by_key(|&(start, end, _)| (start, end));
    let mut edits = Vec::new();
    let mut reached: Option<usize> = None;
    for (start, end, replacement) in fixes {
        if reached.is_some_and(|r| start < r) {
            continue;
        }
        reached = Some(end);
        edits.push(TextEdit { range: range(index, start, end, enc), new_text: replacement.to_string() });
    }
    if edits.is_empty() {
        return None;
    }
    let title = match lang {
        Lang::En => "Fix all plain-language findings in this note",
        Lang::Cy => "Trwsio pob canfyddiad iaith glir yn y nodyn hwn",
    };
    Some(CodeAction {
        title: title.to_string(),
        kind: Some(FIX_ALL),
        edit: Some(WorkspaceEdit { changes: Some(HashMap::from([(uri.clone(), edits)])), ..WorkspaceEdit::default() }),
        ..CodeAction::default()
    })
}

/// A personal outcome the writer's cursor is on (see `outcome_at`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutcomeLine {
    /// The outcome, without its label ("Outcome:") or bullet, on one line.
    pub text: String,
    /// Where a link goes: the end of the outcome, before any trailing spaces.
    pub at: usize,
    /// The outcome's language (of its first sentence whose own words decide it).
    pub lang: Lang,
    /// A child's or young person's outcome if its own label says so ("Child's
    /// outcome:", "Young person's outcome:"), else an adult's.
    pub audience: Audience,
}

/// The personal outcome on the lines `from..=to` (byte offsets) touch, if any: a
/// block whose label, a label-only line above it, or its section heading makes it an
/// outcome (`LabelKind::Outcome`: "Outcome:", "What matters to Mrs Ali:", "Canlyniad:",
/// "## Personal outcomes"), with two words or more, not already linked to a national
/// outcome.
pub fn outcome_at(doc: &Document, from: usize, to: usize) -> Option<OutcomeLine> {
    let text = doc.text;
    doc.blocks.iter().enumerate().find_map(|(bi, b)| {
        if b.context != Some(LabelKind::Outcome) || b.kind == BlockKind::Heading {
            return None;
        }
        // The outcome is the block's first statement: a hard-wrapped outcome goes on to
        // the next line, but a new sentence on the next line is the note going on
        // ("We will visit on Tuesday.").
        let end = b.first_statement_end(text);
        let line_start = text[..b.start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        if from > end || to < line_start {
            return None;
        }
        let body = text[b.start..end].trim_end();
        let lower = body.to_lowercase();
        if body.split_whitespace().count() < 2 || LINKED.iter().any(|l| lower.contains(l)) {
            return None;
        }
        let sentences = doc.block_sentences.get(bi).and_then(|r| doc.sentences.get(r.clone())).unwrap_or_default();
        let lang = sentences.iter().find(|s| s.lang_decided).or(sentences.first()).map_or(Lang::En, |s| s.lang);
        let label = b.label.map(|l| text[l.start..l.end].to_lowercase()).unwrap_or_default();
        let audience = if CHILD_LABELS.iter().any(|w| label.contains(w)) { Audience::Child } else { Audience::Adult };
        let words: Vec<&str> = body.split_whitespace().collect();
        Some(OutcomeLine { text: words.join(" "), at: b.start + body.len(), lang, audience })
    })
}

/// An outcome that says one of these is linked already.
const LINKED: [&str; 2] = ["national well-being outcome", "canlyniad llesiant cenedlaethol"];
/// Words in an outcome's label that make it a child's or young person's.
const CHILD_LABELS: [&str; 4] = ["child", "young person", "plentyn", "person ifanc"];

/// What "Link to national outcome N" adds to an outcome line, in the line's language.
/// With no official Welsh text of the statement, a Welsh line gets the number and the
/// Welsh name of its well-being area (an English statement in a Welsh record, or a
/// translation of our own taken for the official text, would both mislead).
pub fn outcome_link_text(statement: &Statement, lang: Lang) -> String {
    let n = statement.number();
    match (lang, statement.text_in(lang)) {
        (Lang::En, Some(text)) => format!(" (National well-being outcome {n}: {text})"),
        (Lang::Cy, Some(text)) => format!(" (Canlyniad llesiant cenedlaethol {n}: {text})"),
        (_, None) => format!(" (Canlyniad llesiant cenedlaethol {n}; maes llesiant: {})", statement.area(Lang::Cy)),
    }
}

/// "Link to national outcome N: …" for each suggestion: inserts its number and
/// statement at `at` (the end of the outcome). `lang` is the line's; the titles are in
/// `title_lang`.
pub fn outcome_links(uri: &Uri, index: &LineIndex, at: usize, enc: PositionEncoding, lang: Lang, title_lang: Lang, suggestions: &[Suggestion]) -> Vec<CodeAction> {
    suggestions
        .iter()
        .map(|s| {
            let statement = s.statement();
            let n = statement.number();
            let strength = s.strength.words(title_lang);
            let title = match (title_lang, statement.text_in(title_lang)) {
                (Lang::En, _) => format!("Link to national outcome {n}: {} ({strength})", statement.statement),
                (Lang::Cy, Some(text)) => format!("Cysylltu â chanlyniad cenedlaethol {n}: {text} ({strength})"),
                (Lang::Cy, None) => {
                    format!("Cysylltu â chanlyniad cenedlaethol {n} ({}): “{}” ({strength})", statement.area(Lang::Cy), statement.statement)
                }
            };
            let edit = TextEdit { range: range(index, at, at, enc), new_text: outcome_link_text(statement, lang) };
            CodeAction {
                title,
                kind: Some(OUTCOME_LINK),
                edit: Some(WorkspaceEdit { changes: Some(HashMap::from([(uri.clone(), vec![edit])])), ..WorkspaceEdit::default() }),
                ..CodeAction::default()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Engine;
    use std::str::FromStr;

    #[test]
    fn diagnostics_carry_code_rule_and_utf16_range() {
        let text = "😀 Visit: we will commence on Monday.";
        let engine = Engine::new();
        let findings = engine.analyse(text).findings;
        let f = findings.iter().find(|f| f.rule == "plain-language/commence").unwrap();
        let index = LineIndex::new(text);
        let d = diagnostic(text, &index, f, PositionEncoding::Utf16);
        // "😀" is two UTF-16 units (four UTF-8 bytes): "commence" starts at character 18.
        assert_eq!(d.range, Range { start: Position { line: 0, character: 18 }, end: Position { line: 0, character: 26 } });
        assert_eq!(d.code, Some(NumberOrString::String("plain-language".into())));
        assert_eq!(d.source.as_deref(), Some("cofnod"));
        assert_eq!(d.data.as_ref().unwrap()["rule"], "plain-language/commence");
        let d8 = diagnostic(text, &index, f, PositionEncoding::Utf8);
        assert_eq!(d8.range.start.character, 20);
    }

    #[test]
    fn quick_fix_replaces_the_range_and_commands_follow() {
        let text = "We will commence the visits.";
        let engine = Engine::new();
        let findings = engine.analyse(text).findings;
        let f = findings.iter().find(|f| f.rule == "plain-language/commence").unwrap();
        let uri = Uri::from_str("file:///notes/a.md").unwrap();
        let actions = code_actions(&uri, text, &LineIndex::new(text), f, PositionEncoding::Utf16, None, false);
        let fix = &actions[0];
        assert_eq!(fix.is_preferred, Some(true));
        let edits = &fix.edit.as_ref().unwrap().changes.as_ref().unwrap()[&uri];
        assert_eq!(edits[0].new_text, "start");
        assert_eq!(edits[0].range.start.character, 8);
        let titles: Vec<&str> = actions.iter().map(|a| a.title.as_str()).collect();
        assert!(titles.ends_with(&["Ignore this finding", "Turn off plain-language/commence for this workspace"]), "{titles:?}");
        assert_eq!(actions[actions.len() - 2].command.as_ref().unwrap().command, CMD_IGNORE);
    }

    #[test]
    fn templates_are_snippets_for_a_client_that_takes_them() {
        let text = "Case closed.";
        let engine = Engine::new();
        let findings = engine.analyse(text).findings;
        let f = findings.iter().find(|f| f.suggestions.iter().any(|s| s.replacement.as_deref().is_some_and(|r| r.contains('…')))).expect("a template");
        let uri = Uri::from_str("file:///notes/a.md").unwrap();
        let index = LineIndex::new(text);
        // VS Code: a command that puts the cursor in the gap.
        let actions = code_actions(&uri, text, &index, f, PositionEncoding::Utf16, None, true);
        let cmd = actions[0].command.as_ref().expect("a snippet command");
        assert_eq!(cmd.command, CLIENT_INSERT_SNIPPET);
        let args = &cmd.arguments.as_ref().unwrap()[0];
        assert_eq!(args["snippet"], "Case closed because ${1:…}");
        assert_eq!(args["range"]["start"]["character"], 0);
        assert!(actions[0].edit.is_none());
        // Another editor: the text, gap and all.
        let actions = code_actions(&uri, text, &index, f, PositionEncoding::Utf16, None, false);
        assert_eq!(actions[0].edit.as_ref().unwrap().changes.as_ref().unwrap()[&uri][0].new_text, "Case closed because …");
        assert_eq!(snippet("Cost $5 {x} because …"), "Cost \\$5 {x\\} because ${1:…}");
    }

    fn plain(start: usize, end: usize, replacements: &[&str]) -> Finding {
        Finding {
            category: Category::PlainLanguage,
            rule: "plain-language/x".into(),
            severity: Severity::Info,
            message: String::new(),
            start,
            end,
            lang: Lang::En,
            suggestions: replacements
                .iter()
                .map(|r| crate::finding::Suggestion { replacement: Some(r.to_string()), description: String::new(), around: (0, 0) })
                .collect(),
        }
    }

    #[test]
    fn fix_all_takes_each_preferred_fix_and_drops_the_later_of_overlapping_ones() {
        // "😀" is 2 UTF-16 units, "Ŵ" 1: "aaa" starts at character 8, "ccc" at 16.
        let text = "😀 Ŵen: aaa bbb ccc\nddd\n";
        let at = |w: &str| text.find(w).unwrap();
        let mut findings = vec![
            plain(at("ccc"), at("ccc") + 3, &["C", "c2"]),
            plain(at("aaa"), at("bbb") + 3, &["AB"]),
            // Overlaps "aaa bbb", and starts later: dropped.
            plain(at("bbb"), at("bbb") + 3, &["B"]),
            plain(at("ddd"), at("ddd") + 3, &["D"]),
        ];
        // Not plain language, or no fix to apply: left alone.
        let mut vague = plain(at("ddd"), at("ddd") + 3, &["V"]);
        vague.category = Category::Vague;
        findings.push(vague);
        findings.push(plain(at("Ŵen"), at("Ŵen") + "Ŵen".len(), &["… because …"]));
        let uri = Uri::from_str("file:///notes/a.md").unwrap();
        let index = LineIndex::new(text);
        let action = fix_all(&uri, &index, &findings, PositionEncoding::Utf16, Lang::Cy).unwrap();
        assert_eq!(action.kind, Some(FIX_ALL));
        assert_eq!(action.title, "Trwsio pob canfyddiad iaith glir yn y nodyn hwn");
        let edits = &action.edit.unwrap().changes.unwrap()[&uri];
        let got: Vec<(u32, u32, u32, &str)> =
            edits.iter().map(|e| (e.range.start.line, e.range.start.character, e.range.end.character, e.new_text.as_str())).collect();
        assert_eq!(got, [(0, 8, 15, "AB"), (0, 16, 19, "C"), (1, 0, 3, "D")]);
        assert!(fix_all(&uri, &index, &findings[4..], PositionEncoding::Utf16, Lang::En).is_none());
    }

    #[test]
    fn only_wants_the_kinds_asked_for_and_their_sub_kinds() {
        let fix_all_kind = [CodeActionKind::SOURCE_FIX_ALL];
        assert!(wanted(&FIX_ALL, Some(&fix_all_kind)));
        assert!(wanted(&FIX_ALL, Some(&[CodeActionKind::SOURCE])));
        assert!(!wanted(&CodeActionKind::QUICKFIX, Some(&fix_all_kind)));
        assert!(!wanted(&FIX_ALL, Some(&[CodeActionKind::new("source.fix")])), "a prefix is not a parent kind");
        assert!(wanted(&CodeActionKind::REFACTOR_REWRITE, Some(&[CodeActionKind::REFACTOR])));
        assert!(wanted(&FIX_ALL, None));
    }

    #[test]
    fn outcome_lines_are_found_by_their_label() {
        let engine = Engine::new();
        let text = "Visit on Monday.\nOutcome: I want to feel safe in my flat.  \nYoung person's outcome: learn to cook before I leave care.\n\
                    Canlyniad: Dw i eisiau mynd i’r capel ar ben fy hun.\nOutcome: walk daily (National well-being outcome 7: I am healthy and active)\n";
        let at = |w: &str| text.find(w).unwrap();
        let line = |from: usize| engine.with_document(text, |d| outcome_at(d, from, from));
        assert_eq!(line(0), None, "not an outcome line");
        let adult = line(at("Outcome")).unwrap();
        assert_eq!(adult.text, "I want to feel safe in my flat.");
        assert_eq!((adult.at, adult.lang, adult.audience), (at("flat.") + 5, Lang::En, Audience::Adult));
        assert_eq!(line(at("learn")).unwrap().audience, Audience::Child);
        assert_eq!(line(at("capel")).unwrap().lang, Lang::Cy);
        assert_eq!(line(at("walk daily")), None, "already linked");
        // A hard-wrapped outcome is one; the next sentence on its own line is not part of it.
        let text = "What matters to Mrs Ali: to walk to the shop\non her own for her paper.\nWe will visit on Tuesday.\n";
        let at = |w: &str| text.find(w).unwrap();
        let wrapped = engine.with_document(text, |d| outcome_at(d, at("on her"), at("on her"))).unwrap();
        assert_eq!(wrapped.text, "to walk to the shop on her own for her paper.");
        assert_eq!(engine.with_document(text, |d| outcome_at(d, at("We will"), at("We will"))), None);
        let statement = crate::models::outcomes::statements().iter().find(|s| s.id == "NWO10").unwrap();
        assert_eq!(outcome_link_text(statement, Lang::En), " (National well-being outcome 10: I am safe and protected from abuse and neglect)");
        assert_eq!(outcome_link_text(statement, Lang::Cy), " (Canlyniad llesiant cenedlaethol 10; maes llesiant: amddiffyn rhag camdriniaeth ac esgeulustod)");
    }

    #[test]
    fn hover_explains_in_the_message_language() {
        let engine = Engine::new();
        let text = "Bydd y gwasanaeth yn darparu cymorth priodol.";
        let findings = engine.analyse(text).findings;
        assert!(!findings.is_empty());
        let refs: Vec<&Finding> = findings.iter().take(1).collect();
        let cy = hover_markdown(engine.rules(), &refs, None);
        assert!(cy.contains("Nid fel hyn") && cy.contains("Fel hyn"), "{cy}");
        let en = hover_markdown(engine.rules(), &refs, Some(Lang::En));
        assert!(en.contains("Not like this") && en.contains("Like this"), "{en}");
    }
}
