//! A guard in front of the server's reader. tower-lsp-server's framed reader stops
//! for good at the first message it cannot decode (tokio-util ends a stream after a
//! decoder error), so one malformed message from a client would end the server; and
//! it drops a notification whose parameters do not fit without a word. This task
//! reads the frames itself and passes on only well-formed JSON-RPC messages. A
//! malformed one becomes a `$/cofnod/malformed` notification, which the server logs
//! and otherwise ignores.
//!
//! A frame whose `Content-Length` is wrong leaves the stream out of step: too short,
//! and the rest of its body is read as headers; too long, and the next message is
//! read as part of its body. The reader gets back in step at the next
//! `Content-Length` header, wherever it finds one: inside a header line, or inside a
//! body that did not parse (whose tail is then read again as the stream). Header
//! lines are bounded: an endless line costs a few kilobytes, not the memory of its
//! length.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::ls_types as lsp;

pub const MALFORMED: &str = "$/cofnod/malformed";

/// Frames larger than this are refused (and skipped) rather than read into memory.
const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

/// The most of one header line kept: a `Content-Length` header is short, and when a
/// line runs on (a body read as headers) only its tail can hold the next header.
const MAX_HEADER_LINE: usize = 8 * 1024;

const HEADER: &[u8] = b"content-length:";

/// The reader, with bytes to be read again before the stream's own.
struct Frames<R> {
    again: Vec<u8>,
    inner: BufReader<R>,
}

impl<R: AsyncRead + Unpin> Frames<R> {
    /// The next bytes to read (empty at the end of the stream).
    async fn fill(&mut self) -> std::io::Result<&[u8]> {
        if !self.again.is_empty() {
            return Ok(&self.again);
        }
        self.inner.fill_buf().await
    }

    fn consume(&mut self, n: usize) {
        if self.again.is_empty() {
            self.inner.consume(n);
        } else {
            self.again.drain(..n);
        }
    }

    /// One line (up to and with `\n`), keeping at most its last `MAX_HEADER_LINE`
    /// bytes. `false` at the end of the stream.
    async fn line(&mut self, line: &mut Vec<u8>) -> std::io::Result<bool> {
        line.clear();
        loop {
            let buf = self.fill().await?;
            if buf.is_empty() {
                return Ok(!line.is_empty());
            }
            let (take, done) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            line.extend_from_slice(&buf[..take]);
            self.consume(take);
            if line.len() > MAX_HEADER_LINE {
                line.drain(..line.len() - MAX_HEADER_LINE / 2);
            }
            if done {
                return Ok(true);
            }
        }
    }

    /// Exactly `n` bytes, or `None` if the stream ends first.
    async fn body(&mut self, n: usize) -> std::io::Result<Option<Vec<u8>>> {
        let mut body = Vec::with_capacity(n);
        while body.len() < n {
            let buf = self.fill().await?;
            if buf.is_empty() {
                return Ok(None);
            }
            let take = buf.len().min(n - body.len());
            body.extend_from_slice(&buf[..take]);
            self.consume(take);
        }
        Ok(Some(body))
    }

    /// Skips `n` bytes; `false` if the stream ends first.
    async fn skip(&mut self, mut n: usize) -> std::io::Result<bool> {
        while n > 0 {
            let buf = self.fill().await?;
            if buf.is_empty() {
                return Ok(false);
            }
            let take = buf.len().min(n);
            self.consume(take);
            n -= take;
        }
        Ok(true)
    }

    /// Reads `bytes` again before the rest of the stream.
    fn unread(&mut self, bytes: &[u8]) {
        let mut again = bytes.to_vec();
        again.extend_from_slice(&self.again);
        self.again = again;
    }
}

/// Where a `Content-Length` header starts in `bytes`, from `from` on (any case).
fn find_header(bytes: &[u8], from: usize) -> Option<usize> {
    bytes.get(from..)?.windows(HEADER.len()).position(|w| w.eq_ignore_ascii_case(HEADER)).map(|i| from + i)
}

