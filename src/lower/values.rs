//! The value types of section 2: each converter reads one KDL entry, reports
//! `wrong-type`, `invalid-value` or `invalid-id` at the value's span, and
//! returns the typed value with that span.

use crate::syntax;
use jiff::civil::Date;

use super::reader::{Lowering, Node, type_name};
use crate::base::{Code, Diagnostic, Spanned};
use crate::model::{Duration, DurationUnit, Fte, Id, Keyword, Text};

/// Every converter has this shape, so fields can be read generically.
pub type Convert<T> = fn(&Lowering, &syntax::Entry) -> Option<T>;

fn wrong_type(cx: &Lowering, entry: &syntax::Entry, expected: &str) {
    cx.report(Diagnostic::new(
        Code::WrongType,
        cx.value_span(entry),
        format!("expected {expected}, found {}", type_name(&entry.value)),
    ));
}

fn invalid(cx: &Lowering, entry: &syntax::Entry, message: String, help: Option<String>) {
    cx.report(Diagnostic::new(Code::InvalidValue, cx.value_span(entry), message).maybe_help(help));
}

/// Any string.
pub fn text(cx: &Lowering, entry: &syntax::Entry) -> Option<Text> {
    match &entry.value {
        syntax::Value::String(s) => Some(Spanned::new(s.to_string(), cx.value_span(entry))),
        _ => {
            wrong_type(cx, entry, "a string");
            None
        }
    }
}

/// A reference to an id: any string (a malformed one resolves to nothing and
/// is reported as `unknown-reference` by the checks).
pub fn reference(cx: &Lowering, entry: &syntax::Entry) -> Option<Id> {
    text(cx, entry)
}

/// The id rule (section 2), kept in `base` for the phases beside lowering.
pub use crate::base::kind::is_valid_id;

/// An id being declared.
pub fn id(cx: &Lowering, entry: &syntax::Entry) -> Option<Id> {
    let id = text(cx, entry)?;
    if !is_valid_id(&id.value) {
        let why = if id.value.chars().count() > 63 {
            "it is longer than 63 characters".to_string()
        } else {
            "ids use lowercase letters, digits and `-`, and start with a letter or digit"
                .to_string()
        };
        let suggestion = slug(&id.value);
        let help = (is_valid_id(&suggestion)).then(|| format!("try `{suggestion}`"));
        cx.report(
            Diagnostic::new(
                Code::InvalidId,
                id.span,
                format!("`{}` is not a valid id: {why}", id.value),
            )
            .maybe_help(help),
        );
    }
    Some(id)
}

/// The nearest valid id to a string: lowercase, other characters as `-`.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(63).collect()
}

/// A word of a closed set, e.g. a stage.
pub fn keyword<K: Keyword>(cx: &Lowering, entry: &syntax::Entry) -> Option<Spanned<K>> {
    let word = text(cx, entry)?;
    match K::parse(&word.value) {
        Some(k) => Some(Spanned::new(k, word.span)),
        None => {
            let message = format!("`{}` is not one of {}", word.value, list(K::WORDS));
            cx.report(
                Diagnostic::new(Code::InvalidValue, word.span, message).suggest(
                    &word.value,
                    word.span,
                    K::WORDS.iter().copied(),
                ),
            );
            None
        }
    }
}

fn list(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("`{w}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A calendar date, `YYYY-MM-DD`.
pub fn date(cx: &Lowering, entry: &syntax::Entry) -> Option<Spanned<Date>> {
    let s = text(cx, entry)?;
    match parse_date(&s.value) {
        Ok(d) => Some(Spanned::new(d, s.span)),
        Err(why) => {
            invalid(
                cx,
                entry,
                format!("`{}` is not a date: {why}", s.value),
                None,
            );
            None
        }
    }
}

/// Why a string is not a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    Shape,
    NoMonth { year: i16, month: i8 },
    NoDay { year: i16, month: i8, day: i8 },
}

impl std::fmt::Display for DateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            DateError::Shape => f.write_str("dates are written `YYYY-MM-DD`"),
            DateError::NoMonth { month, .. } => write!(f, "there is no month {month}"),
            DateError::NoDay { year, month, day } => {
                write!(f, "month {month} of {year} has no day {day}")
            }
        }
    }
}

