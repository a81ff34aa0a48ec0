//! The catalogue as Backstage catalog entities: one multi-document YAML
//! file (`catalog-info.yaml`) that a Backstage instance can point a
//! location at, to show the PMO's services beside its software.
//!
//! - a `Domain` for the PMO;
//! - a `System` per function, in that domain, tagged with its levels;
//! - a `Component` of type `service` per service, in its function's
//!   system, with `spec.lifecycle` from its stage ([`lifecycle`]), its
//!   `dependsOn`, its level as a tag, its stage as the label `pmoc/stage`
//!   (and its next planned move, the first plan not yet reached, as
//!   `pmoc/next-stage` and `pmoc/next-stage-by`),
//!   and a link to its page when the manifest's `base-url` is an absolute
//!   `http(s)` URL;
//!   and as annotations its efforts (`pmoc/efforts`: `party fte`, `;`
//!   between, a stage in brackets: `reporting-analysts 0.8; raj 0.2
//!   (pilot)`), its judged breach allowances (`pmoc/breach-allowances`:
//!   `change-control-sla 3 of 2 used in 2026 (exhausted)`), its adoption
//!   (`pmoc/adoption`: `adoption-pct 6 in 2026-10 (behind-plan)`) and its
//!   improvements (`pmoc/improvements`: `tl-refresh (done, met)`);
//!   its card: `pmoc/problem`, `pmoc/benefits`, `pmoc/includes`,
//!   `pmoc/excludes`, `pmoc/inputs`, `pmoc/outputs` (lists joined by `; `),
//!   `pmoc/lead-time` and `pmoc/sponsor` as annotations, its criticality
//!   as the label `pmoc/criticality`, and its `link`s in `metadata.links`
//!   (before the page's);
//! - a `Group` of type `team` per team and a `User` per person, with the
//!   memberships both ways, and a party's `fte` as the label `pmoc/fte`.
//!
//! Every Component, System and Domain has an owner, as Backstage requires
//! ([`owner`]); pmoc ids become Backstage names by [`name`].
//!
//! The YAML is written here, not by a serializer: the documents are small
//! and fixed in shape, keys are this module's own words, and every string
//! value is written double-quoted with everything that could end or bend
//! it escaped ([`quoted`]), so no id, name or description can inject YAML.

use std::collections::HashMap;

use super::absolute_url;
use crate::base::EntityKind;
use crate::base::number::show;
use crate::catalog::{Catalog, FunctionEntry, ImprovementEntry, ServiceEntry};
use crate::model::Stage;

const API_VERSION: &str = "backstage.io/v1alpha1";