/// Where `bytes` ends with the start of a `Content-Length` header ("Conte"), if it does.
fn partial_header_at_end(bytes: &[u8]) -> Option<usize> {
    (1..HEADER.len().min(bytes.len()))
        .rev()
        .find(|&n| bytes[bytes.len() - n..].eq_ignore_ascii_case(&HEADER[..n]))
        .map(|n| bytes.len() - n)
}

/// The length a header line gives, wherever in the line the header starts.
fn content_length(line: &[u8]) -> Option<usize> {
    let at = find_header(line, 0)?;
    let value = std::str::from_utf8(&line[at + HEADER.len()..]).ok()?;
    value.trim().parse().ok()
}

/// Notifications whose parameters the server reads, and whether `params` fit.
fn notification_fits(method: &str, params: &serde_json::Value) -> Option<bool> {
    use serde::Deserialize;
    fn fits<'a, T: Deserialize<'a>>(params: &'a serde_json::Value) -> bool {
        T::deserialize(params).is_ok()
    }
    Some(match method {
        "textDocument/didOpen" => fits::<lsp::DidOpenTextDocumentParams>(params),
        "textDocument/didChange" => fits::<lsp::DidChangeTextDocumentParams>(params),
        "textDocument/didSave" => fits::<lsp::DidSaveTextDocumentParams>(params),
        "textDocument/didClose" => fits::<lsp::DidCloseTextDocumentParams>(params),
        "workspace/didChangeConfiguration" => fits::<lsp::DidChangeConfigurationParams>(params),
        "workspace/didChangeWorkspaceFolders" => fits::<lsp::DidChangeWorkspaceFoldersParams>(params),
        "initialized" => fits::<lsp::InitializedParams>(params),
        _ => return None,
    })
}

/// What to pass on for a body: itself if it is a well-formed message, else why not.
fn check_body(body: &[u8]) -> Result<(), String> {
    if let Ok(request) = serde_json::from_slice::<Request>(body) {
        // A notification (no id) whose parameters do not fit would be dropped by the
        // server without a word; say so instead, naming the method only.
        if request.id().is_none() {
            let params = request.params().cloned().unwrap_or(serde_json::Value::Null);
            if notification_fits(request.method(), &params) == Some(false) {
                let method: String = request.method().chars().filter(|c| c.is_ascii_graphic()).take(64).collect();
                return Err(format!("a {method} notification with parameters that do not fit"));
            }
        }
        return Ok(());
    }
    if serde_json::from_slice::<Response>(body).is_ok() {
        return Ok(());
    }
    Err("a message that is not JSON-RPC".to_string())
}

fn malformed_notice(problem: &str) -> Vec<u8> {
    serde_json::json!({"jsonrpc": "2.0", "method": MALFORMED, "params": {"problem": problem}}).to_string().into_bytes()
}

