//! Hostile and huge input, part 3: the language server (issue 13). A client that
//! frames one message badly, a header that never ends, old Mac line endings, a slow
//! note typed into quickly, a huge note, a pipe planted as a rule file: none may stop
//! the server answering, make its text drift from the editor's, or eat the memory.
//!
//! `COFNOD_TEST_BIN` runs these against another build (an older one, to see them fail).

#![cfg(target_os = "linux")]

mod support;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::lsp_client::{file_uri, LspClient};

fn bin() -> PathBuf {
    std::env::var_os("COFNOD_TEST_BIN").map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_cofnod")), PathBuf::from)
}

fn start(dir: &Path, options: Value) -> LspClient {
    let mut client = LspClient::start(&bin(), dir);
    client.initialize(options, json!({}), Some(&file_uri(dir)));
    client
}

fn rules(diags: &[Value]) -> Vec<String> {
    diags.iter().map(|d| d["data"]["rule"].as_str().unwrap_or_default().to_string()).collect()
}

fn hover(client: &mut LspClient, uri: &str) -> Value {
    client.request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 9}}))
}

const NOTE: &str = "We will commence the visits on Monday.\n";

#[test]
fn exit_without_shutdown_exits_with_status_1() {
    let dir = tempfile::tempdir().unwrap();
    let client = start(dir.path(), json!({}));
    assert_eq!(client.exit_now(), Some(1));
    let client = start(dir.path(), json!({}));
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_wrong_content_length_loses_one_message_not_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = start(dir.path(), json!({"debounceMs": 0}));
    let uri = file_uri(&dir.path().join("visit.md"));
    client.open(&uri, NOTE, 1);
    client.diagnostics(&uri, Some(1));
    let body = json!({"jsonrpc": "2.0", "id": 900, "method": "textDocument/hover",
                      "params": {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 9}}})
    .to_string();
    // Too short: the rest of the body is left in the stream.
    client.write_unframed(format!("Content-Length: {}\r\n\r\n{body}", body.len() - 20).as_bytes());
    assert!(hover(&mut client, &uri)["result"]["contents"].is_object(), "the next request is answered");
    // Too long: the next message's header is swallowed into the body.
    client.write_unframed(format!("Content-Length: {}\r\n\r\n{body}", body.len() + 25).as_bytes());
    assert!(hover(&mut client, &uri)["result"]["contents"].is_object(), "the next request is answered");
    // The server said what it ignored, without quoting it.
    let logs = client.drain(Duration::from_millis(300));
    let ignored: Vec<&str> = logs.iter().filter_map(|m| m["params"]["message"].as_str()).filter(|m| m.contains("ignored")).collect();
    assert!(!ignored.is_empty(), "{logs:?}");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn an_endless_header_line_is_bounded_and_the_session_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = start(dir.path(), json!({"debounceMs": 0}));
    let uri = file_uri(&dir.path().join("visit.md"));
    client.open(&uri, NOTE, 1);
    client.diagnostics(&uri, Some(1));
    let chunk = vec![b'x'; 1 << 20];
    for _ in 0..128 {
        client.write_unframed(&chunk);
    }
    client.write_unframed(b"\r\n\r\n");
    assert!(hover(&mut client, &uri)["result"]["contents"].is_object());
    let peak = client.memory_kib("VmHWM").expect("/proc");
    assert!(peak < 64 * 1024, "128 MiB of header held {peak} KiB at its peak");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn notifications_with_parameters_that_do_not_fit_are_logged() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = start(dir.path(), json!({"debounceMs": 0}));
    let uri = file_uri(&dir.path().join("visit.md"));
    client.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "text": "Mrs Jones, PIN 4921"}}));
    let log = client
        .wait_for(|m| m["method"] == "window/logMessage" && m["params"]["message"].as_str().is_some_and(|s| s.contains("didOpen")), Duration::from_secs(10))
        .expect("the bad notification is logged");
    let message = log["params"]["message"].as_str().unwrap();
    assert!(message.contains("ignored a textDocument/didOpen notification with parameters that do not fit"), "{message}");
    assert!(!message.contains("Jones"), "{message}");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn lone_carriage_returns_give_the_right_positions_and_edits_apply() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = start(dir.path(), json!({"debounceMs": 0}));
    let uri = file_uri(&dir.path().join("visit.md"));
    client.open(&uri, "Visit notes\rWe will commence the visits.\rWe will visit regularly.\r", 1);
    let diags = client.diagnostics(&uri, Some(1));
    assert_eq!(rules(&diags), ["plain-language/commence", "vague/frequency"]);
    assert_eq!(diags[0]["range"]["start"], json!({"line": 1, "character": 8}));
    assert_eq!(diags[1]["range"]["start"], json!({"line": 2, "character": 14}));
    // An edit on line 2 (by the editor's count of lines) applies there.
    client.change(&uri, 2, (2, 14), (2, 23), "every Tuesday");
    let diags = client.diagnostics(&uri, Some(2));
    assert_eq!(rules(&diags), ["plain-language/commence"], "the edit landed where the editor put it");
    client.change(&uri, 3, (1, 8), (1, 16), "start");
    assert!(client.diagnostics(&uri, Some(3)).is_empty());
    assert_eq!(client.shutdown(), Some(0));
}

