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
