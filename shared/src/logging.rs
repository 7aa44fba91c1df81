//! Logging set-up: JSON lines through `tracing`, level from `RUST_LOG` (default `info`).
//!
//! What is logged is decided at each call site and is limited to ids, types, sizes,
//! counts and timings; bodies, transcripts, tool arguments, numbers, names, secrets and
//! control URLs never are (a test scans the captured output for the samples' PII).

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

/// Install the global JSON subscriber writing to stdout (CloudWatch picks it up).
pub fn init_json_logging() {
    init_json_logging_to(std::io::stdout);
}

/// Install the global JSON subscriber writing to `writer` (tests capture the output).
/// A second call is a no-op.
pub fn init_json_logging_to<W>(writer: W)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(false)
        .with_span_list(false)
        .with_target(true)
        .with_writer(writer)
        .try_init();
}

/// An in-memory log sink: pass it to [`init_json_logging_to`] and read back everything
/// written, so tests can scan real log output for PII and secrets.
#[derive(Clone, Default)]
pub struct LogCapture(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl LogCapture {
    /// Everything written so far (lossy UTF-8).
    pub fn contents(&self) -> String {
        let bytes = self.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl std::io::Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("log capture lock poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for LogCapture {
    type Writer = LogCapture;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}
