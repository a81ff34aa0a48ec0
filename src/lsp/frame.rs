//! The base protocol's framing, read from any bytes: header lines, then a
//! body of `Content-Length` bytes holding one JSON-RPC message. Nothing the
//! client sends ends the server or is held beyond a bound:
//!
//! - a header line is kept to [`MAX_LINE`] bytes (of a longer one, only its
//!   end is kept: it is not a header field, but may end in the next one);
//! - a body is read only when its `Content-Length` is at most [`MAX_BODY`],
//!   and only as far as it arrives;
//! - a message that cannot be read (no length, a length that is not a
//!   whole number, a length over the limit, a body that is not JSON) gives a
//!   [`Refusal`], a JSON-RPC error to answer with `id: null`; JSON that is
//!   not a message gives one with its `id` when it has one.
//!
//! After a message whose body was not read, the reader resynchronises: it
//! skips lines (without keeping them) until a header block starts, which
//! is a line holding a header field or ending in `Content-Length: N`, the
//! tail of the skipped body followed by the next message's header (JSON
//! has no raw line break inside a string, so a body's own text cannot end
//! a line that way). Fields other than `Content-Length` are ignored, and
//! so are blank and other lines outside a header block. The input's end
//! ends the reading, wherever it comes.

use std::io::{self, BufRead, Read};

use lsp_server::Message;
use serde_json::Value;

/// The longest body read, in bytes (64 MiB).
pub const MAX_BODY: u64 = 64 * 1024 * 1024;

/// The longest header line kept, in bytes.
pub const MAX_LINE: usize = 1024;

/// The JSON-RPC error codes of an unreadable message.
const PARSE_ERROR: i32 = -32700;
const INVALID_REQUEST: i32 = -32600;

/// What one message of the input is.
#[derive(Debug)]
pub enum Frame {
    Message(Message),
    /// Unreadable: answer with this error and go on.
    Refused(Refusal),
}

/// The error response to an unreadable message.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// The message's `id` when it could be read (a number or a string),
    /// else null.
    pub id: Value,
    pub code: i32,
    pub message: String,
}

impl Refusal {
    fn parse(message: String) -> Refusal {
        Refusal {
            id: Value::Null,
            code: PARSE_ERROR,
            message,
        }
    }

    /// The response's JSON text.
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "jsonrpc": "2.0",
            "id": self.id,
            "error": { "code": self.code, "message": self.message },
        })
        .to_string()
    }
}

/// What a header block said of its body's length.
#[derive(Debug)]
enum Length {
    Missing,
    Bytes(u64),
    /// Not a whole number, or said twice differently: the text.
    Bad(String),
}

/// Reads the next message of `input`: `None` at the input's end.
pub fn read(input: &mut impl BufRead) -> io::Result<Option<Frame>> {
    read_bounded(input, MAX_BODY)
}

/// [`read`] with bodies up to `max_body` bytes.
pub fn read_bounded(input: &mut impl BufRead, max_body: u64) -> io::Result<Option<Frame>> {
    // Inside a header block: its length so far.
    let mut block: Option<Length> = None;
    let mut line = Vec::with_capacity(MAX_LINE);
    loop {
        let Some(cut) = read_line(input, &mut line)? else {
            return Ok(None);
        };
        if line.is_empty() {
            match block.take() {
                Some(length) => return body(input, length, max_body),
                None => continue,
            }
        }
        let lower = line.to_ascii_lowercase();
        const NAME: &[u8] = b"content-length:";
        let at = lower.windows(NAME.len()).rposition(|w| w == NAME);
        if let Some(at) = at {
            let value = String::from_utf8_lossy(&line[at + NAME.len()..]);
            let value = value.trim_matches([' ', '\t']);
            let number = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
            if at == 0 && !cut {
                // A `Content-Length` field of this block.
                let said = if number {
                    // Too many digits for a number is still too long.
                    Length::Bytes(value.parse().unwrap_or(u64::MAX))
                } else {
                    Length::Bad(value.chars().take(40).collect())
                };
                block = Some(match block {
                    None | Some(Length::Missing) => said,
                    Some(Length::Bytes(a)) if matches!(said, Length::Bytes(b) if a == b) => said,
                    Some(Length::Bad(old)) => Length::Bad(old),
                    Some(_) => Length::Bad(value.chars().take(40).collect()),
                });
                continue;
            }
            if number {
                // The tail of a skipped body, then the next header.
                block = Some(Length::Bytes(value.parse().unwrap_or(u64::MAX)));
                continue;
            }
        }
        if !cut && is_field(&line) && block.is_none() {
            block = Some(Length::Missing);
        }
        // Any other line is ignored.
    }
}

/// `name: value`, the name a token of RFC 9110.
fn is_field(line: &[u8]) -> bool {
    let Some(colon) = line.iter().position(|&b| b == b':') else {
        return false;
    };
    colon > 0
        && line[..colon]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The body of a header block that said `length`.
fn body(input: &mut impl BufRead, length: Length, max_body: u64) -> io::Result<Option<Frame>> {
    let n = match length {
        Length::Bytes(n) if n <= max_body => n,
        Length::Bytes(n) => {
            return Ok(Some(Frame::Refused(Refusal::parse(format!(
                "a message of {n} bytes is longer than the limit of {max_body} bytes; skipped"
            )))));
        }
        Length::Missing => {
            return Ok(Some(Frame::Refused(Refusal::parse(
                "a message without Content-Length; skipped".into(),
            ))));
        }
        Length::Bad(value) => {
            return Ok(Some(Frame::Refused(Refusal::parse(format!(
                "Content-Length `{value}` is not a length in bytes; skipped"
            )))));
        }
    };
    // Read as it arrives: a length the client never sends costs nothing.
    let mut bytes = Vec::new();
    input.take(n).read_to_end(&mut bytes)?;
    if (bytes.len() as u64) < n {
        // The input ended inside the body.
        return Ok(None);
    }
    Ok(Some(parse(&bytes)))
}

/// A body as a message, or the error to answer it with.
pub fn parse(bytes: &[u8]) -> Frame {
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(value) => value,
        Err(e) => return Frame::Refused(Refusal::parse(format!("not JSON: {e}"))),
    };
    let id = match value.get("id") {
        Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
        _ => Value::Null,
    };
    match serde_json::from_value(value) {
        Ok(message) => Frame::Message(message),
        Err(e) => Frame::Refused(Refusal {
            id,
            code: INVALID_REQUEST,
            message: format!("not a JSON-RPC message: {e}"),
        }),
    }
}

