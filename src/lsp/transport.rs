//! A guard in front of the server's reader. tower-lsp-server's framed reader stops
//! for good at the first message it cannot decode (tokio-util ends a stream after a
//! decoder error), so one malformed message from a client would end the server. This
//! task reads the frames itself and passes on only well-formed JSON-RPC messages; a
//! malformed one becomes a `$/cofnod/malformed` notification, which the server logs
//! and otherwise ignores.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Request, Response};

pub const MALFORMED: &str = "$/cofnod/malformed";

/// Frames larger than this are refused (and skipped) rather than read into memory.
const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

fn is_message(body: &[u8]) -> bool {
    serde_json::from_slice::<Request>(body).is_ok() || serde_json::from_slice::<Response>(body).is_ok()
}

fn malformed_notice(problem: &str) -> Vec<u8> {
    serde_json::json!({"jsonrpc": "2.0", "method": MALFORMED, "params": {"problem": problem}}).to_string().into_bytes()
}

/// Copies frames from `input` to `output` until `input` ends, replacing bad ones.
pub async fn sanitise(input: impl AsyncRead + Unpin, mut output: impl AsyncWrite + Unpin) {
    let mut reader = BufReader::new(input);
    let mut line = Vec::new();
    loop {
        // Headers, up to the blank line.
        let mut length: Option<usize> = None;
        let mut saw_header = false;
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim();
            if text.is_empty() {
                if saw_header {
                    break;
                }
                continue;
            }
            saw_header = true;
            if let Some((name, value)) = text.split_once(':') {
                if name.trim().eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().ok();
                }
            }
        }
        let body = match length {
            None => malformed_notice("a message without a valid Content-Length header"),
            Some(n) if n > MAX_MESSAGE_BYTES => {
                // Skip it without holding it.
                let mut rest = (&mut reader).take(n as u64);
                if tokio::io::copy(&mut rest, &mut tokio::io::sink()).await.is_err() {
                    return;
                }
                malformed_notice("a message over 64 MiB")
            }
            Some(n) => {
                let mut body = vec![0; n];
                if reader.read_exact(&mut body).await.is_err() {
                    return;
                }
                if is_message(&body) {
                    body
                } else {
                    malformed_notice("a message that is not JSON-RPC")
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

    #[tokio::test]
    async fn passes_good_frames_and_replaces_bad_ones() {
        let good = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let input = format!(
            "Content-Length: {}\r\n\r\n{good}Content-Length: 5\r\n\r\n{{ bad\r\n\r\nContent-Length: 7\r\n\r\n[1,2,3]Content-Length: {}\r\n\r\n{good}",
            good.len(),
            good.len()
        );
        let out = run(input.as_bytes()).await;
        assert_eq!(out.matches(good).count(), 2, "{out}");
        assert_eq!(out.matches(MALFORMED).count(), 2, "{out}");
    }

    #[tokio::test]
    async fn headers_without_a_length_are_reported_not_fatal() {
        let good = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = format!("X-Junk: 1\r\n\r\nContent-Length: {}\r\n\r\n{good}", good.len());
        let out = run(input.as_bytes()).await;
        assert!(out.contains(MALFORMED) && out.ends_with(good), "{out}");
    }
}
