//! Hostile and huge input, part 2: the command line (issue 13). What a council export,
//! a shared folder or a planted configuration can hold must not leak a note or a
//! system file into a log, hang a run, eat the machine's memory, drive the terminal,
//! or let a lost report pass for a clean run.
//!
//! Each test reproduces one problem an attack run found. `COFNOD_TEST_BIN` runs them
//! against another build (an older one, to see them fail).

#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> PathBuf {
    std::env::var_os("COFNOD_TEST_BIN").map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_cofnod")), PathBuf::from)
}

fn cofnod() -> Command {
    let mut c = Command::new(bin());
    c.env("NO_COLOR", "1").env("COFNOD_MODELS", "off");
    c
}

/// Runs cofnod in `dir`, killing it (and failing) if it takes longer than `limit`.
fn run_within(args: &[&str], dir: &Path, limit: Duration) -> Output {
    let child = cofnod().args(args).current_dir(dir).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    // Output is read while the process runs (a full pipe would stop it).
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("cofnod {args:?} still running after {limit:?}");
        }
    }
}

fn run(args: &[&str], dir: &Path) -> Output {
    run_within(args, dir, Duration::from_secs(60))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

const NOTE: &str = "Mrs Jones told me her PIN is 4921. She was signposted to the falls service.\n";

#[test]
fn a_rule_file_that_fails_to_parse_never_prints_its_content() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("note.txt"), NOTE).unwrap();
    // A note given as a rule file by mistake.
    let out = run(&["check", "--rules", "note.txt", "note.txt"], d);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.starts_with("cofnod: note.txt:1:5: "), "the file, line and column: {err}");
    for secret in ["Jones", "PIN", "4921", "signposted"] {
        assert!(!err.contains(secret), "{secret} leaked: {err}");
    }
    // Valid TOML whose values and keys are a person's details.
    std::fs::write(d.join("ours.toml"), "language = \"Mrs Jones 4921\"\ncategory = \"vague\"\n").unwrap();
    std::fs::write(d.join("keys.toml"), "language = \"en\"\ncategory = \"vague\"\n[Jones4921]\nx = 1\n").unwrap();
    std::fs::write(d.join("phrase.toml"), "language = \"en\"\ncategory = \"vague\"\nterms = [{ id = \"x\", match = [\"Jones 4921 (\"] }]\n").unwrap();
    for file in ["ours.toml", "keys.toml", "phrase.toml"] {
        let err = text(&run(&["check", "--rules", file, "note.txt"], d).stderr);
        assert!(err.contains(&format!("{file}:")) && !err.contains("Jones") && !err.contains("4921"), "{err}");
    }
    // The same for a cofnod.toml.
    std::fs::write(d.join("cofnod.toml"), "[rules]\ndisable = [\"Mrs Jones 4921\"]\n").unwrap();
    let err = text(&run(&["check", "note.txt"], d).stderr);
    assert!(err.contains("cofnod.toml:2:12: rules.disable") && !err.contains("Jones"), "{err}");
}

#[test]
fn a_planted_cofnod_toml_cannot_read_system_files_or_files_outside_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::write(shared.join("visit.txt"), NOTE).unwrap();
    std::fs::write(dir.path().join("outside.toml"), "language = \"en\"\ncategory = \"vague\"\n# PRIVATE-OUTSIDE\n").unwrap();
    for named in ["/proc/self/environ", "/etc/passwd", "../outside.toml"] {
        std::fs::write(shared.join("cofnod.toml"), format!("[rules]\nfiles = [\"{named}\"]\n")).unwrap();
        let out = cofnod()
            .args(["check", "visit.txt"])
            .current_dir(&shared)
            .env("COFNOD_SECRET_TOKEN", "s3cr3t-value")
            .output()
            .unwrap();
        let err = text(&out.stderr);
        assert!(!err.contains("s3cr3t") && !err.contains("root:") && !err.contains("PRIVATE"), "{named}: {err}");
        assert!(err.contains("cofnod.toml:2:10: rules.files:") && err.contains("outside this configuration's folder"), "{named}: {err}");
        assert!(err.contains("using the default rules"), "{err}");
        assert_eq!(out.status.code(), Some(1), "the notes are still checked with the default rules");
    }
    // Named on the command line, a system file is still refused, unread.
    let out = run(&["check", "--rules", "/proc/self/environ", "visit.txt"], &shared);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("/proc/self/environ: a system file"), "{}", text(&out.stderr));
    // A rule file inside the folder is read as before.
    std::fs::write(shared.join("ours.toml"), "language = \"en\"\ncategory = \"vague\"\nterms = [{ id = \"pin\", match = [\"PIN\"] }]\n").unwrap();
    std::fs::write(shared.join("cofnod.toml"), "[rules]\nfiles = [\"ours.toml\"]\n").unwrap();
    let out = run(&["check", "--format", "json", "visit.txt"], &shared);
    assert!(text(&out.stdout).contains("\"vague/pin\""), "{}", text(&out.stdout));
}

