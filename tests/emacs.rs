//! The Emacs integration (editors/emacs/cofnod.el, with Eglot and Flymake) end to end,
//! with the real Emacs and the real server: editors/emacs/test/cofnod-e2e.el opens an
//! English .txt note, a Welsh note and a Markdown note as a user would, checks each
//! note's exact findings (rule, range, what Flymake underlines) and the lines that
//! must not be flagged, the Welsh messages, the mode line, `cofnod-explain`, the
//! preferred quick fix through `eglot-code-actions` and the check after it, and
//! `cofnod-check-workspace`. It prints "ok - ..." / "not ok - ..." lines, which this
//! test checks.
//!
//! Emacs 29 or later has Eglot built in. On Debian 12 (Emacs 28.2):
//! `apt-get install --no-install-recommends emacs-nox elpa-eglot elpa-markdown-mode`;
//! Eglot, project, xref and markdown-mode are then under /usr/share/emacs/site-lisp/elpa/,
//! which this test puts on Emacs's load path (add more folders with
//! COFNOD_E2E_LOAD_PATH, separated like PATH). Without `emacs` on PATH the test is
//! skipped, unless CI is set: then it fails.

#[path = "support/editor.rs"]
mod editor;
use editor::{on_path, run_with_guard};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_cofnod");
const REPO: &str = env!("CARGO_MANIFEST_DIR");
/// cofnod-e2e.el gives up by itself after TIME_LIMIT; this guard is for an Emacs that hangs.
const TIME_LIMIT: Duration = Duration::from_secs(100);
const GUARD: Duration = Duration::from_secs(150);
/// Where Debian's elpa-* packages put Emacs Lisp packages, one folder each.
const DEBIAN_ELPA: &str = "/usr/share/emacs/site-lisp/elpa";

// The notes, and what cofnod-e2e.el expects of them (its `cofnod-e2e--notes').
//
// Line 1 (0-based) has Welsh letters, a curly apostrophe and an emoji before
// "commence": it starts at UTF-16 character 29 (byte 34); line 3's "signposted" is at
// 13 in both. Line 0 has Welsh letters and an emoji and nothing to flag; line 2 has
// "MDT", which cofnod does not flag when the words are written out next to it.
const VISIT: &str = "Bore da 😀 — Ŵyn a Siân yn yr ardd.\n\
After Siân’s 😀 call we will commence the visits on Monday.\n\
The MDT (multidisciplinary team) met on 3 May.\n\
Mr Price was signposted to the food bank.\n";
// Welsh: jargon ("ymgysylltu â", at 20-32 in UTF-16, 20-33 in bytes) and vague
// wording after "tŷ" (11-28 in UTF-16, 12-29 in bytes); line 0 has no finding.
const YMWELIAD: &str = "Aeth y gweithiwr i weld Mrs Jones ddydd Llun.\n\
Bydd y gweithiwr yn ymgysylltu â’r teulu.\n\
Roedd y tŷ mewn cyflwr gwael.\n";
// Markdown: "MDT" in bold (13-16 in UTF-16, 15-18 in bytes); a code block is not checked.
const PLAN: &str = "# Visit plan\n\nMr Price’s **MDT** meets on Monday.\n\n```\nWe will commence the visits.\n```\n";
// Never opened: cofnod-check-workspace finds "regularly" (line 1, column 14).
const OTHER: &str = "She was seen regularly.\n";

/// The folders to add to Emacs's load path: Debian's elpa packages (Eglot and what it
/// needs on Emacs 28, markdown-mode), then any in COFNOD_E2E_LOAD_PATH.
fn load_path() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(DEBIAN_ELPA)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect())
        .unwrap_or_default();
    dirs.sort();
    if let Some(extra) = std::env::var_os("COFNOD_E2E_LOAD_PATH") {
        dirs.extend(std::env::split_paths(&extra).filter(|p| !p.as_os_str().is_empty()));
    }
    dirs
}

