//! Navigation in a compiled model: what id the cursor is on (a reference,
//! through the table of [`Field`](crate::base::Field)s that [`Model::references`] walks, or a
//! declaration), where it is declared, where it is referenced, its hover
//! card, and the outline of a file.

use crate::base::{EntityKind, Expect, FileId, Span};
use crate::compile::Compiled;
use crate::model::{Entity, Id, Index, Model};

/// The id under the cursor and the kinds it may name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub expect: Expect,
    pub id: String,
}

fn holds(span: Span, file: FileId, offset: usize) -> bool {
    span.file == file && (span.start as usize) <= offset && offset <= span.end as usize
}

/// The reference or declaration whose id's span holds `offset` in `file`.
pub fn target_at(model: &Model, file: FileId, offset: usize) -> Option<Target> {
    let reference = model
        .references()
        .into_iter()
        .find(|r| holds(r.to.span, file, offset))
        .map(|r| Target {
            expect: r.field.expects(),
            id: r.to.value.clone(),
        });
    reference.or_else(|| {
        model
            .declarations()
            .into_iter()
            .find(|(_, id)| holds(id.span, file, offset))
            .map(|(kind, id)| Target {
                expect: Expect::Kind(kind),
                id: id.value.clone(),
            })
    })
}

/// The first declaration of the target: its kind and its id.
pub fn declaration<'m>(model: &'m Model, target: &Target) -> Option<(EntityKind, &'m Id)> {
    model
        .declarations()
        .into_iter()
        .find(|(kind, id)| target.expect.accepts(*kind) && id.value == target.id)
}

/// Every reference to the target (of the kind it is declared as, when it
/// is), in model order.
pub fn references<'m>(model: &'m Model, target: &Target) -> Vec<&'m Id> {
    let kind = declaration(model, target).map(|(k, _)| k);
    model
        .references()
        .into_iter()
        .filter(|r| r.to.value == target.id)
        .filter(|r| {
            let accepts = r.field.expects();
            match kind {
                Some(k) => accepts.accepts(k),
                None => accepts.kinds().iter().any(|k| target.expect.accepts(*k)),
            }
        })
        .map(|r| r.to)
        .collect()
}

/// The declarations of a file, in source order: its outline.
pub fn symbols(model: &Model, file: FileId) -> Vec<(EntityKind, &Id)> {
    let mut found: Vec<_> = model
        .declarations()
        .into_iter()
        .filter(|(_, id)| id.span.file == file)
        .collect();
    found.sort_by_key(|(_, id)| id.span.start);
    found
}

/// The hover card of an entity, in Markdown: its kind, id and name, what
/// it says of itself in a line, its description, where it is declared and
/// how often it is referenced.
pub fn card(compiled: &Compiled, kind: EntityKind, id: &Id) -> String {
    let model = &compiled.model;
    let index = compiled.index();
    let (name, facts, description) = details(&index, kind, &id.value);
    let mut out = format!("**{}** `{}`", kind.noun(), id.value);
    if let Some(name) = name {
        out.push_str(&format!(": {name}"));
    }
    if !facts.is_empty() {
        out.push_str("\n\n");
        out.push_str(&facts.join(" · "));
    }
    if let Some(text) = description {
        out.push_str("\n\n");
        out.push_str(text.trim());
    }
    let file = compiled.sources.get(id.span.file);
    let line = file.line_col(id.span.start as usize).line;
    let target = Target {
        expect: Expect::Kind(kind),
        id: id.value.clone(),
    };
    let count = references(model, &target).len();
    out.push_str(&format!(
        "\n\n---\n{}:{line} · referenced {count} time{}",
        file.name,
        if count == 1 { "" } else { "s" }
    ));
    out
}

type Details<'m> = (Option<&'m str>, Vec<String>, Option<&'m str>);