#[test]
fn terminal_escapes_in_notes_and_file_names_are_escaped_in_text_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Retitle the window, clear the screen, write the clipboard (OSC 52), reorder text.
    let note = "Mrs Jones was signposted \u{1b}]0;PWNED\u{7} to the \u{1b}[2J service \u{1b}]52;c;ZXZpbA==\u{7}\u{202e}.\n";
    std::fs::write(d.join("a.txt"), note).unwrap();
    // A file name that forges a `path:line:col` line.
    std::fs::write(d.join("b\nfake.txt:9:9: rationale: forged.txt"), "Case closed.\n").unwrap();
    let out = run(&["check", "."], d);
    let stdout = text(&out.stdout);
    for c in ['\u{1b}', '\u{7}', '\u{202e}'] {
        assert!(!stdout.contains(c), "{c:?} reached the terminal: {stdout:?}");
    }
    assert!(stdout.contains("signposted \\u{1b}]0;PWNED\\u{7} to"), "{stdout}");
    assert!(!stdout.lines().any(|l| l.starts_with("fake.txt:9:9")), "a forged line: {stdout}");
    assert!(stdout.contains("b\\nfake.txt:9:9: rationale: forged.txt:1:1: rationale:"), "{stdout}");
    // JSON keeps the text exactly (escaped by JSON itself).
    let out = run(&["check", "--format", "json", "a.txt"], d);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"][0]["findings"][0]["excerpt"], "signposted");
}

#[test]
fn file_names_that_are_not_utf8_map_back_to_the_file_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let name: &[u8] = b"caf\xe9-visit.txt";
    let path = dir.path().join(std::ffi::OsStr::from_bytes(name));
    std::fs::write(&path, "Case closed.\n").unwrap();
    let out = run(&["check", "--format", "json", "."], dir.path());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let file = &v["files"][0];
    let bytes: Vec<u8> = file["path_bytes"].as_array().expect("path_bytes").iter().map(|b| b.as_u64().unwrap() as u8).collect();
    assert_eq!(Path::new(std::ffi::OsStr::from_bytes(&bytes)), Path::new(".").join(std::ffi::OsStr::from_bytes(name)));
    assert!(std::fs::metadata(dir.path().join(std::ffi::OsStr::from_bytes(&bytes))).is_ok(), "the bytes name the file");
    assert_eq!(file["findings"][0]["rule"], "rationale/case-closed");
    // A UTF-8 name has no path_bytes.
    std::fs::remove_file(&path).unwrap();
    std::fs::write(dir.path().join("caf\u{e9}.txt"), "Case closed.\n").unwrap();
    let v: serde_json::Value = serde_json::from_slice(&run(&["check", "--format", "json", "."], dir.path()).stdout).unwrap();
    assert!(v["files"][0].get("path_bytes").is_none());
}