/// Parses `YYYY-MM-DD` strictly: a real calendar date.
pub fn parse_date(s: &str) -> Result<Date, DateError> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err(DateError::Shape);
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<i16>().unwrap_or(0);
    let (y, m, d) = (n(0..4), n(5..7) as i8, n(8..10) as i8);
    Date::new(y, m, d).map_err(|_| {
        if (1..=12).contains(&m) {
            DateError::NoDay {
                year: y,
                month: m,
                day: d,
            }
        } else {
            DateError::NoMonth { year: y, month: m }
        }
    })
}

/// A duration, `2 working days` or `2wd`.
pub fn duration(cx: &Lowering, entry: &syntax::Entry) -> Option<Spanned<Duration>> {
    let s = text(cx, entry)?;
    match parse_duration(&s.value) {
        Some(d) => Some(Spanned::new(d, s.span)),
        None => {
            invalid(
                cx,
                entry,
                format!("`{}` is not a duration", s.value),
                Some(
                    "write a positive whole number and a unit: `4 hours`, `2 working days`, `5 days`, \
                     `1 week`, `3 months`, `2 quarters`, `1 year`, or `4h`, `2wd`, `5d`, `1w`, `3mo`, `2q`, `1y`"
                        .into(),
                ),
            );
            None
        }
    }
}

/// Parses a duration of section 8: `[1-9][0-9]*`, then one space and a
/// lowercase long unit, or a short unit with no space.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let (number, rest) = s.split_at(digits);
    if number.is_empty() || number.starts_with('0') {
        return None;
    }
    let count: u32 = number.parse().ok()?;
    let unit = match rest.strip_prefix(' ') {
        Some(long) => {
            let singular = long.strip_suffix('s').unwrap_or(long);
            match singular {
                "hour" => DurationUnit::Hour,
                "working day" | "business day" => DurationUnit::WorkingDay,
                "day" => DurationUnit::Day,
                "week" => DurationUnit::Week,
                "month" => DurationUnit::Month,
                "quarter" => DurationUnit::Quarter,
                "year" => DurationUnit::Year,
                _ => return None,
            }
        }
        None => match rest {
            "h" => DurationUnit::Hour,
            "wd" => DurationUnit::WorkingDay,
            "d" => DurationUnit::Day,
            "w" => DurationUnit::Week,
            "mo" => DurationUnit::Month,
            "q" => DurationUnit::Quarter,
            "y" => DurationUnit::Year,
            _ => return None,
        },
    };
    Some(Duration { count, unit })
}

/// Any number.
pub fn number(cx: &Lowering, entry: &syntax::Entry) -> Option<Spanned<f64>> {
    let value = match &entry.value {
        syntax::Value::Integer(i) => *i as f64,
        syntax::Value::Float(f) if f.is_finite() => *f,
        syntax::Value::Float(_) => {
            invalid(cx, entry, "the number must be finite".into(), None);
            return None;
        }
        _ => {
            wrong_type(cx, entry, "a number");
            return None;
        }
    };
    Some(Spanned::new(value, cx.value_span(entry)))
}

/// Full-time equivalents: a number > 0 with at most two decimals, read
/// from its digits as written (never through floating point).
pub fn fte(cx: &Lowering, entry: &syntax::Entry) -> Option<Spanned<Fte>> {
    if !matches!(
        entry.value,
        syntax::Value::Integer(_) | syntax::Value::Float(_)
    ) {
        wrong_type(cx, entry, "a number");
        return None;
    }
    let written = cx.value_text(entry);
    match Fte::parse(written).filter(|f| f.hundredths() > 0) {
        Some(f) => Some(Spanned::new(f, cx.value_span(entry))),
        None => {
            invalid(
                cx,
                entry,
                format!("`{written}` is not a number of full-time equivalents"),
                Some(
                    "write a number above 0 with at most two decimals, such as `0.8` or `4.5`"
                        .into(),
                ),
            );
            None
        }
    }
}

