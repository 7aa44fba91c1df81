//! The HMAC payload template (`{timestamp}.{body}` by default): parsed once at start-up,
//! then fed piece by piece into the MAC so the signed string is never materialised.

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    /// Literal bytes between placeholders.
    Literal(Box<[u8]>),
    /// `{timestamp}`: the timestamp header value exactly as received.
    Timestamp,
    /// `{body}`: the exact raw request body.
    Body,
    /// `{method}`: the HTTP method as given by the caller (e.g. `POST`).
    Method,
    /// `{url}`: the URL as given by the caller.
    Url,
}

/// The values substituted into a template for one request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PayloadParts<'a> {
    /// Timestamp header bytes (empty when the template has no `{timestamp}`).
    pub(crate) timestamp: &'a [u8],
    /// Exact raw body bytes.
    pub(crate) body: &'a [u8],
    /// HTTP method.
    pub(crate) method: &'a str,
    /// URL.
    pub(crate) url: &'a str,
}

/// A parsed payload template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PayloadTemplate {
    pieces: Vec<Piece>,
}

impl PayloadTemplate {
    /// Parse `template`. Placeholders: `{timestamp}`, `{body}`, `{method}`, `{url}`. The
    /// template must contain `{body}` (otherwise the body would not be authenticated).
    /// Errors describe the problem without echoing the template.
    pub(crate) fn parse(template: &str) -> Result<Self, String> {
        let mut pieces = Vec::new();
        let mut rest = template;
        while !rest.is_empty() {
            match rest.find('{') {
                None => {
                    pieces.push(Piece::Literal(rest.as_bytes().into()));
                    rest = "";
                }
                Some(open) => {
                    if open > 0 {
                        pieces.push(Piece::Literal(rest.as_bytes()[..open].into()));
                    }
                    let after = &rest[open + 1..];
                    let close = after
                        .find('}')
                        .ok_or_else(|| "a '{' has no matching '}'".to_string())?;
                    let piece = match &after[..close] {
                        "timestamp" => Piece::Timestamp,
                        "body" => Piece::Body,
                        "method" => Piece::Method,
                        "url" => Piece::Url,
                        other => {
                            return Err(format!(
                                "unknown placeholder {{{other}}} (supported: {{timestamp}}, {{body}}, {{method}}, {{url}})"
                            ))
                        }
                    };
                    pieces.push(piece);
                    rest = &after[close + 1..];
                }
            }
        }
        if !pieces.contains(&Piece::Body) {
            return Err("the template must contain {body}".to_string());
        }
        Ok(Self { pieces })
    }

    /// Whether the template signs a timestamp (and so needs the timestamp header).
    pub(crate) fn needs_timestamp(&self) -> bool {
        self.pieces.contains(&Piece::Timestamp)
    }

    /// Feed the payload to `sink` piece by piece, without concatenating it.
    pub(crate) fn feed(&self, parts: &PayloadParts<'_>, mut sink: impl FnMut(&[u8])) {
        for piece in &self.pieces {
            match piece {
                Piece::Literal(bytes) => sink(bytes),
                Piece::Timestamp => sink(parts.timestamp),
                Piece::Body => sink(parts.body),
                Piece::Method => sink(parts.method.as_bytes()),
                Piece::Url => sink(parts.url.as_bytes()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, parts: &PayloadParts<'_>) -> Vec<u8> {
        let parsed = PayloadTemplate::parse(template).unwrap();
        let mut out = Vec::new();
        parsed.feed(parts, |b| out.extend_from_slice(b));
        out
    }

    const PARTS: PayloadParts<'static> = PayloadParts {
        timestamp: b"1700000000",
        body: b"{\"a\":1}",
        method: "POST",
        url: "https://x.test/webhook/vapi",
    };

    #[test]
    fn default_template_renders_timestamp_dot_body() {
        assert_eq!(
            render("{timestamp}.{body}", &PARTS),
            b"1700000000.{\"a\":1}"
        );
    }

    #[test]
    fn all_placeholders_and_literals() {
        assert_eq!(
            render("v1:{method} {url}\n{timestamp}|{body}!", &PARTS),
            b"v1:POST https://x.test/webhook/vapi\n1700000000|{\"a\":1}!".to_vec()
        );
    }

    #[test]
    fn needs_timestamp_only_when_present() {
        assert!(PayloadTemplate::parse("{timestamp}.{body}")
            .unwrap()
            .needs_timestamp());
        assert!(!PayloadTemplate::parse("{body}").unwrap().needs_timestamp());
    }

    #[test]
    fn rejects_unknown_unclosed_and_bodyless_templates() {
        assert!(PayloadTemplate::parse("{svix-id}.{body}")
            .unwrap_err()
            .contains("unknown placeholder"));
        assert!(PayloadTemplate::parse("{timestamp.{body}").is_err());
        assert!(PayloadTemplate::parse("{body").is_err());
        assert!(PayloadTemplate::parse("{timestamp}")
            .unwrap_err()
            .contains("{body}"));
        assert!(PayloadTemplate::parse("").is_err());
    }
}