#[test]
fn a_fifo_among_the_notes_or_as_a_rule_file_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.txt"), NOTE).unwrap();
    mkfifo(&d.join("b-pipe.txt"));
    mkfifo(&d.join("rules.toml"));
    let limit = Duration::from_secs(20);
    let out = run_within(&["check", "--format", "json", "."], d, limit);
    assert_eq!(out.status.code(), Some(3), "a file could not be checked");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"][0]["findings"][0]["rule"], "plain-language/signpost", "the other note is checked");
    assert_eq!(v["files"][1]["error"], "a named pipe (FIFO), not a regular file; not read");
    let out = run_within(&["check", "--rules", "rules.toml", "a.txt"], d, limit);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("rules.toml: a named pipe (FIFO), not a regular file"), "{}", text(&out.stderr));
    // compare, a pipe as a draft; and a pipe named as cofnod.toml.
    let out = run_within(&["compare", "b-pipe.txt", "a.txt"], d, limit);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("b-pipe.txt: a named pipe (FIFO)"), "{}", text(&out.stderr));
    mkfifo(&d.join("cofnod.toml"));
    let out = run_within(&["check", "a.txt"], d, limit);
    assert!(text(&out.stderr).contains("cofnod.toml: a named pipe (FIFO)"), "{}", text(&out.stderr));
}

#[test]
fn dev_zero_as_a_note_stdin_or_rule_file_is_refused_or_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::os::unix::fs::symlink("/dev/zero", d.join("zero.txt")).unwrap();
    let limit = Duration::from_secs(30);
    let out = run_within(&["check", "--format", "json", "zero.txt"], d, limit);
    assert_eq!(out.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"][0]["error"], "a device, not a regular file; not read");
    let out = run_within(&["check", "--rules", "zero.txt", "--format", "json", "-"], d, limit);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("zero.txt: a system file"), "{}", text(&out.stderr));
    // Standard input: read up to the limit, then a per-file error.
    let zero = std::fs::File::open("/dev/zero").unwrap();
    let mut child = cofnod()
        .args(["check", "--format", "json", "--max-file-size", "2", "-"])
        .stdin(zero)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(started.elapsed() < limit, "still reading /dev/zero");
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"][0]["error"], "larger than 2 MB; not read (the limit can be raised with --max-file-size)");
}

#[test]
fn a_note_over_the_size_limit_is_a_per_file_error_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a-big.txt"), NOTE.repeat(30_000)).unwrap(); // 2.3 MB
    std::fs::write(d.join("b-small.txt"), NOTE).unwrap();
    let out = run(&["check", "--format", "json", "--max-file-size", "2", "."], d);
    assert_eq!(out.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"][0]["error"], "larger than 2 MB; not read (the limit can be raised with --max-file-size)");
    assert_eq!(v["files"][1]["findings"][0]["rule"], "plain-language/signpost");
    assert_eq!(v["summary"]["errors"], 1);
    // The same limit from cofnod.toml; the command line wins over it.
    std::fs::write(d.join("cofnod.toml"), "[files]\nmax_size_mb = 2\n").unwrap();
    assert_eq!(run(&["check", "--format", "json", "."], d).status.code(), Some(3));
    assert_eq!(run(&["check", "--format", "json", "--max-file-size", "3", "."], d).status.code(), Some(1));
}

#[test]
fn each_files_report_is_written_as_soon_as_it_is_done() {
    // The last target is standard input, held open: the reports of the files before
    // it must reach the reader while cofnod still waits for it.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.txt"), "Case closed.\n").unwrap();
    std::fs::write(d.join("b.txt"), NOTE).unwrap();
    let mut child = cofnod()
        .args(["check", "a.txt", "b.txt", "-"])
        .current_dir(d)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !seen.iter().any(|l: &String| l.starts_with("b.txt:1:")) {
        let left = deadline.checked_duration_since(Instant::now()).unwrap_or_else(|| {
            let _ = child.kill();
            panic!("the first files' reports did not arrive while standard input was open: {seen:?}")
        });
        if let Ok(line) = rx.recv_timeout(left) {
            seen.push(line);
        }
    }
    assert!(seen.iter().any(|l| l.starts_with("a.txt:1:1: rationale")), "{seen:?}");
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(1));
}