#[test]
fn emacs_shows_the_findings_and_applies_the_quick_fix() {
    let Some(emacs) = on_path("emacs") else {
        let how = "install it with `apt-get install --no-install-recommends emacs-nox elpa-eglot elpa-markdown-mode` \
                   (Emacs 29 or later has Eglot built in)";
        if std::env::var_os("CI").is_some() {
            panic!("emacs is not on PATH, so the Emacs integration cannot be tested (CI is set): {how}");
        }
        eprintln!("skipped: emacs is not on PATH, so the Emacs integration is not tested; {how}");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes");
    std::fs::create_dir(&notes).unwrap();
    let files = [("visit.txt", VISIT), ("ymweliad.txt", YMWELIAD), ("plan.md", PLAN), ("other.txt", OTHER)];
    for (name, text) in files {
        std::fs::write(notes.join(name), text).unwrap();
    }
    // Makes `notes` the root of cofnod's settings even if the temp dir is inside a project.
    std::fs::write(notes.join("cofnod.toml"), "").unwrap();
    // Emacs's own files, and the server's, go to the temp dir, not the user's home.
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();

    let mut cmd = Command::new(&emacs);
    cmd.args(["-Q", "--batch", "-L"]).arg(Path::new(REPO).join("editors/emacs"));
    for folder in load_path() {
        cmd.arg("-L").arg(folder);
    }
    cmd.arg("-l")
        .arg(Path::new(REPO).join("editors/emacs/test/cofnod-e2e.el"))
        .current_dir(dir.path())
        .env("COFNOD_E2E_BIN", BIN)
        .env("COFNOD_E2E_NOTES", &notes)
        .env("COFNOD_E2E_TIME_LIMIT", TIME_LIMIT.as_secs().to_string())
        .env("COFNOD_MODELS", "off")
        .env("HOME", &home)
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("XDG_STATE_HOME", home.join(".local/state"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_CONFIG_HOME", home.join(".config"));
    let (status, stdout, stderr) = run_with_guard(cmd, "emacs", GUARD);
    // Batch Emacs writes `message' to stderr.
    let report = format!("--- stdout\n{stdout}\n--- stderr\n{stderr}");
    println!("{report}");

    let lines: Vec<&str> = stderr.lines().chain(stdout.lines()).collect();
    let failed: Vec<&str> = lines.iter().copied().filter(|l| l.starts_with("not ok")).collect();
    assert!(failed.is_empty(), "failed checks:\n{}\n{report}", failed.join("\n"));
    assert!(status.success(), "emacs exited with {status}\n{report}");
    let has = |want: &str| lines.contains(&want);
    let has_one_of = |wants: &[&str]| wants.iter().any(|w| lines.contains(w));
    let starts = |want: &str| lines.iter().any(|l| l.starts_with(want));

    // The English note: exact findings, in UTF-16 (Emacs 28's Eglot) or UTF-8 (if offered).
    assert!(has("ok - visit.txt: opening it starts cofnod (text-mode-hook, eglot-ensure)"), "{report}");
    assert!(has("ok - visit.txt: the findings are exactly plain-language/commence, plain-language/signpost"), "{report}");
    assert!(
        has_one_of(&[
            "ok - visit.txt: plain-language/commence at 1:29-1:37 (utf-16) on “commence”",
            "ok - visit.txt: plain-language/commence at 1:34-1:42 (utf-8) on “commence”",
        ]),
        "the exact range of “commence”\n{report}"
    );
    assert!(starts("ok - visit.txt: plain-language/signpost at 3:13-3:23 (utf-"), "{report}");
    assert!(has("ok - visit.txt: Flymake underlines “commence”"), "{report}");
    assert!(has("ok - visit.txt: Flymake underlines “signposted”"), "{report}");
    assert!(has("ok - visit.txt: nothing flagged on line 1, “Bore da 😀 — Ŵyn a Siân yn yr ardd.”"), "{report}");
    assert!(has("ok - visit.txt: nothing flagged on line 3, “The MDT (multidisciplinary team) met on 3 May.”"), "{report}");
    assert!(has("ok - visit.txt: the mode line shows “cofnod: EN+CY·2”"), "{report}");
    assert!(has("ok - cofnod-explain at “commence” shows *cofnod: plain-language/commence*, read-only"), "{report}");
    assert!(has("ok - *cofnod: plain-language/commence* begins “# Plain language”"), "{report}");

    // The preferred quick fix through eglot-code-actions, and the check after it.
    assert!(has("ok - visit.txt: eglot-code-actions offers “Replace with “start”” by default"), "{report}");
    assert!(has("ok - visit.txt: line 2 is now “After Siân’s 😀 call we will start the visits on Monday.”"), "{report}");
    assert!(has("ok - visit.txt: the fix is in the buffer, not saved"), "{report}");
    assert!(has("ok - visit.txt: after the fix, the findings are exactly plain-language/signpost"), "{report}");
    assert!(has("ok - visit.txt: after the fix, the mode line shows “cofnod: EN+CY·1”"), "{report}");

    // The Welsh note: Welsh messages, and the explanation in Welsh.
    assert!(has("ok - ymweliad.txt: the findings are exactly plain-language/ymgysylltu, vague/cyflwr-gwael"), "{report}");
    assert!(
        has_one_of(&[
            "ok - ymweliad.txt: plain-language/ymgysylltu at 1:20-1:32 (utf-16) on “ymgysylltu â”",
            "ok - ymweliad.txt: plain-language/ymgysylltu at 1:20-1:33 (utf-8) on “ymgysylltu â”",
        ]),
        "the exact range of “ymgysylltu â”\n{report}"
    );
    assert!(
        has_one_of(&[
            "ok - ymweliad.txt: vague/cyflwr-gwael at 2:11-2:28 (utf-16) on “mewn cyflwr gwael”",
            "ok - ymweliad.txt: vague/cyflwr-gwael at 2:12-2:29 (utf-8) on “mewn cyflwr gwael”",
        ]),
        "the exact range of “mewn cyflwr gwael”\n{report}"
    );
    assert!(
        has("ok - ymweliad.txt: plain-language/ymgysylltu says “Jargon neu iaith swyddogol yw “ymgysylltu â”: efallai na fydd y person y mae’r cofnod amdano yn gwybod beth mae’n ei olygu.”"),
        "{report}"
    );
    assert!(has("ok - ymweliad.txt: vague/cyflwr-gwael says “Dydy “mewn cyflwr gwael” ddim yn dweud beth ddigwyddodd.”"), "{report}");
    assert!(has("ok - ymweliad.txt: nothing flagged on line 1, “Aeth y gweithiwr i weld Mrs Jones ddydd Llun.”"), "{report}");
    assert!(has("ok - ymweliad.txt: the mode line shows “cofnod: CY·2”"), "{report}");
    assert!(has("ok - *cofnod: plain-language/ymgysylltu* begins “# Iaith glir”"), "{report}");

    // The Markdown note.
    assert!(starts("ok - plan.md: cofnod manages it ("), "{report}");
    assert!(has("ok - plan.md: the findings are exactly plain-language/mdt"), "{report}");
    assert!(
        has_one_of(&[
            "ok - plan.md: plain-language/mdt at 2:13-2:16 (utf-16) on “MDT”",
            "ok - plan.md: plain-language/mdt at 2:15-2:18 (utf-8) on “MDT”",
        ]),
        "the exact range of “MDT”\n{report}"
    );
    assert!(has("ok - plan.md: nothing flagged on line 6, “We will commence the visits.”"), "{report}");
    assert!(has("ok - plan.md: the mode line shows “cofnod: EN·1”"), "{report}");

    // cofnod-check-workspace: 4 notes; 1 + 2 + 1 findings in the open ones, 1 in other.txt.
    assert!(has("cofnod checked 4 files: 5 findings"), "{report}");
    assert!(has("ok - other.txt, not open: its one finding, at line 1 column 14, is listed for the project"), "{report}");
    assert!(has("ok - the project's findings are listed in a Flymake buffer"), "{report}");
    assert!(
        lines.iter().any(|l| l.ends_with(" passed, 0 failed") && !l.starts_with("0 ")),
        "the totals line\n{report}"
    );

    // The fix was made in the buffer only: nothing was written.
    for (name, text) in files {
        assert_eq!(std::fs::read_to_string(notes.join(name)).unwrap(), text, "{name} on disk must be unchanged");
    }
}