/// An entity's name, its facts in short, and its description.
fn details<'m>(index: &Index<'m>, kind: EntityKind, id: &str) -> Details<'m> {
    let model = index.model;
    match kind {
        EntityKind::Pmo => match &model.pmo {
            Some(p) => (text(&p.name), Vec::new(), text(&p.mandate)),
            None => (None, Vec::new(), None),
        },
        EntityKind::Person => get(index, id, |p: &crate::model::Person| {
            let facts = [
                text(&p.title).map(str::to_string),
                text(&p.email).map(str::to_string),
            ];
            (text(&p.name), facts.into_iter().flatten().collect(), None)
        }),
        EntityKind::Team => get(index, id, |t: &crate::model::Team| {
            (
                text(&t.name),
                vec![format!("{} members", t.members.len())],
                None,
            )
        }),
        EntityKind::Customer => get(index, id, |c: &crate::model::Customer| {
            let size = c.size.map(|s| format!("{} people", s.value));
            (text(&c.name), size.into_iter().collect(), None)
        }),
        EntityKind::Objective => get(index, id, |o: &crate::model::Objective| {
            let facts = [
                code("owner", text(&o.owner)),
                text(&o.period).map(str::to_string),
            ];
            (text(&o.title), facts.into_iter().flatten().collect(), None)
        }),
        EntityKind::Metric => get(index, id, |m: &crate::model::Metric| {
            let facts = [
                m.unit.map(|u| format!("unit {}", u.value)),
                m.direction.map(|d| format!("{}", d.value)),
                m.cadence.map(|c| format!("every {}", c.value)),
            ];
            (text(&m.name), facts.into_iter().flatten().collect(), None)
        }),
        _ => work(index, kind, id),
    }
}

fn text(t: &Option<Id>) -> Option<&str> {
    t.as_ref().map(|t| t.value.as_str())
}

fn code(label: &str, v: Option<&str>) -> Option<String> {
    v.map(|v| format!("{label} `{v}`"))
}

/// [`details`] of the kinds that describe the work: functions, services,
/// SLAs, gates and triggers.
fn work<'m>(index: &Index<'m>, kind: EntityKind, id: &str) -> Details<'m> {
    let model = index.model;
    match kind {
        EntityKind::Function => get(index, id, |f: &crate::model::Function| {
            let facts = code("lead", text(&f.lead));
            (
                text(&f.name),
                facts.into_iter().collect(),
                text(&f.description),
            )
        }),
        EntityKind::Service => get(index, id, |s: &crate::model::Service| {
            let facts = [
                code("function", text(&s.function)),
                s.stage.map(|st| format!("stage {}", st.value)),
                code("owner", text(&s.owner)),
                Some(format!("{} SLAs", s.slas.len())),
            ];
            (
                text(&s.name),
                facts.into_iter().flatten().collect(),
                text(&s.description),
            )
        }),
        EntityKind::Sla => {
            let service = model
                .services
                .iter()
                .find(|s| s.slas.iter().any(|sla| sla.id.value == id));
            let facts = service.map(|s| format!("of service `{}`", s.id.value));
            (None, facts.into_iter().collect(), None)
        }
        EntityKind::Gate => get(index, id, |g: &crate::model::Gate| {
            let approvers = g.approvers.iter().map(|a| format!("`{}`", a.value));
            let to = g.to.iter().map(|s| s.value.to_string());
            let mut facts = Vec::new();
            if let Some(from) = g.from {
                facts.push(format!(
                    "{} → {}",
                    from.value,
                    to.collect::<Vec<_>>().join(" or ")
                ));
            }
            facts.push(format!(
                "approvers {}",
                approvers.collect::<Vec<_>>().join(", ")
            ));
            (text(&g.name), facts, None)
        }),
        EntityKind::Trigger => get(index, id, |t: &crate::model::Trigger| {
            let facts = code("gate", text(&t.gate));
            (None, facts.into_iter().collect(), None)
        }),
        _ => (None, Vec::new(), None),
    }
}

fn get<'m, T: Entity + 'm>(
    index: &Index<'m>,
    id: &str,
    f: impl Fn(&'m T) -> Details<'m>,
) -> Details<'m> {
    index.get::<T>(id).map_or((None, Vec::new(), None), f)
}