/// A person's `fte`: as [`fte`], and at most 1.
pub fn person_fte(cx: &Lowering, entry: &syntax::Entry) -> Option<Spanned<Fte>> {
    let f = fte(cx, entry)?;
    if f.value > Fte::ONE {
        invalid(
            cx,
            entry,
            format!(
                "a person gives at most 1 full-time equivalent, not {}",
                f.value
            ),
            Some("a team's `fte` may be larger".into()),
        );
        return None;
    }
    Some(f)
}

fn integer_at_least(cx: &Lowering, entry: &syntax::Entry, min: i128) -> Option<Spanned<u64>> {
    match &entry.value {
        syntax::Value::Integer(i) if *i >= min && *i <= u64::MAX as i128 => {
            Some(Spanned::new(*i as u64, cx.value_span(entry)))
        }
        syntax::Value::Integer(i) if *i > u64::MAX as i128 => {
            let message = format!("the number is too large: at most {}", u64::MAX);
            invalid(cx, entry, message, None);
            None
        }
        syntax::Value::Integer(_) | syntax::Value::Float(_) => {
            let what = if min == 0 {
                "zero or more"
            } else {
                "1 or more"
            };
            invalid(cx, entry, format!("expected a whole number, {what}"), None);
            None
        }
        _ => {
            wrong_type(cx, entry, "a whole number");
            None
        }
    }
}

/// A whole number ≥ 1 (`quorum`, `for`, `weight`).
pub fn positive(cx: &Lowering, entry: &syntax::Entry) -> Option<Spanned<u64>> {
    integer_at_least(cx, entry, 1)
}

/// A whole number ≥ 0 (`size`).
pub fn count(cx: &Lowering, entry: &syntax::Entry) -> Option<Spanned<u64>> {
    integer_at_least(cx, entry, 0)
}

/// Service hours: `24x7`, or a comma-separated list of `Ddd[-Ddd] HH:MM-HH:MM`.
pub fn hours(cx: &Lowering, entry: &syntax::Entry) -> Option<Text> {
    let s = text(cx, entry)?;
    if s.value == "24x7" || s.value.split(',').all(|part| valid_hours_part(part.trim())) {
        Some(s)
    } else {
        invalid(
            cx,
            entry,
            format!("`{}` is not a statement of service hours", s.value),
            Some(
                "write `24x7` or days and times such as `Mon-Fri 09:00-17:30, Sat 10:00-14:00`"
                    .into(),
            ),
        );
        None
    }
}

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

fn valid_hours_part(part: &str) -> bool {
    let Some((days, times)) = part.split_once(' ') else {
        return false;
    };
    let days_ok = match days.split_once('-') {
        Some((a, b)) => DAYS.contains(&a) && DAYS.contains(&b),
        None => DAYS.contains(&days),
    };
    let minutes = |t: &str| -> Option<u32> {
        let (h, m) = t.split_once(':')?;
        let ok = h.len() == 2 && m.len() == 2;
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        (ok && (h < 24 || (h == 24 && m == 0)) && m < 60).then_some(h * 60 + m)
    };
    let times_ok = times
        .split_once('-')
        .and_then(|(a, b)| Some(minutes(a)? < minutes(b)?))
        .unwrap_or(false);
    days_ok && times_ok
}

/// An IANA time zone name.
pub fn time_zone(cx: &Lowering, entry: &syntax::Entry) -> Option<Text> {
    let s = text(cx, entry)?;
    if jiff::tz::TimeZone::get(&s.value).is_ok() {
        Some(s)
    } else {
        invalid(
            cx,
            entry,
            format!("`{}` is not an IANA time zone", s.value),
            Some("use a name such as `Europe/London`, `America/New_York` or `UTC`".into()),
        );
        None
    }
}

/// A gitignore-style glob, relative to the project root (`exclude`).
pub fn glob(cx: &Lowering, entry: &syntax::Entry) -> Option<Text> {
    let s = text(cx, entry)?;
    let mut builder = ignore::gitignore::GitignoreBuilder::new("/");
    match builder.add_line(None, &s.value) {
        Ok(_) => Some(s),
        Err(e) => {
            let why = match e {
                ignore::Error::Glob { err, .. } => err,
                other => other.to_string(),
            };
            invalid(
                cx,
                entry,
                format!("`{}` is not a valid glob: {why}", s.value),
                Some("`exclude` takes gitignore-style globs such as `drafts/**`".into()),
            );
            None
        }
    }
}