/// Copies frames from `input` to `output` until `input` ends, replacing bad ones.
pub async fn sanitise(input: impl AsyncRead + Unpin, mut output: impl AsyncWrite + Unpin) {
    let mut frames = Frames { again: Vec::new(), inner: BufReader::new(input) };
    let mut line = Vec::new();
    loop {
        // Headers, up to the blank line.
        let mut length: Option<usize> = None;
        let mut saw_header = false;
        loop {
            match frames.line(&mut line).await {
                Ok(true) => {}
                Ok(false) | Err(_) => return,
            }
            let blank = line.iter().all(u8::is_ascii_whitespace);
            if blank {
                if saw_header {
                    break;
                }
                continue;
            }
            saw_header = true;
            if let Some(n) = content_length(&line) {
                length = Some(n);
            }
        }
        let body = match length {
            None => malformed_notice("a message without a valid Content-Length header"),
            Some(n) if n > MAX_MESSAGE_BYTES => {
                // Skip it without holding it.
                if !frames.skip(n).await.unwrap_or(false) {
                    return;
                }
                malformed_notice("a message over 64 MiB")
            }
            Some(n) => {
                let Ok(Some(body)) = frames.body(n).await else { return };
                match check_body(&body) {
                    Ok(()) => body,
                    Err(problem) => {
                        // A length too long swallows the start of the next message:
                        // read the body again from the first header inside it, or
                        // from a header cut short at its end.
                        if let Some(at) = find_header(&body, 1).or_else(|| partial_header_at_end(&body)) {
                            frames.unread(&body[at..]);
                        }
                        malformed_notice(&problem)
                    }
                }
            }
        };
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        if output.write_all(header.as_bytes()).await.is_err() || output.write_all(&body).await.is_err() {
            return;
        }
        let _ = output.flush().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn run(input: &[u8]) -> String {
        let mut out = Vec::new();
        sanitise(input, &mut out).await;
        String::from_utf8(out).unwrap()
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    const GOOD: &str = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;

    #[tokio::test]
    async fn passes_good_frames_and_replaces_bad_ones() {
        let input = format!("{}Content-Length: 5\r\n\r\n{{ bad\r\n\r\nContent-Length: 7\r\n\r\n[1,2,3]{}", frame(GOOD), frame(GOOD));
        let out = run(input.as_bytes()).await;
        assert_eq!(out.matches(GOOD).count(), 2, "{out}");
        assert!(out.matches(MALFORMED).count() >= 2, "{out}");
    }

    #[tokio::test]
    async fn headers_without_a_length_are_reported_not_fatal() {
        let good = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = format!("X-Junk: 1\r\n\r\n{}", frame(good));
        let out = run(input.as_bytes()).await;
        assert!(out.contains(MALFORMED) && out.ends_with(good), "{out}");
    }

    #[tokio::test]
    async fn a_length_too_short_or_too_long_loses_one_message_not_the_rest() {
        let second = r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#;
        // Too short: the rest of the body is read as headers, then the next frame.
        let input = format!("Content-Length: 10\r\n\r\n{GOOD}{}{}", frame(second), frame(GOOD));
        let out = run(input.as_bytes()).await;
        assert!(out.contains(second) && out.ends_with(GOOD), "{out}");
        // Too long: the next frame is swallowed into the body, then read again.
        let input = format!("Content-Length: {}\r\n\r\n{GOOD}{}{}", GOOD.len() + 30, frame(second), frame(GOOD));
        let out = run(input.as_bytes()).await;
        assert!(out.contains(second) && out.ends_with(GOOD), "{out}");
    }

    #[tokio::test]
    async fn an_endless_header_line_is_bounded_and_the_next_frame_still_read() {
        let mut input = vec![b'x'; 5 * 1024 * 1024];
        input.extend_from_slice(frame(GOOD).as_bytes());
        let out = run(&input).await;
        assert!(out.ends_with(GOOD), "{}", &out[..out.len().min(200)]);
    }

    /// A piece of a client's stream: a good message (its id), bytes of noise, or a
    /// message whose `Content-Length` is off by some bytes.
    #[derive(Clone, Debug)]
    enum Piece {
        Good(u32),
        Noise(Vec<u8>),
        Short(u32, usize),
        Long(u32, usize),
    }

    fn message(id: u32) -> String {
        format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"textDocument/hover","params":{{"n":"{}"}}}}"#, "é".repeat(id as usize % 7))
    }

    fn piece() -> impl proptest::strategy::Strategy<Value = Piece> {
        use proptest::prelude::*;
        // Noise has no "content-length" in it (nothing could tell it from a header).
        let noise = prop::collection::vec(prop::sample::select(&b"ab :\r\n{}\"x0123"[..]), 0..40).prop_map(Piece::Noise);
        prop_oneof![
            6 => (0u32..1000).prop_map(Piece::Good),
            2 => noise,
            1 => (0u32..1000, 1usize..30).prop_map(|(id, by)| Piece::Short(id, by)),
            1 => (0u32..1000, 1usize..30).prop_map(|(id, by)| Piece::Long(id, by)),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 2000,
            // Failures are kept beside this file (src/lsp/transport.proptest-regressions).
            failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"))),
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// Whatever comes before it, every well-framed message that follows a bad
        /// one gets through, once and in order; nothing panics; everything passed on
        /// is a frame of well-formed JSON-RPC.
        #[test]
        fn the_reader_gets_back_in_step(pieces in proptest::collection::vec(piece(), 0..12)) {
            let mut input = Vec::new();
            // Every message sent, in order: a badly framed one may still get through
            // (a length one byte long that takes in a `\r` is still good JSON).
            let mut sent = Vec::new();
            for p in &pieces {
                match p {
                    Piece::Good(id) => {
                        input.extend_from_slice(frame(&message(*id)).as_bytes());
                        sent.push(message(*id));
                    }
                    Piece::Noise(bytes) => input.extend_from_slice(bytes),
                    Piece::Short(id, by) => {
                        let body = message(*id);
                        let n = body.len().saturating_sub(*by).max(1);
                        input.extend_from_slice(format!("Content-Length: {n}\r\n\r\n{body}").as_bytes());
                        sent.push(message(*id));
                    }
                    Piece::Long(id, by) => {
                        let body = message(*id);
                        input.extend_from_slice(format!("Content-Length: {}\r\n\r\n{body}", body.len() + by).as_bytes());
                        sent.push(message(*id));
                    }
                }
            }
            // The tail: a blank line ends any header block the noise left open, and
            // good messages give a long frame something to swallow.
            input.extend_from_slice(b"\r\n\r\n");
            for id in 5000..5004 {
                input.extend_from_slice(frame(&message(id)).as_bytes());
                sent.push(message(id));
            }
            let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
            let out = rt.block_on(run(&input));
            // Parse the output back into frames: each must be well-formed.
            let mut bodies = Vec::new();
            let mut rest = out.as_str();
            while !rest.is_empty() {
                let (header, after) = rest.split_once("\r\n\r\n").expect("a header");
                let n: usize = header.strip_prefix("Content-Length: ").expect("Content-Length").parse().unwrap();
                let body = &after[..n];
                proptest::prop_assert!(check_body(body.as_bytes()).is_ok() || body.contains(MALFORMED), "{}", body);
                bodies.push(body.to_string());
                rest = &after[n..];
            }
            // (A body that took in a few bytes of whitespace is the same message.)
            let good: Vec<&str> = bodies.iter().filter(|b| !b.contains(MALFORMED)).map(|b| b.trim()).collect();
            // The last good messages always get through.
            for id in 5001..5004 {
                proptest::prop_assert!(good.iter().any(|b| *b == message(id)), "{} missing from {:?}", id, good);
            }
            // Every good message after the last bad piece gets through.
            let last_bad = pieces.iter().rposition(|p| !matches!(p, Piece::Good(_)));
            for p in &pieces[last_bad.map_or(0, |i| i + 1)..] {
                if let Piece::Good(id) = p {
                    proptest::prop_assert!(good.iter().any(|b| *b == message(*id)), "{} missing from {:?}", id, good);
                }
            }
            // Nothing is passed on twice or out of order, and nothing is invented:
            // what got through is a subsequence of what was sent.
            let mut at = 0;
            for b in &good {
                let i = sent[at..].iter().position(|e| e == *b);
                proptest::prop_assert!(i.is_some(), "{} was not sent, or came out of order", b);
                at += i.unwrap_or(0) + 1;
            }
        }
    }

    #[tokio::test]
    async fn notifications_whose_params_do_not_fit_are_reported() {
        let bad = r#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///a.md"},"contentChanges":"Mrs Jones"}}"#;
        let out = run(format!("{}{}", frame(bad), frame(GOOD)).as_bytes()).await;
        assert!(out.contains("textDocument/didChange notification with parameters that do not fit"), "{out}");
        assert!(!out.contains("Mrs Jones"), "{out}");
        assert!(out.ends_with(GOOD), "{out}");
    }
}
