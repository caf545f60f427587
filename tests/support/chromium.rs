//! Headless Chromium for the HTML report tests (`tests/compare_html.rs`,
//! `tests/export_html.rs`): find it, open a page, take a screenshot, read the
//! rendered DOM and the console.

use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

pub fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser"].iter().find_map(|name| {
        let ok = Command::new(name).arg("--version").output().map(|o| o.status.success()).unwrap_or(false);
        ok.then(|| PathBuf::from(name))
    });
    if found.is_none() {
        assert!(std::env::var_os("CI").is_none(), "CI is set but chromium is not installed (.ci/test installs it)");
        eprintln!("chromium is not installed: skipping the HTML report tests");
    }
    found
}

/// What Chromium made of a page: the rendered DOM, and the console messages it logged.
pub struct Rendered {
    pub dom: String,
    pub console: Vec<String>,
}

pub fn open(chromium: &Path, page: &Path, screenshot: &Path, profile: &Path) -> Rendered {
    let url = format!("file://{}", page.display());
    let common = |c: &mut Command| {
        c.args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--enable-logging=stderr", "--v=0"])
            .arg(format!("--user-data-dir={}", profile.display()));
    };
    let mut shot = Command::new(chromium);
    common(&mut shot);
    let shot = shot.arg("--window-size=1280,2400").arg(format!("--screenshot={}", screenshot.display())).arg(&url).output().unwrap();
    assert!(shot.status.success(), "chromium --screenshot failed: {}", String::from_utf8_lossy(&shot.stderr));
    let mut dump = Command::new(chromium);
    common(&mut dump);
    let dump = dump.arg("--dump-dom").arg(&url).output().unwrap();
    assert!(dump.status.success(), "chromium --dump-dom failed: {}", String::from_utf8_lossy(&dump.stderr));
    // Console messages come out as `...:INFO:CONSOLE(line)] "message", source: ...`
    // (or `console_message`), and a blocked request as a console error too.
    let console = [&shot.stderr, &dump.stderr]
        .iter()
        .flat_map(|e| String::from_utf8_lossy(e).lines().map(str::to_string).collect::<Vec<_>>())
        .filter(|l| l.contains("CONSOLE") || l.contains("console_message") || l.contains("Refused to"))
        .collect();
    Rendered { dom: String::from_utf8_lossy(&dump.stdout).into_owned(), console }
}

pub fn assert_png(path: &Path) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{} is not a PNG", path.display());
    assert!(bytes.len() > 20_000, "{}: {} bytes, too small to show a report", path.display(), bytes.len());
}

pub fn keep_screenshot(from: &Path, name: &str) {
    if let Some(dir) = std::env::var_os("COFNOD_SCREENSHOTS") {
        std::fs::copy(from, Path::new(ROOT).join(dir).join(name)).unwrap();
    }
}

