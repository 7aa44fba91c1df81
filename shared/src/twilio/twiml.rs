//! TwiML: the fallback answers written with an XML writer (every text escaped, nothing
//! pasted), and a well-formedness check of the TwiML Vapi returns before it reaches
//! Twilio.

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::{Reader, Writer};

/// Answer used if the XML writer itself fails (it writes to memory, so it cannot; this
/// keeps the no-panic promise without an `unwrap`).
const LAST_RESORT: &str =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Hangup/></Response>";

/// Where the fallback answer forwards the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialTarget {
    /// An E.164 phone number (`HUMAN_ESCALATION_NUMBER`).
    Number(String),
    /// A SIP URI (`HUMAN_ESCALATION_SIP`).
    Sip(String),
}

/// The answer when the call cannot be handed to Vapi: `<Say>` the apology, then `<Dial>`
/// the human escalation target when configured, else `<Hangup/>`.
pub fn fallback_twiml(message: &str, dial: Option<&DialTarget>) -> String {
    write_response(|w| {
        w.create_element("Say")
            .write_text_content(BytesText::new(message))?;
        match dial {
            Some(DialTarget::Number(number)) => {
                w.create_element("Dial").write_inner_content(|w| {
                    w.create_element("Number")
                        .write_text_content(BytesText::new(number))
                        .map(|_| ())
                })?;
            }
            Some(DialTarget::Sip(uri)) => {
                w.create_element("Dial").write_inner_content(|w| {
                    w.create_element("Sip")
                        .write_text_content(BytesText::new(uri))
                        .map(|_| ())
                })?;
            }
            None => {
                w.create_element("Hangup").write_empty()?;
            }
        }
        Ok(())
    })
}

/// An empty `<Response/>`: the acknowledgement of a status callback.
pub fn empty_twiml() -> String {
    write_response(|_| Ok(()))
}

fn write_response(body: impl FnOnce(&mut Writer<Vec<u8>>) -> std::io::Result<()>) -> String {
    let mut writer = Writer::new(Vec::with_capacity(256));
    let written = writer
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .and_then(|()| {
            writer
                .create_element("Response")
                .write_inner_content(body)
                .map(|_| ())
        });
    match written {
        Ok(()) => String::from_utf8(writer.into_inner()).unwrap_or_else(|_| LAST_RESORT.into()),
        Err(_) => LAST_RESORT.to_string(),
    }
}

/// Whether `xml` is a well-formed document whose root element is `<Response>` and that
/// declares no DTD. TwiML from Vapi that fails this is replaced by the fallback.
pub fn is_twiml_response(xml: &str) -> bool {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut depth: usize = 0;
    let mut roots = 0;
    loop {
        match reader.read_event() {
            Err(_) | Ok(Event::DocType(_)) => return false,
            Ok(Event::Eof) => return depth == 0 && roots == 1,
            Ok(Event::Start(e)) => {
                if depth == 0 {
                    if e.name().as_ref() != b"Response" {
                        return false;
                    }
                    roots += 1;
                }
                depth += 1;
            }
            Ok(Event::Empty(e)) => {
                if depth == 0 {
                    if e.name().as_ref() != b"Response" {
                        return false;
                    }
                    roots += 1;
                }
            }
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Text(t)) => {
                if depth == 0 && !t.iter().all(u8::is_ascii_whitespace) {
                    return false;
                }
            }
            Ok(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_escapes_and_parses() {
        let xml = fallback_twiml(
            "Sorry <b>& \"goodbye\"</b>",
            Some(&DialTarget::Number("+15551234567".into())),
        );
        assert!(is_twiml_response(&xml), "{xml}");
        assert!(xml.contains("&lt;b&gt;&amp;"), "{xml}");
        assert!(
            xml.contains("<Dial><Number>+15551234567</Number></Dial>"),
            "{xml}"
        );
        let hangup = fallback_twiml("Sorry", None);
        assert!(hangup.contains("<Hangup/>"), "{hangup}");
        let sip = fallback_twiml("x", Some(&DialTarget::Sip("sip:a@b.test".into())));
        assert!(sip.contains("<Sip>sip:a@b.test</Sip>"), "{sip}");
        assert!(is_twiml_response(&empty_twiml()));
    }

    #[test]
    fn twiml_check_rejects_bad_documents() {
        assert!(is_twiml_response(
            "<?xml version=\"1.0\"?>\n<Response><Connect><Stream url=\"wss://x\"/></Connect></Response>\n"
        ));
        assert!(is_twiml_response("<Response/>"));
        for bad in [
            "",
            "not xml",
            "<Response>",
            "<Response></Other>",
            "<Other/>",
            "<Response/><Response/>",
            "<Response/>trailing",
            "<!DOCTYPE x [<!ENTITY a \"b\">]><Response/>",
            "<Response><Say>unclosed</Response>",
        ] {
            assert!(!is_twiml_response(bad), "{bad:?}");
        }
    }
}
