//! `cofnod lsp`: the language server, over standard input and output.
//!
//! Built on tower-lsp-server, the maintained fork of tower-lsp: tower-lsp has had no
//! release since 2023, and its server did not exit on `exit` until stdin closed;
//! the fork exits, and speaks LSP 3.17 (position encodings) through `ls-types`.
//!
//! The flow of one keystroke: `didChange` edits the document's rope at once (in the
//! order the client sent them), bumps the document's generation and starts a timer.
//! When the timer ends and no newer edit has come, the text is analysed on a
//! blocking thread with the document's paragraph cache, so the reader loop is never
//! held up; the result is published only if the document is still at the version
//! that was analysed.

mod convert;
mod server;
mod settings;
pub mod text;
mod transport;


/// Serves the protocol on stdin/stdout until the client says `exit`. Returns the
/// process exit code: 0 after `shutdown` then `exit`, 1 for an `exit` (or the end of
/// input) with no `shutdown` before it, as LSP asks.
pub fn run() -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cofnod lsp: cannot start: {e}");
            return 2;
        }
    };
    let shut_down = runtime.block_on(server::serve());
    // Analyses still running on blocking threads are abandoned, not awaited.
    runtime.shutdown_background();
    if shut_down {
        0
    } else {
        1
    }
}