#[test]
fn a_report_that_cannot_be_written_fails_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.txt"), "I counted 14 bags of rubbish.\n").unwrap();
    std::fs::write(d.join("b.txt"), NOTE).unwrap();
    let full = || std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    for args in [vec!["check", "a.txt"], vec!["check", "--format", "json", "a.txt", "b.txt"], vec!["compare", "b.txt", "a.txt"], vec!["explain", "vague"]] {
        let out = cofnod().args(&args).current_dir(d).stdout(full()).stderr(Stdio::piped()).output().unwrap();
        assert_eq!(out.status.code(), Some(4), "{args:?}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("could not write the"), "{args:?}: {}", text(&out.stderr));
        assert!(!text(&out.stderr).contains("panicked"), "{}", text(&out.stderr));
    }
}

#[test]
fn unreadable_folders_are_reported_not_skipped_in_silence() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.txt"), "I counted 14 bags of rubbish.\n").unwrap();
    let locked = d.join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("b.txt"), NOTE).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable = std::fs::read_dir(&locked).is_ok(); // root reads it anyway
    let out = run(&["check", "--format", "json", "."], d);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    if readable {
        eprintln!("running as root: the folder cannot be made unreadable; the walk's error path is tested in input.rs");
        return;
    }
    assert_eq!(out.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<&str> = v["files"].as_array().unwrap().iter().filter_map(|f| f["error"].as_str()).collect();
    assert_eq!(errors, ["could not read the folder: permission denied"]);
}

#[test]
fn links_in_a_folder_to_files_outside_it_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes");
    std::fs::create_dir(&notes).unwrap();
    std::fs::write(dir.path().join("private.txt"), "PRIVATE: she is hostile.\n").unwrap();
    std::os::unix::fs::symlink(dir.path().join("private.txt"), notes.join("a.txt")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", notes.join("b.txt")).unwrap();
    std::fs::write(notes.join("c.txt"), "Case closed.\n").unwrap();
    std::os::unix::fs::symlink(notes.join("c.txt"), notes.join("d.txt")).unwrap();
    let out = run(&["check", "."], &notes);
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("PRIVATE") && !stdout.contains("root"), "{stdout}");
    assert!(stdout.contains("a.txt: error: a link to a file outside the folder being checked; not followed"), "{stdout}");
    assert!(stdout.contains("d.txt:1:1: rationale"), "a link inside the folder is followed: {stdout}");
    assert_eq!(out.status.code(), Some(3));
    // Named on the command line, the link is the user's choice.
    let out = run(&["check", "a.txt"], &notes);
    assert!(text(&out.stdout).contains("a.txt:1:"), "{}", text(&out.stdout));
}

#[test]
fn a_long_one_line_note_shows_a_window_not_the_whole_line() {
    // A 200 KB one-line note once gave 577 MB of text output.
    let dir = tempfile::tempdir().unwrap();
    let line = "She was hostile and the MDT met again. ".repeat(5_000);
    std::fs::write(dir.path().join("long.txt"), &line).unwrap();
    let out = run(&["check", "long.txt"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let findings = stdout.lines().filter(|l| l.starts_with("long.txt:1:")).count();
    assert!(findings >= 10_000, "{findings} findings");
    assert!(stdout.len() < findings * 600, "{} bytes for {findings} findings", stdout.len());
    let longest = stdout.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(longest < 300, "the longest line has {longest} characters");
    // Each window still points at its finding.
    let lines: Vec<&str> = stdout.lines().collect();
    let i = lines.iter().enumerate().filter(|(_, l)| l.starts_with("long.txt:1:")).nth(500).expect("a 500th finding").0;
    let (shown, carets) = (lines[i + 1], lines[i + 2]);
    let at = carets.find('^').unwrap();
    let shown: Vec<char> = shown.chars().collect();
    let word: String = shown[at..at + carets.matches('^').count()].iter().collect();
    assert!(word == "hostile" || word == "MDT", "{word:?}");
}
