//! Route classification: which endpoint a path names, tolerant of API Gateway stage
//! prefixes (`/prod/webhook/vapi`) and a trailing slash.

use http::Method;

/// The endpoints callwarden serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `POST /webhook/vapi`.
    VapiWebhook,
    /// `GET /healthz`.
    Health,
    /// `POST /twilio/voice`.
    TwilioVoice,
    /// `POST /twilio/status`.
    TwilioStatus,
}

impl Route {
    /// Stable name for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Route::VapiWebhook => "vapi",
            Route::Health => "healthz",
            Route::TwilioVoice => "twilio.voice",
            Route::TwilioStatus => "twilio.status",
        }
    }

    /// The only method the route accepts.
    pub fn method(self) -> Method {
        match self {
            Route::Health => Method::GET,
            _ => Method::POST,
        }
    }
}

const ROUTES: [(&str, Route); 4] = [
    ("/webhook/vapi", Route::VapiWebhook),
    ("/healthz", Route::Health),
    ("/twilio/voice", Route::TwilioVoice),
    ("/twilio/status", Route::TwilioStatus),
];

/// Classify `path`: the route whose suffix it ends with, at a segment boundary, after
/// dropping one trailing slash. Paths with `..`, `//` or percent-encoded slashes never match.
pub fn route(path: &str) -> Option<Route> {
    if path.contains("..") || path.contains("//") || path.to_ascii_lowercase().contains("%2f") {
        return None;
    }
    let path = path
        .strip_suffix('/')
        .filter(|p| !p.is_empty())
        .unwrap_or(path);
    ROUTES.iter().find_map(|(suffix, route)| {
        let prefix = path.strip_suffix(suffix)?;
        // Only a stage prefix of one segment (`/prod`, `/$default`) or none. Stage names
        // are `[A-Za-z0-9_$-]`: anything percent-encoded or dotted is not a stage.
        let ok = prefix.is_empty()
            || prefix.strip_prefix('/').is_some_and(|stage| {
                !stage.is_empty()
                    && stage
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'$'))
            });
        ok.then_some(*route)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_with_and_without_stage() {
        assert_eq!(route("/webhook/vapi"), Some(Route::VapiWebhook));
        assert_eq!(route("/prod/webhook/vapi"), Some(Route::VapiWebhook));
        assert_eq!(route("/webhook/vapi/"), Some(Route::VapiWebhook));
        assert_eq!(route("/healthz"), Some(Route::Health));
        assert_eq!(route("/$default/healthz"), Some(Route::Health));
        assert_eq!(route("/twilio/voice"), Some(Route::TwilioVoice));
        assert_eq!(route("/a/b/webhook/vapi"), None);
        assert_eq!(route("/xwebhook/vapi"), None);
        assert_eq!(route("/webhook/vapi/../healthz"), None);
        assert_eq!(route("/webhook%2Fvapi"), None);
        assert_eq!(route("//webhook/vapi"), None);
        assert_eq!(route("/%2e%2e/webhook/vapi"), None);
        assert_eq!(route("/./webhook/vapi"), None);
        assert_eq!(route("/pr od/webhook/vapi"), None);
        assert_eq!(route("/"), None);
        assert_eq!(route(""), None);
    }
}