/// The site's `base-url`: an absolute path (`/`, `/pmo/`) or an `http` or
/// `https` URL, holding nothing a URL cannot (blanks, quotes, `<`, `>`,
/// backslashes), since it is written into the pages' links.
pub fn base_url(cx: &Lowering, entry: &syntax::Entry) -> Option<Text> {
    let s = text(cx, entry)?;
    let Some(why) = base_url_problem(&s.value) else {
        return Some(s);
    };
    invalid(
        cx,
        entry,
        format!("`{}` is not a base URL: {why}", s.value),
        Some("write an absolute path such as `/` or `/pmo/`, or a URL such as `https://pmo.example.org/`".into()),
    );
    None
}

/// Why a string is not a base URL, if it is not.
pub fn base_url_problem(url: &str) -> Option<&'static str> {
    let forbidden = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(c, '"' | '<' | '>' | '\\' | '`' | '{' | '}' | '|' | '^')
    };
    if url.chars().any(forbidden) {
        return Some(
            "a URL holds no blanks, quotes, `<`, `>`, `\\`, `{`, `}`, `|`, `^` or backticks",
        );
    }
    if url.starts_with("//") {
        return Some("`//` starts a host name, not a path");
    }
    if url.starts_with('/') {
        return None;
    }
    let lower = url.to_ascii_lowercase();
    let host = ["http://", "https://"]
        .iter()
        .find_map(|scheme| lower.strip_prefix(scheme));
    match host {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') => None,
        Some(_) => Some("the URL names no host"),
        None => Some("it is neither an absolute path (`/…`) nor an `http` or `https` URL"),
    }
}

/// A service's `link`: an `http:`, `https:` or `mailto:` address, with
/// nothing a browser might read otherwise ([`crate::base::link`]).
pub fn link(cx: &Lowering, entry: &syntax::Entry) -> Option<Text> {
    let s = text(cx, entry)?;
    let Some(why) = crate::base::link::problem(&s.value) else {
        return Some(s);
    };
    invalid(
        cx,
        entry,
        format!("`{}` cannot be a link: {why}", s.value),
        Some("write an `https://…`, `http://…` or `mailto:…` address".into()),
    );
    None
}

/// The manifest's `output`: a relative path inside the project, not the
/// project folder itself. (A folder that holds sources is refused by the
/// compilation, which sees the files.)
pub fn output_folder(cx: &Lowering, entry: &syntax::Entry) -> Option<Text> {
    let s = text(cx, entry)?;
    let Some(why) = output_problem(&s.value) else {
        return Some(s);
    };
    invalid(
        cx,
        entry,
        format!("`{}` cannot be the output folder: {why}", s.value),
        Some("name a folder inside the project, such as `site`; `pmoc build --out` may write elsewhere".into()),
    );
    None
}

/// Why a path cannot be the manifest's output folder, if it cannot.
pub fn output_problem(path: &str) -> Option<&'static str> {
    let bytes = path.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if path.starts_with(['/', '\\']) || drive || std::path::Path::new(path).is_absolute() {
        return Some("it is absolute; the output folder is a path relative to the project");
    }
    let parts: Vec<&str> = path
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.contains(&"..") {
        return Some("`..` leads outside the project");
    }
    if parts.is_empty() {
        return Some("it is the project folder itself");
    }
    None
}

/// Typed field access: a field is a child node or a property holding a value
/// of one of the types of `values`.
impl<'k, 'c> Node<'k, 'c> {
    /// The single value of a field node such as `name "…"`.
    pub(super) fn value<T>(&self, convert: Convert<T>) -> Option<T> {
        match self.arg(0) {
            Some(entry) => convert(self.cx, entry),
            None => {
                self.missing("value");
                None
            }
        }
    }