/// Reads one line into `line` without its line break (`\n` or `\r\n`),
/// keeping its last [`MAX_LINE`] bytes. `None` at the input's end; else
/// whether the line was longer than that.
fn read_line(input: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<Option<bool>> {
    line.clear();
    let mut cut = false;
    loop {
        let available = match input.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            // A line the input's end cuts short is no message.
            return Ok(None);
        }
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..i], true),
            None => (available, false),
        };
        if chunk.len() >= MAX_LINE {
            cut = true;
            line.clear();
            line.extend_from_slice(&chunk[chunk.len() - MAX_LINE..]);
        } else {
            line.extend_from_slice(chunk);
            if line.len() > MAX_LINE {
                cut = true;
                line.drain(..line.len() - MAX_LINE);
            }
        }
        let used = chunk.len() + usize::from(done);
        input.consume(used);
        if done {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Ok(Some(cut));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every frame of `input`, as the messages' methods or ids and the
    /// refusals' codes.
    fn frames(input: &[u8], max: u64) -> Vec<String> {
        let mut input = io::BufReader::with_capacity(16, input);
        let mut out = Vec::new();
        while let Ok(Some(frame)) = read_bounded(&mut input, max) {
            out.push(match frame {
                Frame::Message(Message::Request(r)) => format!("request {}", r.method),
                Frame::Message(Message::Notification(n)) => format!("note {}", n.method),
                Frame::Message(Message::Response(r)) => format!("response {}", r.id),
                Frame::Refused(r) => format!("refused {} {}", r.code, r.id),
            });
        }
        out
    }

    fn message(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    const PING: &str = r#"{"jsonrpc":"2.0","id":7,"method":"ping"}"#;

    #[test]
    fn well_formed_messages_are_read() {
        let two = format!(
            "{}Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n{}",
            message(PING),
            message(r#"{"jsonrpc":"2.0","method":"exit"}"#)
        );
        assert_eq!(frames(two.as_bytes(), 100), ["request ping", "note exit"]);
        // Bare line feeds and stray blank lines are read too.
        let lf = format!("\r\n\nContent-Length: {}\n\n{PING}", PING.len());
        assert_eq!(frames(lf.as_bytes(), 100), ["request ping"]);
    }

    #[test]
    fn a_malformed_message_is_refused_and_the_next_read() {
        let next = message(PING);
        for bad in [
            "Content-Length: 99999999999999\r\n\r\n{\"x\":1}".to_string(),
            format!("Content-Length: {}\r\n\r\n{{}}", u64::MAX),
            "Content-Length: 999999999999999999999999999\r\n\r\n{}".into(),
            "Content-Length: -5\r\n\r\n{\"x\":1}".into(),
            "Content-Length: 5x\r\n\r\n{\"x\":1}".into(),
            "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{\"x\":1}".into(),
            "Content-Type: x\r\n\r\n{\"jsonrpc\":\"2.0\"}".into(),
            message("{not json"),
            message("\"\u{ff}\""),
            format!("Content-Length: 200\r\n\r\n{}", "x".repeat(200)),
            format!(
                "Content-Length: 5\r\n{}\r\n\r\n{{\"x\":1}}",
                "X".repeat(5000)
            ),
        ] {
            let input = format!("{bad}{next}");
            let got = frames(input.as_bytes(), 100);
            assert_eq!(got.len(), 2, "{bad:?}: {got:?}");
            assert_eq!(got[1], "request ping", "{bad:?}: {got:?}");
            assert!(got[0].starts_with("refused -32"), "{bad:?}: {got:?}");
        }
        // Invalid UTF-8 in the body.
        let mut input = b"Content-Length: 3\r\n\r\n\"\xff\"".to_vec();
        input.extend_from_slice(next.as_bytes());
        assert_eq!(frames(&input, 100), ["refused -32700 null", "request ping"]);
        // JSON that is no message: refused with its id.
        let input = format!("{}{next}", message(r#"{"id":3,"method":4}"#));
        assert_eq!(
            frames(input.as_bytes(), 100),
            ["refused -32600 3", "request ping"]
        );
    }

    #[test]
    fn a_long_body_is_skipped_without_keeping_it() {
        // 10 MB of body, over a 1 KB limit: skipped, the next read.
        let big = format!(
            r#"{{"jsonrpc":"2.0","method":"x","params":"{}"}}"#,
            "a".repeat(10_000_000)
        );
        let input = format!("{}{}", message(&big), message(PING));
        assert_eq!(
            frames(input.as_bytes(), 1024),
            ["refused -32700 null", "request ping"]
        );
    }

    #[test]
    fn the_end_of_input_ends_the_reading() {
        for cut in ["", "Content-Length: 10", "Content-Length: 10\r\n\r\n{\"a\""] {
            assert!(frames(cut.as_bytes(), 100).is_empty(), "{cut:?}");
        }
    }
}
