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
