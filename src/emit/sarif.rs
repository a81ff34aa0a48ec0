//! `--format sarif`: SARIF 2.1.0, one rule entry per code.

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

fn physical(loc: &Location) -> Value {
    json!({
        "artifactLocation": { "uri": loc.file, "uriBaseId": "PROJECTROOT" },
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
    let root_uri = format!(
        "file://{}/",
        root.display().to_string().trim_end_matches('/')
    );
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
