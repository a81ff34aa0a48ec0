//! The review's improvements section (language 1.1, section 7): open,
//! overdue, done since the last review (`--since`), and their effect, as
//! the evaluation judged it ([`crate::metrics::effect`]); built here and
//! rendered here as text and Markdown (called from `text` and `markdown`).

use std::fmt::Write;

use jiff::civil::Date;

use super::shape::{ImprovementReview, ImprovementsReview, PeriodValue, Review};
use super::{date_of, text_of, threshold};
use crate::base::number::show;
use crate::emit::escape_markdown as escape;
use crate::emit::visible::line;
use crate::metrics::{Evaluation, Verdict};
use crate::model::{Improvement, Index, Metric, Service};

/// The section: improvements of services not retired, dropped ones left
/// out.
pub(super) fn section(
    index: &Index,
    evaluation: &Evaluation,
    since: Option<Date>,
) -> ImprovementsReview {
    let mut out = ImprovementsReview::default();
    for i in &index.model.improvements {
        let service = i
            .service
            .as_ref()
            .and_then(|s| index.get::<Service>(&s.value));
        if service.is_some_and(|s| s.stage() == Some(crate::model::Stage::Retired)) {
            continue;
        }
        let entry = || entry(index, evaluation, i, service);
        if i.is_overdue(index.as_of) {
            out.overdue.push(entry());
        } else if i.is_open() {
            out.open.push(entry());
        } else if let Some(done) = i.done
            && since.is_none_or(|s| done.value >= s)
        {
            out.done.push(entry());
        }
    }
    let by = |a: &ImprovementReview, key: &Option<String>| (key.clone(), a.id.clone());
    out.open.sort_by_key(|a| by(a, &a.due));
    out.overdue.sort_by_key(|a| by(a, &a.due));
    out.done.sort_by_key(|a| by(a, &a.done));
    out
}

fn entry(
    index: &Index,
    evaluation: &Evaluation,
    i: &Improvement,
    service: Option<&Service>,
) -> ImprovementReview {
    let effect = evaluation.effect(&i.id.value);
    let seen = |o: Option<(crate::metrics::PeriodKey, f64)>| {
        o.map(|(p, v)| PeriodValue {
            period: p.to_string(),
            value: Some(v),
        })
    };
    let expect = i.expect.as_ref();
    ImprovementReview {
        id: i.id.value.clone(),
        title: text_of(&i.title),
        service: text_of(&i.service),
        service_name: service.and_then(|s| text_of(&s.name)),
        owner: text_of(&i.owner),
        owner_name: i
            .owner
            .as_ref()
            .and_then(|o| super::party_name(index, &o.value)),
        answers: i.answers.iter().map(|a| a.value.clone()).collect(),
        due: date_of(i.due),
        done: date_of(i.done),
        metric: expect.map(|e| e.metric.value.clone()),
        unit: expect
            .and_then(|e| index.get::<Metric>(&e.metric.value))
            .and_then(|m| m.unit.map(|u| u.value)),
        threshold: expect.and_then(|e| threshold(e.bound)),
        by: expect.and_then(|e| date_of(e.by)),
        effect: effect.map(|e| e.verdict),
        baseline: effect.and_then(|e| seen(e.baseline)),
        observed: effect.and_then(|e| seen(e.observed)),
    }
}

/// "Template refresh (`tl-refresh`) for Templates library, owner Nadia Karim".
fn head(i: &ImprovementReview, name: impl Fn(&str) -> String) -> String {
    let title = i.title.as_deref().map_or(format!("`{}`", i.id), |t| {
        format!("{} (`{}`)", name(t), i.id)
    });
    let service = match (&i.service_name, &i.service) {
        (Some(n), _) => name(n),
        (None, Some(s)) => format!("`{s}`"),
        (None, None) => "no service".into(),
    };
    let owner = match (&i.owner_name, &i.owner) {
        (Some(n), _) => format!(", owner {}", name(n)),
        (None, Some(o)) => format!(", owner `{o}`"),
        (None, None) => String::new(),
    };
    format!("{title} for {service}{owner}")
}

/// "met: `csat-score` 4.7 in 2026-Q3 against at-least 4.3 by 2026-09-30
/// (baseline 4 in 2026-Q2)".
pub(super) fn effect_words(i: &ImprovementReview) -> String {
    let Some(verdict) = i.effect else {
        return "no expectation to judge".into();
    };
    let expectation = match (&i.metric, &i.threshold, &i.by) {
        (Some(m), Some(t), Some(by)) => format!("`{m}` {} {} by {by}", t.kind, show(t.value)),
        _ => String::new(),
    };
    let value =
        |p: &PeriodValue| format!("{} in {}", p.value.map(show).unwrap_or_default(), p.period);
    let baseline = i
        .baseline
        .as_ref()
        .map_or("no baseline".into(), |b| format!("baseline {}", value(b)));
    match (verdict, &i.observed) {
        (Verdict::NotYetMeasurable, _) | (_, None) => {
            format!("not yet measurable: {expectation} ({baseline})")
        }
        (v, Some(o)) => format!("{v}: {expectation}; observed {} ({baseline})", value(o)),
    }
}

/// The section as plain text.
pub(super) fn text(out: &mut String, review: &Review) {
    let imp = &review.improvements;
    out.push_str("\nImprovements\n");
    let name = |s: &str| line(s).into_owned();
    let mut list =
        |title: &str, items: &[ImprovementReview], when: &dyn Fn(&ImprovementReview) -> String| {
            if items.is_empty() {
                let _ = writeln!(out, "  {title}: none.");
                return;
            }
            let _ = writeln!(out, "  {title}:");
            for i in items {
                let _ = writeln!(out, "  - {}: {}", head(i, name), when(i));
            }
        };
    list("Overdue", &imp.overdue, &|i| {
        format!("was due {}", i.due.as_deref().unwrap_or("?"))
    });
    list("Open", &imp.open, &|i| {
        format!("due {}", i.due.as_deref().unwrap_or("?"))
    });
    let since = review
        .since
        .as_ref()
        .map_or("Done".to_string(), |s| format!("Done since {}", s.date));
    list(&since, &imp.done, &|i| {
        format!(
            "done {}; {}",
            i.done.as_deref().unwrap_or("?"),
            line(&effect_words(i))
        )
    });
}

/// The section as Markdown.
pub(super) fn markdown(out: &mut String, review: &Review) {
    let imp = &review.improvements;
    out.push_str("\n## Improvements\n");
    let mut list =
        |title: &str, items: &[ImprovementReview], when: &dyn Fn(&ImprovementReview) -> String| {
            if items.is_empty() {
                let _ = writeln!(out, "\n{title}: none.");
                return;
            }
            let _ = writeln!(out, "\n{title}:\n");
            for i in items {
                let _ = writeln!(out, "- {}: {}", head(i, escape), when(i));
            }
        };
    list("**Overdue**", &imp.overdue, &|i| {
        format!("was due {}", i.due.as_deref().unwrap_or("?"))
    });
    list("Open", &imp.open, &|i| {
        format!("due {}", i.due.as_deref().unwrap_or("?"))
    });
    let since = review
        .since
        .as_ref()
        .map_or("Done".to_string(), |s| format!("Done since {}", s.date));
    list(&since, &imp.done, &|i| {
        format!(
            "done {}; {}",
            i.done.as_deref().unwrap_or("?"),
            effect_words(i)
        )
    });
}
