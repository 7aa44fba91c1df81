//! `callwarden sign`: the authentication headers for a body under the configured scheme
//! (the same environment variables the server reads), for curl and scripts.

use std::io::Read;

use callwarden::auth::{AuthConfig, SignedRequest};
use callwarden::clock::{Clock, SystemClock};

use crate::CliResult;

/// Arguments of `callwarden sign`.
#[derive(clap::Args)]
pub struct SignArgs {
    /// File holding the exact body to sign (`-` or absent: stdin).
    pub file: Option<String>,
    /// URL the request goes to (used by `{url}` payload templates).
    #[arg(long, default_value = "http://127.0.0.1:3000/webhook/vapi")]
    pub url: String,
    /// Scheme to sign with (`hmac`, `vapi-signature`, `shared-secret`); default: the
    /// strongest configured one.
    #[arg(long)]
    pub scheme: Option<String>,
    /// Print as curl `-H` arguments instead of `Name: value` lines.
    #[arg(long)]
    pub curl: bool,
}

/// Read the body and print its headers.
pub async fn run(args: SignArgs) -> CliResult {
    let auth = AuthConfig::from_env()?;
    let mut body = Vec::new();
    match args.file.as_deref() {
        None | Some("-") => {
            std::io::stdin().read_to_end(&mut body)?;
        }
        Some(path) => body = std::fs::read(path)?,
    }
    let headers = http::HeaderMap::new();
    let req = SignedRequest {
        method: "POST",
        url: &args.url,
        headers: &headers,
        body: &body,
    };
    let now = SystemClock.now_ms();
    let signed = match &args.scheme {
        Some(s) => auth
            .sign_with(s, &req, now)
            .ok_or_else(|| format!("scheme `{s}` is not configured"))?,
        None => auth.sign(&req, now),
    };
    for (k, v) in signed {
        if args.curl {
            print!(" -H '{k}: {v}'");
        } else {
            println!("{k}: {v}");
        }
    }
    if args.curl {
        println!();
    }
    Ok(())
}