/// A YAML value: a string (always quoted), a sequence or a mapping with
/// this module's own keys.
#[derive(Debug, Clone)]
enum Yaml {
    Str(String),
    Seq(Vec<Yaml>),
    Map(Vec<(&'static str, Yaml)>),
}

/// A YAML string scalar.
fn yaml_str(text: impl Into<String>) -> Yaml {
    Yaml::Str(text.into())
}

/// The Backstage lifecycle of a stage: strategy, design and pilot are
/// `experimental`; implementation, operation and transform `production`
/// (customers use the service); retired `deprecated`.
pub fn lifecycle(stage: Option<Stage>) -> &'static str {
    match stage {
        Some(Stage::Implementation | Stage::Operation | Stage::Transform) => "production",
        Some(Stage::Retired) => "deprecated",
        _ => "experimental",
    }
}

/// A pmoc id as a Backstage name. Backstage names take pmoc ids' letters,
/// digits and `-`, but must end in a letter or digit, so an id ending in
/// `-` is written differently: its trailing hyphens become underscores in
/// front of the last letter or digit (`risk-` is `ris_k`, `a1--` is
/// `a__1`); when only one letter or digit comes before them, it is followed
/// by a dot and their number (`x-` is `x.1`). The length stays within 63,
/// and no two ids meet: no pmoc id holds `_` or `.`, and the second form
/// alone holds a dot.
pub fn name(id: &str) -> String {
    let stem = id.trim_end_matches('-');
    let hyphens = id.len() - stem.len();
    match stem.len() {
        _ if hyphens == 0 => id.to_string(),
        0 => id.to_string(),
        1 => format!("{stem}.{hyphens}"),
        n => {
            let (head, last) = stem.split_at(n - 1);
            format!("{head}{}{last}", "_".repeat(hyphens))
        }
    }
}

/// The party an id names, as an entity reference (`user:jane`,
/// `group:portfolio-board`), when it is an exported person or team.
fn party(catalog: &Catalog, id: &str) -> Option<String> {
    let person = catalog.persons.binary_search_by(|p| p.id.as_str().cmp(id));
    let team = catalog.teams.binary_search_by(|t| t.id.as_str().cmp(id));
    match (person, team) {
        (Ok(_), _) => Some(format!("user:{}", name(id))),
        (_, Ok(_)) => Some(format!("group:{}", name(id))),
        _ => None,
    }
}

/// The owner: the first of `candidates` that names an exported person or
/// team, after them the PMO's head, then its sponsor (required by the
/// language). When none names one (a reference to nothing, allowed by the
/// manifest's lints), the first id written, as it is.
fn owner(catalog: &Catalog, candidates: &[Option<&String>]) -> String {
    let pmo = [catalog.pmo.head.as_ref(), catalog.pmo.sponsor.as_ref()];
    let ids: Vec<&String> = candidates.iter().chain(&pmo).flatten().copied().collect();
    ids.iter()
        .find_map(|id| party(catalog, id))
        .or_else(|| ids.first().map(|id| name(id)))
        .unwrap_or_else(|| name(&catalog.pmo.id))
}

/// Every entity of the catalogue as one multi-document YAML file.
pub fn yaml(catalog: &Catalog) -> String {
    let mut entities = vec![domain(catalog)];
    entities.extend(catalog.functions.iter().map(|f| system(catalog, f)));
    // Each service's improvements, found in one pass (not one per service).
    let mut improvements: HashMap<&str, Vec<&ImprovementEntry>> = HashMap::new();
    for i in &catalog.improvements {
        if let Some(service) = i.service.as_deref() {
            improvements.entry(service).or_default().push(i);
        }
    }
    entities.extend(catalog.services.iter().map(|s| {
        let own = improvements.get(s.id.as_str()).map(Vec::as_slice);
        component(catalog, s, own.unwrap_or_default())
    }));
    entities.extend(groups(catalog));
    entities.extend(users(catalog));
    let mut out = String::new();
    for entity in &entities {
        out.push_str("---\n");
        write_map(&mut out, entity, 0);
    }
    out
}

/// An entity: its kind, metadata and spec.
fn entity(
    kind: &str,
    metadata: Vec<(&'static str, Yaml)>,
    spec: Vec<(&'static str, Yaml)>,
) -> Yaml {
    Yaml::Map(vec![
        ("apiVersion", yaml_str(API_VERSION)),
        ("kind", yaml_str(kind)),
        ("metadata", Yaml::Map(metadata)),
        ("spec", Yaml::Map(spec)),
    ])
}

/// `name`, `title` and `description` of an entity's metadata.
fn identity(
    id: &str,
    title: &Option<String>,
    description: &Option<String>,
) -> Vec<(&'static str, Yaml)> {
    let mut metadata = vec![("name", yaml_str(name(id)))];
    if let Some(t) = title.as_ref().filter(|t| !t.trim().is_empty()) {
        metadata.push(("title", yaml_str(t)));
    }
    if let Some(d) = description.as_ref().filter(|d| !d.trim().is_empty()) {
        metadata.push(("description", yaml_str(d)));
    }
    metadata
}

/// A link to a page of the site, when the site has an absolute address.
fn link(catalog: &Catalog, path: &str, title: &str) -> Option<(&'static str, Yaml)> {
    let url = absolute_url(catalog, path)?;
    let entry = Yaml::Map(vec![("url", yaml_str(url)), ("title", yaml_str(title))]);
    Some(("links", Yaml::Seq(vec![entry])))
}

fn domain(catalog: &Catalog) -> Yaml {
    let pmo = &catalog.pmo;
    let mut metadata = identity(&pmo.id, &pmo.name, &pmo.mandate);
    metadata.extend(link(catalog, "index.html", "PMO catalogue"));
    entity(
        "Domain",
        metadata,
        vec![("owner", yaml_str(owner(catalog, &[])))],
    )
}

fn system(catalog: &Catalog, f: &FunctionEntry) -> Yaml {
    let mut metadata = identity(&f.id, &f.name, &f.description);
    let tags = f
        .levels
        .iter()
        .map(|l| yaml_str(l.as_str()))
        .collect::<Vec<_>>();
    if !tags.is_empty() {
        metadata.push(("tags", Yaml::Seq(tags)));
    }
    let page = EntityKind::Function.url(&f.id);
    metadata.extend(link(catalog, &page, "Function page"));
    let spec = vec![
        ("owner", yaml_str(owner(catalog, &[f.lead.as_ref()]))),
        (
            "domain",
            yaml_str(format!("domain:{}", name(&catalog.pmo.id))),
        ),
    ];
    entity("System", metadata, spec)
}

fn component(catalog: &Catalog, svc: &ServiceEntry, own: &[&ImprovementEntry]) -> Yaml {
    let mut metadata = identity(&svc.id, &svc.name, &svc.description);
    let mut labels = Vec::new();
    if let Some(stage) = svc.stage {
        labels.push(("pmoc/stage", yaml_str(stage.as_str())));
    }
    // The next move on the roadmap: the first plan not yet reached.
    if let Some(next) = svc.plans.iter().find(|p| !p.reached) {
        labels.push(("pmoc/next-stage", yaml_str(next.stage.as_str())));
        if let Some(by) = &next.by {
            labels.push(("pmoc/next-stage-by", yaml_str(by)));
        }
    }
    if let Some(c) = svc.criticality {
        labels.push(("pmoc/criticality", yaml_str(c.as_str())));
    }
    if !labels.is_empty() {
        metadata.push(("labels", Yaml::Map(labels)));
    }
    if let Some(level) = svc.level {
        metadata.push(("tags", Yaml::Seq(vec![yaml_str(level.as_str())])));
    }
    let annotations: Vec<(&str, Yaml)> = card(svc)
        .into_iter()
        .chain([
            ("pmoc/efforts", efforts(svc)),
            ("pmoc/breach-allowances", allowances(svc)),
            ("pmoc/adoption", adoption(svc)),
            ("pmoc/improvements", improvements(own)),
        ])
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, yaml_str(v)))
        .collect();
    if !annotations.is_empty() {
        metadata.push(("annotations", Yaml::Map(annotations)));
    }
    let mut links = card_links(svc);
    let page = EntityKind::Service.url(&svc.id);
    if let Some((_, Yaml::Seq(own))) = link(catalog, &page, "Service page") {
        links.extend(own);
    }
    if !links.is_empty() {
        metadata.push(("links", Yaml::Seq(links)));
    }
    let function = svc.function.as_ref().and_then(|f| {
        let i = catalog.functions.binary_search_by(|x| x.id.cmp(f)).ok()?;
        Some(&catalog.functions[i])
    });
    let lead = function.and_then(|f| f.lead.as_ref());
    let mut spec = vec![
        ("type", yaml_str("service")),
        ("lifecycle", yaml_str(lifecycle(svc.stage))),
        (
            "owner",
            yaml_str(owner(catalog, &[svc.owner.as_ref(), lead])),
        ),
    ];
    if let Some(f) = function {
        spec.push(("system", yaml_str(format!("system:{}", name(&f.id)))));
    }
    let depends: Vec<Yaml> = svc
        .depends_on
        .iter()
        .filter(|d| catalog.services.binary_search_by(|x| x.id.cmp(d)).is_ok())
        .map(|d| yaml_str(format!("component:{}", name(d))))
        .collect();
    if !depends.is_empty() {
        spec.push(("dependsOn", Yaml::Seq(depends)));
    }
    entity("Component", metadata, spec)
}

/// The service card (language 1.1, section 8) as annotations (empty ones
/// left out by the caller): lists joined by `; `.
fn card(svc: &ServiceEntry) -> [(&'static str, String); 8] {
    let joined = |items: &[String]| items.join("; ");
    let sponsor = svc.sponsor.as_deref().map(name);
    [
        ("pmoc/problem", svc.problem.clone().unwrap_or_default()),
        ("pmoc/benefits", joined(&svc.benefits)),
        ("pmoc/includes", joined(&svc.includes)),
        ("pmoc/excludes", joined(&svc.excludes)),
        ("pmoc/inputs", joined(&svc.inputs)),
        ("pmoc/outputs", joined(&svc.outputs)),
        ("pmoc/lead-time", svc.lead_time.clone().unwrap_or_default()),
        ("pmoc/sponsor", sponsor.unwrap_or_default()),
    ]
}

/// The card's links, as `metadata.links` entries: only the addresses a
/// link may take, a title only when it has words.
fn card_links(svc: &ServiceEntry) -> Vec<Yaml> {
    svc.links
        .iter()
        .filter(|l| crate::base::link::is_safe(&l.url))
        .map(|l| {
            let mut entry = vec![("url", yaml_str(&l.url))];
            if let Some(t) = l.title.as_ref().filter(|t| !t.trim().is_empty()) {
                entry.push(("title", yaml_str(t)));
            }
            Yaml::Map(entry)
        })
        .collect()
}

/// The service's efforts: `party fte`, `; ` between, a stage in brackets.
fn efforts(svc: &ServiceEntry) -> String {
    let efforts: Vec<String> = svc
        .efforts
        .iter()
        .map(|e| match e.stage {
            Some(stage) => format!("{} {} ({stage})", e.party, show(e.fte)),
            None => format!("{} {}", e.party, show(e.fte)),
        })
        .collect();
    efforts.join("; ")
}

/// Each judged breach allowance: `change-control-sla 3 of 2 used in 2026
/// (exhausted)`.
fn allowances(svc: &ServiceEntry) -> String {
    let judged: Vec<String> = svc
        .slas
        .iter()
        .filter_map(|sla| {
            let a = sla.allowance.as_ref()?;
            Some(format!(
                "{} {} of {} used in {} ({})",
                sla.id,
                a.used,
                a.allowed,
                a.year,
                word(&a.state)
            ))
        })
        .collect();
    judged.join("; ")
}

/// Adoption against its plan: `6 in 2026-10 (behind-plan)`.
fn adoption(svc: &ServiceEntry) -> String {
    let Some(a) = &svc.adoption else {
        return String::new();
    };
    match (&a.period, a.value) {
        (Some(period), Some(value)) => {
            let standing = a
                .judgement
                .as_ref()
                .map(|j| format!(" ({})", word(&j.standing)))
                .unwrap_or_default();
            format!("{} {} in {period}{standing}", a.metric, show(value))
        }
        _ => String::new(),
    }
}

/// The service's improvements with their state: `tl-refresh (done, met);
/// bt-simpler-capture (overdue)`.
fn improvements(own: &[&ImprovementEntry]) -> String {
    let listed: Vec<String> = own
        .iter()
        .map(|i| {
            let state = if i.overdue {
                "overdue".to_string()
            } else {
                word(&i.state)
            };
            match &i.effect {
                Some(e) => format!("{} ({state}, {})", i.id, word(&e.verdict)),
                None => format!("{} ({state})", i.id),
            }
        })
        .collect();
    listed.join("; ")
}

/// A catalog word as catalog.json spells it (`behind-plan`, `exhausted`).
fn word(value: &impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(w)) => w,
        _ => String::new(),
    }
}