    /// Every value of a list field node such as `customers "a" "b"`.
    pub(super) fn values<T>(&self, convert: Convert<T>) -> Vec<T> {
        let args = self.args();
        if args.is_empty() {
            self.missing("value");
        }
        args.into_iter()
            .filter_map(|e| convert(self.cx, e))
            .collect()
    }

    /// An optional single-valued child field.
    pub(super) fn field<T>(&self, name: &'static str, convert: Convert<T>) -> Option<T> {
        self.child(name).and_then(|c| c.value(convert))
    }

    /// A required (`*`) single-valued child field.
    pub(super) fn required<T>(&self, name: &'static str, convert: Convert<T>) -> Option<T> {
        if !self.has_child(name) {
            self.missing(name);
        }
        self.field(name, convert)
    }

    /// A list child field: every value of every node of that name.
    pub(super) fn list<T>(&self, name: &'static str, convert: Convert<T>) -> Vec<T> {
        self.children(name)
            .iter()
            .flat_map(|c| c.values(convert))
            .collect()
    }

    /// An optional property.
    pub(super) fn property<T>(&self, key: &'static str, convert: Convert<T>) -> Option<T> {
        self.prop(key).and_then(|e| convert(self.cx, e))
    }

    /// A required (`*`) property.
    pub(super) fn required_property<T>(&self, key: &'static str, convert: Convert<T>) -> Option<T> {
        match self.prop(key) {
            Some(e) => convert(self.cx, e),
            None => {
                self.missing(key);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let d = |s| parse_duration(s).map(|d| d.to_string());
        assert_eq!(d("2 working days").as_deref(), Some("2 working days"));
        assert_eq!(d("1 business day").as_deref(), Some("1 working day"));
        assert_eq!(d("3mo").as_deref(), Some("3 months"));
        for bad in [
            "0 days", "1.5d", "2 Days", "2  days", "days", "05d", "2 dayss",
        ] {
            assert_eq!(d(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_are_real() {
        assert!(parse_date("2024-02-29").is_ok());
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("2026-2-3").is_err());
    }

    #[test]
    fn ids() {
        assert!(is_valid_id("risk-log"));
        assert!(is_valid_id("9box"));
        assert!(
            !is_valid_id("-x") && !is_valid_id("Risk") && !is_valid_id("a_b") && !is_valid_id("")
        );
        assert!(!is_valid_id(&"a".repeat(64)));
    }

    #[test]
    fn service_hours() {
        for ok in [
            "24x7",
            "Mon-Fri 09:00-17:30",
            "Mon-Fri 09:00-17:30, Sat 10:00-14:00",
        ] {
            assert!(
                ok == "24x7" || ok.split(',').all(|p| valid_hours_part(p.trim())),
                "{ok}"
            );
        }
        for bad in [
            "Mon-Fri 17:00-09:00",
            "Monday 09:00-17:00",
            "Mon-Fri 9:00-17:00",
            "Mon-Fri",
        ] {
            assert!(!valid_hours_part(bad), "{bad}");
        }
    }

    #[test]
    fn base_urls_are_paths_or_web_addresses() {
        for good in [
            "/",
            "/pmo/",
            "/pmo",
            "/a'b&c/",
            "https://pmo.example.org/",
            "HTTP://pmo.example.org",
            "https://pmo.example.org:8443/catalogue/",
        ] {
            assert_eq!(base_url_problem(good), None, "{good}");
        }
        for bad in [
            "\"><script>alert(1)</script>",
            "/\"><script>",
            "javascript:alert(1)",
            "data:text/html,x",
            "pmo/",
            "",
            "//evil.example",
            "https://",
            "https:///x",
            "/a b/",
            "/a\tb",
            "/a\\b",
            "ftp://x.example/",
        ] {
            assert!(base_url_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn output_folders_stay_inside_the_project() {
        for good in ["site", "build/site", "./site", "out/"] {
            assert_eq!(output_problem(good), None, "{good}");
        }
        for bad in [
            "../x",
            "/tmp/x",
            "\\x",
            "C:\\x",
            "c:x",
            "a/../../b",
            "",
            ".",
            "./",
            "a/..\\..",
        ] {
            assert!(output_problem(bad).is_some(), "{bad}");
        }
    }
}