/// A long note that takes a while to analyse: paragraphs of corpus-like text.
fn slow_note(bytes: usize) -> String {
    let paragraph = "Mrs Hale was hostile and did not engage. The MDT met and agreed to close the case. \
                     She was signposted to the carers' centre. Outcome: referral to the OT.\n\n";
    paragraph.repeat(bytes / paragraph.len() + 1)
}

#[test]
fn a_burst_of_edits_to_a_slow_note_costs_about_one_analysis() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = start(dir.path(), json!({"debounceMs": 0}));
    let uri = file_uri(&dir.path().join("long.md"));
    // One paragraph: every keystroke changes the one block, so the paragraph cache
    // cannot help, and each analysis is of the whole note.
    let note = slow_note(8_000_000).replace("\n\n", " ");
    let opened = Instant::now();
    client.open(&uri, &note, 1);
    client.diagnostics(&uri, Some(1));
    let one = opened.elapsed();
    let cpu_before = client.cpu_time().expect("/proc");
    let typed = Instant::now();
    for version in 2..=21 {
        client.change(&uri, version, (0, 0), (0, 0), "x");
    }
    let last = client.diagnostics(&uri, Some(21));
    let waited = typed.elapsed();
    let cpu = client.cpu_time().unwrap() - cpu_before;
    eprintln!("one analysis {one:?}; 20 edits: last diagnostics after {waited:?}, {cpu:?} of CPU");
    assert!(!last.is_empty());
    // Without cancelling, every edit's analysis runs to its end: 20 analyses.
    assert!(waited < one * 5 + Duration::from_secs(1), "one analysis {one:?}, the last of 20 edits waited {waited:?}");
    assert!(cpu < one * 6 + Duration::from_secs(1), "one analysis {one:?}, 20 edits cost {cpu:?} of CPU");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_note_over_the_size_limit_is_not_analysed_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = start(dir.path(), json!({"debounceMs": 0, "maxFileSizeMB": 1}));
    let big = file_uri(&dir.path().join("big.md"));
    client.open(&big, &slow_note(1_500_000), 1);
    assert!(client.diagnostics(&big, Some(1)).is_empty());
    let status = client.wait_for(|m| m["method"] == "cofnod/status" && m["params"]["uri"] == big, Duration::from_secs(10)).expect("status");
    assert_eq!(status["params"]["notice"], "larger than 1 MB; not checked (cofnod.maxFileSizeMB)");
    let shown = client.wait_for(|m| m["method"] == "window/showMessage", Duration::from_secs(10)).expect("a message");
    assert!(shown["params"]["message"].as_str().unwrap().contains("big.md: larger than 1 MB"), "{shown}");
    // A note under the limit is checked as ever.
    let small = file_uri(&dir.path().join("small.md"));
    client.open(&small, NOTE, 1);
    assert_eq!(rules(&client.diagnostics(&small, Some(1))), ["plain-language/commence"]);
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_pipe_named_as_a_rule_file_does_not_freeze_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("shared")).unwrap();
    assert!(std::process::Command::new("mkfifo").arg(d.join("shared/words.toml")).status().unwrap().success());
    std::fs::write(d.join("shared/cofnod.toml"), "[rules]\nfiles = [\"words.toml\"]\n").unwrap();
    let mut client = start(d, json!({"debounceMs": 0}));
    let planted = file_uri(&d.join("shared/visit.md"));
    client.open(&planted, NOTE, 1);
    assert_eq!(rules(&client.diagnostics(&planted, Some(1))), ["plain-language/commence"], "checked with the embedded rules");
    let warning = client.wait_for(|m| m["method"] == "window/showMessage", Duration::from_secs(10)).expect("a warning");
    assert!(warning["params"]["message"].as_str().unwrap().contains("words.toml: a named pipe (FIFO)"), "{warning}");
    let other = file_uri(&d.join("other.md"));
    client.open(&other, NOTE, 1);
    assert_eq!(rules(&client.diagnostics(&other, Some(1))), ["plain-language/commence"]);
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn memory_after_opening_a_10_mb_note_stays_in_proportion() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = start(dir.path(), json!({"debounceMs": 0}));
    let uri = file_uri(&dir.path().join("long.md"));
    client.open(&uri, &slow_note(10_000_000), 1);
    let diags = client.diagnostics(&uri, Some(1));
    assert_eq!(diags.len(), 5_000, "the first 5,000 findings are shown");
    let status = client.wait_for(|m| m["method"] == "cofnod/status", Duration::from_secs(10)).expect("status");
    let total = status["params"]["findings"].as_u64().unwrap();
    assert!(total > 300_000, "{status}");
    assert_eq!(status["params"]["notice"], format!("{total} findings; the first 5000 are shown"));
    let (rss, peak) = (client.memory_kib("VmRSS").unwrap(), client.memory_kib("VmHWM").unwrap());
    eprintln!("after a 10 MB open: RSS {} MiB, peak {} MiB", rss / 1024, peak / 1024);
    // A 50 MB note once kept 6 GB (120 times its size).
    assert!(peak < 1024 * 1024, "peak {peak} KiB for a 10 MB note");
    assert_eq!(client.shutdown(), Some(0));
}