/// A party's `fte` as the label `pmoc/fte` (`0.8`, `4.5`: a valid label
/// value).
fn fte_label(fte: Option<f64>) -> Option<(&'static str, Yaml)> {
    fte.map(|f| ("labels", Yaml::Map(vec![("pmoc/fte", yaml_str(show(f)))])))
}

/// A profile with a display name and, for a person, an email.
fn profile(display: &Option<String>, email: &Option<String>) -> Option<(&'static str, Yaml)> {
    let mut fields = Vec::new();
    if let Some(d) = display.as_ref().filter(|d| !d.trim().is_empty()) {
        fields.push(("displayName", yaml_str(d)));
    }
    if let Some(e) = email.as_ref().filter(|e| !e.trim().is_empty()) {
        fields.push(("email", yaml_str(e)));
    }
    (!fields.is_empty()).then_some(("profile", Yaml::Map(fields)))
}

fn groups(catalog: &Catalog) -> Vec<Yaml> {
    catalog
        .teams
        .iter()
        .map(|t| {
            let members = t
                .members
                .iter()
                .filter(|m| catalog.persons.binary_search_by(|p| p.id.cmp(m)).is_ok())
                .map(|m| yaml_str(format!("user:{}", name(m))))
                .collect();
            let mut spec = vec![("type", yaml_str("team"))];
            spec.extend(profile(&t.name, &None));
            spec.push(("children", Yaml::Seq(Vec::new())));
            spec.push(("members", Yaml::Seq(members)));
            let mut metadata = identity(&t.id, &t.name, &None);
            metadata.extend(fte_label(t.fte));
            entity("Group", metadata, spec)
        })
        .collect()
}

