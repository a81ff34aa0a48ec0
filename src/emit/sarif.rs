//! `--format sarif`: SARIF 2.1.0, one rule entry per code. File URIs are
//! RFC 3986 references, percent-encoded: relative to the project root
//! (`PROJECTROOT`, itself a `file:` URI) for the project's files.

use std::path::{Component, Path};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

use super::Location;
use crate::base::{Code, Diagnostic, Severity, SourceMap};

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn region(loc: &Location) -> Value {
    json!({
        "startLine": loc.line,
        "startColumn": loc.column,
        "endLine": loc.end_line,
        "endColumn": loc.end_column,
    })
}

/// What a URI path segment keeps as it is: RFC 3986's unreserved
/// characters. Anything else (blanks, `%`, `#`, `?`, `:`, `\\`, non-ASCII)
/// is percent-encoded, so that no file name reads as a scheme, a query or a
/// fragment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A `/`-separated path as a URI path, each segment percent-encoded.
pub fn uri_path(path: &str) -> String {
    path.split('/')
        .map(|segment| utf8_percent_encode(segment, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// The `file:` URI of a folder, ending in `/`.
pub fn folder_uri(folder: &Path) -> String {
    let mut uri = String::from("file://");
    for part in folder.components() {
        match part {
            // A Windows drive (`C:`) stays as it is: `file:///C:/…`.
            Component::Prefix(prefix) => {
                uri.push('/');
                uri.push_str(&prefix.as_os_str().to_string_lossy());
            }
            Component::Normal(name) => {
                uri.push('/');
                uri.push_str(&uri_path(&name.to_string_lossy()));
            }
            Component::RootDir | Component::CurDir | Component::ParentDir => {}
        }
    }
    uri.push('/');
    uri
}

fn artifact(file: &str) -> Value {
    // A metrics file outside the project is named by its absolute path.
    if Path::new(file).is_absolute() {
        let path = uri_path(file.trim_start_matches('/'));
        json!({ "uri": format!("file:///{path}") })
    } else {
        json!({ "uri": uri_path(file), "uriBaseId": "PROJECTROOT" })
    }
}

fn physical(loc: &Location) -> Value {
    json!({
        "artifactLocation": artifact(&loc.file),
        "region": region(loc),
    })
}

pub fn render(diags: &[Diagnostic], sources: &SourceMap, root: &std::path::Path) -> String {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|code| {
            json!({
                "id": code.as_str(),
                "shortDescription": { "text": code.summary() },
                "fullDescription": { "text": code.doc() },
                "defaultConfiguration": { "level": level(code.default_severity()) },
                "properties": { "family": format!("{:?}", code.family()).to_lowercase() },
            })
        })
        .collect();
    let results: Vec<Value> = diags
        .iter()
        .map(|d| {
            let loc = Location::of(d.span, sources);
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str(&format!(" (help: {help})"));
            }
            json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": Code::ALL.iter().position(|c| *c == d.code),
                "level": level(d.severity),
                "message": { "text": message },
                "locations": [{ "physicalLocation": physical(&loc) }],
                "relatedLocations": d.labels.iter().enumerate().map(|(i, l)| json!({
                    "id": i,
                    "message": { "text": l.message },
                    "physicalLocation": physical(&Location::of(l.span, sources)),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let root_uri = folder_uri(root);
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "pmoc",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "originalUriBaseIds": { "PROJECTROOT": { "uri": root_uri } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut out = serde_json::to_string_pretty(&sarif).expect("serializable");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri_path("services/risk.kdl"), "services/risk.kdl");
        assert_eq!(uri_path("my file.kdl"), "my%20file.kdl");
        assert_eq!(uri_path("a#b.kdl"), "a%23b.kdl");
        assert_eq!(uri_path("c:foo.kdl"), "c%3Afoo.kdl");
        assert_eq!(uri_path("a\\b.kdl"), "a%5Cb.kdl");
        assert_eq!(uri_path("50%/é?.kdl"), "50%25/%C3%A9%3F.kdl");
        assert_eq!(
            folder_uri(Path::new("/home/me/my pmo#1")),
            "file:///home/me/my%20pmo%231/"
        );
        assert_eq!(
            artifact("/tmp/m 1/x.csv"),
            json!({ "uri": "file:///tmp/m%201/x.csv" })
        );
    }
}
