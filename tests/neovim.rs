//! The Neovim integration (editors/neovim) end to end, with the real Neovim and the
//! real server: tests/nvim/e2e.lua opens a note, waits for cofnod's diagnostic, checks
//! its exact range, opens :CofnodExplain, applies the preferred quick fix from
//! textDocument/codeAction, checks the new text and diagnostics, the statusline
//! function and :CofnodCheckWorkspace. Neovim 0.7 (Debian 12) or later is needed:
//! `apt-get install neovim`.

#[path = "support/editor.rs"]
mod editor;
use editor::{on_path, run_with_guard};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_cofnod");
const REPO: &str = env!("CARGO_MANIFEST_DIR");
const GUARD: Duration = Duration::from_secs(60);

// Welsh letters and an emoji before the flagged word: "commence" is at UTF-16
// character 17 of line 1 (byte 20), and on line 0 nothing is flagged.
const NOTE: &str = "Bore da 😀 — Ŵyn a Siân yn yr ardd.\nSiân 😀: We will commence the visits on Monday.\n";
const OTHER: &str = "She was seen regularly.\n";

#[test]
fn neovim_shows_the_finding_and_applies_the_quick_fix() {
    let nvim = on_path("nvim").unwrap_or_else(|| {
        panic!(
            "nvim (Neovim 0.7 or later) is not on PATH, so the Neovim integration cannot be tested: \
             install it with `apt-get install neovim` (as .ci/run does)"
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes");
    std::fs::create_dir(&notes).unwrap();
    let note = notes.join("visit.md");
    std::fs::write(&note, NOTE).unwrap();
    std::fs::write(notes.join("other.md"), OTHER).unwrap();
    // Makes `notes` the root even if the temp dir is inside a git repository.
    std::fs::write(notes.join("cofnod.toml"), "").unwrap();
    // Neovim's own files (lsp.log, state) go to the temp dir, not the user's home.
    let xdg = dir.path().join("xdg");

    let plugin = Path::new(REPO).join("editors/neovim");
    let script = Path::new(REPO).join("tests/nvim/e2e.lua");
    let mut cmd = Command::new(&nvim);
    cmd.args(["--headless", "--clean", "-u", "NONE", "--cmd"])
        .arg(format!("set rtp+={}", plugin.display()))
        .arg("-c")
        .arg(format!("luafile {}", script.display()))
        .current_dir(dir.path())
        .env("COFNOD_BIN", BIN)
        .env("COFNOD_MODELS", "off")
        .env("COFNOD_NOTE", &note)
        .env("XDG_CACHE_HOME", xdg.join("cache"))
        .env("XDG_STATE_HOME", xdg.join("state"))
        .env("XDG_DATA_HOME", xdg.join("data"))
        .env("XDG_CONFIG_HOME", xdg.join("config"));
    let (status, stdout, stderr) = run_with_guard(cmd, "nvim", GUARD);
    let report = format!("--- stdout\n{stdout}\n--- stderr\n{stderr}");
    println!("{report}");
    assert!(status.success(), "nvim exited with {status}\n{report}");

    let lines: Vec<&str> = stdout.lines().filter_map(|l| l.strip_prefix("cofnod-e2e: ")).collect();
    let has = |want: &str| lines.contains(&want);
    let starts = |want: &str| lines.iter().any(|l| l.starts_with(want));
    // Neovim 0.7 speaks UTF-16 to the server; 0.10 and later offer UTF-8, which it takes.
    assert!(
        has("diagnostic plain-language plain-language/commence 1:17-1:25")
            || has("diagnostic plain-language plain-language/commence 1:20-1:28"),
        "exact range of the diagnostic\n{report}"
    );
    assert!(has("vim.diagnostic plain-language 1:20-1:28 (bytes)"), "byte columns in Neovim\n{report}");
    assert!(starts("explain window: "), ":CofnodExplain\n{report}");
    assert!(has("preferred: Replace with “start”"), "the preferred quick fix\n{report}");
    assert!(has("line after fix: Siân 😀: We will start the visits on Monday."), "the fixed line\n{report}");
    assert!(has("diagnostics after fix: 0 (plain-language: 0)"), "diagnostics after the fix\n{report}");
    assert!(has("status: EN+CY · 0"), "the statusline function\n{report}");
    assert!(has("check workspace: cofnod: 2 file(s) checked, 1 finding(s)"), ":CofnodCheckWorkspace\n{report}");
    assert!(has("quickfix: other.md:1:14"), "the quickfix list\n{report}");
    assert_eq!(lines.last(), Some(&"OK"), "{report}");

    // The fix was made in the buffer only: nothing was written.
    assert_eq!(std::fs::read_to_string(&note).unwrap(), NOTE, "the note on disk must be unchanged");
    assert_eq!(std::fs::read_to_string(notes.join("other.md")).unwrap(), OTHER);
}