fn users(catalog: &Catalog) -> Vec<Yaml> {
    catalog
        .persons
        .iter()
        .map(|p| {
            let member_of = p
                .teams
                .iter()
                .map(|t| yaml_str(format!("group:{}", name(t))))
                .collect();
            let mut spec = Vec::new();
            spec.extend(profile(&p.name, &p.email));
            spec.push(("memberOf", Yaml::Seq(member_of)));
            let description = p.title.clone();
            let mut metadata = identity(&p.id, &p.name, &description);
            metadata.extend(fte_label(p.fte));
            entity("User", metadata, spec)
        })
        .collect()
}

/// Writes the entries of a mapping, each key at `indent` spaces.
fn write_map(out: &mut String, map: &Yaml, indent: usize) {
    let Yaml::Map(entries) = map else {
        unreachable!("entities are mappings")
    };
    for (key, value) in entries {
        out.push_str(&" ".repeat(indent));
        out.push_str(key);
        out.push(':');
        write_value(out, value, indent);
    }
}

/// Writes a value after `key:` or `-`: a string on the same line, an empty
/// collection as `[]` or `{}`, else a block on the lines below.
fn write_value(out: &mut String, value: &Yaml, indent: usize) {
    match value {
        Yaml::Str(text) => {
            out.push(' ');
            out.push_str(&quoted(text));
            out.push('\n');
        }
        Yaml::Seq(items) if items.is_empty() => out.push_str(" []\n"),
        Yaml::Map(entries) if entries.is_empty() => out.push_str(" {}\n"),
        Yaml::Map(_) => {
            out.push('\n');
            write_map(out, value, indent + 2);
        }
        Yaml::Seq(items) => {
            out.push('\n');
            for item in items {
                out.push_str(&" ".repeat(indent + 2));
                out.push('-');
                match item {
                    // A mapping in a sequence: its first key after `- `,
                    // the others below it.
                    Yaml::Map(entries) if !entries.is_empty() => {
                        let mut first = String::new();
                        write_map(&mut first, item, indent + 4);
                        out.push(' ');
                        out.push_str(&first[indent + 4..]);
                    }
                    _ => write_value(out, item, indent + 2),
                }
            }
        }
    }
}

