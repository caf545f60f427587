//! The `cofnod compare` HTML report as a trainer sees it: opened in headless
//! Chromium (Debian's `chromium`, installed by .ci/test), screenshotted, with no
//! console errors (a Content-Security-Policy violation would be one), and showing
//! the expected numbers in the rendered page.
//!
//! Without Chromium the tests are skipped, unless `CI` is set, when they fail.
//! `COFNOD_SCREENSHOTS=docs` refreshes the screenshots kept in docs/.

#[path = "support/chromium.rs"]
mod chromium;

use chromium::{assert_png, chromium, keep_screenshot, open};
use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cofnod-html-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Makes a report with cofnod (rules alone, so the numbers are exact).
fn report(args: &[&str], out: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_cofnod"))
        .args(["compare", "--format", "html", "--out"])
        .arg(out)
        .args(args)
        .env("COFNOD_MODELS", "off")
        .current_dir(ROOT)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Makes a report from `args`, opens it in Chromium, and checks what every report
/// must be: a real screenshot (kept as docs/compare-NAME.png on request) and no
/// console messages. Returns the rendered DOM.
fn render_report(chromium: &Path, name: &str, args: &[&str]) -> String {
    let dir = scratch(name);
    let page = dir.join(format!("{name}.html"));
    report(args, &page);
    let shot = dir.join(format!("{name}.png"));
    let r = open(chromium, &page, &shot, &dir.join("profile"));
    assert!(r.console.is_empty(), "console messages: {:?}", r.console);
    assert_png(&shot);
    keep_screenshot(&shot, &format!("compare-{name}.png"));
    let _ = std::fs::remove_dir_all(&dir);
    r.dom
}

/// The console check must be able to fail: a page that logs an error is caught.
#[test]
fn a_console_error_is_detected() {
    let Some(chromium) = chromium() else { return };
    let dir = scratch("console");
    let page = dir.join("bad.html");
    std::fs::write(&page, "<!DOCTYPE html><html><body><p>x</p><script>console.error('broken report')</script></body></html>").unwrap();
    let r = open(&chromium, &page, &dir.join("bad.png"), &dir.join("profile"));
    assert!(r.console.iter().any(|l| l.contains("broken report")), "console error not seen: {:?}", r.console);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_single_report_renders_with_its_numbers_and_no_console_errors() {
    let Some(chromium) = chromium() else { return };
    let dom = &render_report(&chromium, "single", &["corpus/compare/workshop-en/jess-okafor.before.txt", "corpus/compare/workshop-en/jess-okafor.after.txt"]);
    assert!(dom.contains("<h1>Before and after</h1>"), "{dom}");
    // The person's own words: 0 quoted words before, 25 after.
    assert!(dom.contains("<tr data-measure=\"quoted_words\"><td>The person's own words (words in quotes)</td><td class=\"n\">0</td><td class=\"n\">25</td><td class=\"n better\">+25</td></tr>"), "quoted words row");
    assert!(dom.contains("<tr data-category=\"output-as-outcome\"><td>Service written as an outcome</td><td class=\"n\">1</td><td class=\"n\">1</td><td class=\"n\">0</td><td class=\"n\">1</td><td class=\"n\">0</td></tr>"), "kept outcome row");
    assert!(dom.contains("<li>1 service is still written as an outcome</li>"), "summary line");
    assert!(dom.contains("<p class=\"totals\">Findings: 5 before, 3 after.</p>"), "totals");
    // Findings are marked in place, focusable for tap, with their explanation.
    assert!(dom.contains("<mark class=\"still\" tabindex=\"0\">attend<span class=\"tip\" role=\"tooltip\">"), "the kept finding is marked");
    // Sentences with little in common are shown removed and added, not diffed.
    assert!(dom.contains("<tr class=\"removed\">") && dom.contains("<tr class=\"added\">"));
}

#[test]
fn a_group_report_renders_with_its_class_summary_and_no_console_errors() {
    let Some(chromium) = chromium() else { return };
    let dom = &render_report(&chromium, "group", &["--pairs", "corpus/compare/workshop-en"]);
    assert!(dom.contains("<h1>Workshop: before and after</h1>"));
    assert!(dom.contains("Pairs compared: 8"));
    assert!(dom.contains("6 participants improved"));
    assert!(dom.contains("<li>Plain language: 16</li>"), "improved most");
    // tom-griffiths: a worse rewrite, 1 finding before ("Case to stay open.", kept)
    // and 9 after, 8 of them new (7 from the sentence checks, and a record with
    // none of the person's words).
    assert!(dom.contains("<tr data-participant=\"tom-griffiths\"><td><a href=\"#p-8\">tom-griffiths</a></td><td>English → English</td><td class=\"n\">1</td><td class=\"n\">9</td><td class=\"n\">0</td><td class=\"n\">1</td><td class=\"n\">8</td></tr>"), "tom's row");
    assert_eq!(dom.matches("<article class=\"pair\"").count(), 8, "a page per participant");
    // Rewritten sentences carry a word diff.
    assert!(dom.contains("<tr class=\"changed\">") && dom.contains("<del>") && dom.contains("<ins>"), "word diff");
}
