//! The server under test when `--url` is not given: `callwarden dev` started as a child
//! process of the load test (same binary), on a free loopback port, with its stdout and
//! stderr captured to a file — the server's own logs, scanned for PII afterwards.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::oneshot;

/// A running child server.
pub struct ChildServer {
    child: Child,
    /// Base URL, `http://127.0.0.1:<port>`.
    pub base_url: String,
    copiers: Vec<tokio::task::JoinHandle<()>>,
}

/// Why the child could not be started.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The process did not start.
    #[error("cannot start `callwarden dev`: {0}")]
    Spawn(String),
    /// It exited or never printed its address.
    #[error("`callwarden dev` did not come up within {0} s (see its log {1})")]
    NotReady(u64, String),
}

fn listening_url(line: &str) -> Option<String> {
    let rest = line.strip_prefix("callwarden dev listening on ")?;
    let url = rest.split_whitespace().next()?;
    url.starts_with("http://127.0.0.1:")
        .then(|| url.to_string())
}

/// Start `callwarden dev --port 0 --dev-endpoints <extra>` with `env` added, logging to
/// `log_path`; wait until it prints its address.
pub async fn start(
    extra_args: &[String],
    env: &[(String, String)],
    log_path: &Path,
) -> Result<ChildServer, ServerError> {
    let exe = std::env::current_exe().map_err(|e| ServerError::Spawn(e.to_string()))?;
    let mut cmd = Command::new(exe);
    cmd.arg("dev")
        .args(["--port", "0", "--dev-endpoints", "--no-seed"])
        .args(extra_args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().map_err(|e| ServerError::Spawn(e.to_string()))?;
    let file = tokio::fs::File::create(log_path)
        .await
        .map_err(|e| ServerError::Spawn(format!("log file {}: {e}", log_path.display())))?;
    let file = std::sync::Arc::new(tokio::sync::Mutex::new(file));
    let (ready_tx, ready_rx) = oneshot::channel::<String>();
    let mut copiers = Vec::new();
    if let Some(out) = child.stdout.take() {
        let file = file.clone();
        copiers.push(tokio::spawn(async move {
            let mut ready = Some(ready_tx);
            let mut lines = BufReader::new(out).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(url) = listening_url(&line) {
                    if let Some(tx) = ready.take() {
                        let _ = tx.send(url);
                    }
                }
                let mut f = file.lock().await;
                let _ = f.write_all(line.as_bytes()).await;
                let _ = f.write_all(b"\n").await;
            }
            let _ = file.lock().await.flush().await;
        }));
    }
    if let Some(err) = child.stderr.take() {
        let file = file.clone();
        copiers.push(tokio::spawn(async move {
            let mut lines = BufReader::new(err).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let mut f = file.lock().await;
                let _ = f.write_all(line.as_bytes()).await;
                let _ = f.write_all(b"\n").await;
            }
            let _ = file.lock().await.flush().await;
        }));
    }
    const READY_SECS: u64 = 60;
    let base_url = match tokio::time::timeout(Duration::from_secs(READY_SECS), ready_rx).await {
        Ok(Ok(url)) => url,
        _ => {
            let _ = child.kill().await;
            return Err(ServerError::NotReady(
                READY_SECS,
                log_path.display().to_string(),
            ));
        }
    };
    Ok(ChildServer {
        child,
        base_url,
        copiers,
    })
}

impl ChildServer {
    /// Stop the server gracefully (SIGTERM, then a kill after `grace`), and wait until
    /// its whole log is on disk.
    pub async fn stop(mut self, grace: Duration) {
        if let Some(pid) = self.child.id() {
            // Our own child, by its id.
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(pid.to_string())
                .status()
                .await;
        }
        if tokio::time::timeout(grace, self.child.wait())
            .await
            .is_err()
        {
            let _ = self.child.kill().await;
            let _ = self.child.wait().await;
        }
        for c in self.copiers.drain(..) {
            let _ = tokio::time::timeout(Duration::from_secs(10), c).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_banner_address_only_on_loopback() {
        assert_eq!(
            listening_url("callwarden dev listening on http://127.0.0.1:41234").as_deref(),
            Some("http://127.0.0.1:41234")
        );
        assert_eq!(
            listening_url("callwarden dev listening on http://10.0.0.1:1"),
            None
        );
        assert_eq!(listening_url("{\"level\":\"INFO\"}"), None);
    }
}