/// A YAML double-quoted scalar. Inside double quotes only `\` and `"` are
/// special, and both are escaped; line breaks (YAML 1.1's NEL, LS and PS
/// included), tabs, every other control character and the byte-order mark
/// are written as escapes, so the value stays on one line and nothing in
/// it is read as YAML syntax.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control()
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                ) =>
            {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_become_backstage_names() {
        assert_eq!(name("risk-log"), "risk-log");
        assert_eq!(name("risk-"), "ris_k");
        assert_eq!(name("a1--"), "a__1");
        assert_eq!(name("x-"), "x.1");
        assert_eq!(name("x--"), "x.2");
        let long = format!("{}-", "a".repeat(62));
        assert_eq!(name(&long).len(), 63);
        assert_eq!(name(&format!("x{}", "-".repeat(62))), "x.62");
    }

    #[test]
    fn stages_map_to_lifecycles() {
        use Stage::*;
        let got: Vec<&str> = Stage::ALL.iter().map(|s| lifecycle(Some(*s))).collect();
        assert_eq!(
            got,
            [
                "experimental",
                "experimental",
                "experimental",
                "production",
                "production",
                "production",
                "deprecated"
            ]
        );
        assert_eq!(lifecycle(Some(Pilot)), "experimental");
    }

    #[test]
    fn strings_are_quoted_and_escaped() {
        assert_eq!(quoted("a\"b\\c\nd"), r#""a\"b\\c\nd""#);
        assert_eq!(quoted("x\u{85}y\u{2028}"), r#""x\u0085y\u2028""#);
        assert_eq!(quoted("yes"), "\"yes\"");
    }
}
