//! A trigger's changes: its condition's threshold, window and `min-age`,
//! each judged by whether it makes the trigger fire more or less easily.

use super::changes::{condition_words, duration_reach, num};
use super::shape::{Change, ChangeKind, Entity, Scalar};
use super::view::{ConditionView, TriggerView};

fn harder_or_easier(
    id: &str,
    item: &str,
    harder: bool,
    what: String,
    old: Option<Scalar>,
    new: Option<Scalar>,
) -> Change {
    let (kind, word) = if harder {
        (ChangeKind::TriggerHarder, "harder to fire")
    } else {
        (ChangeKind::TriggerEasier, "easier to fire")
    };
    Change {
        kind,
        weakens: kind.weakens(),
        entity: Entity::Trigger,
        id: id.to_string(),
        service: None,
        item: Some(item.to_string()),
        old,
        new,
        message: format!("trigger `{id}`: {what} ({word})"),
    }
}

/// The changes of a trigger in both catalogs.
pub(super) fn changes(b: &TriggerView, a: &TriggerView) -> Vec<Change> {
    let id = a.id.as_str();
    let mut out = Vec::new();
    if let (Some(wb), Some(wa)) = (&b.when, &a.when)
        && wb.metric == wa.metric
        && wb.comparison == wa.comparison
    {
        threshold(&mut out, id, wb, wa);
        window(&mut out, id, wb, wa);
        trend(&mut out, id, wb, wa);
    }
    // A difference that reads neither as a threshold nor as a window is a
    // different condition.
    if out.is_empty() && b.when != a.when {
        let (old, new) = (condition_words(b), condition_words(a));
        out.push(Change {
            kind: ChangeKind::TriggerConditionChanged,
            weakens: ChangeKind::TriggerConditionChanged.weakens(),
            entity: Entity::Trigger,
            id: id.to_string(),
            service: None,
            item: Some("condition".into()),
            message: format!("trigger `{id}`: condition {old} → {new} (a different condition)"),
            old: Some(Scalar::Text(old)),
            new: Some(Scalar::Text(new)),
        });
        return out;
    }
    min_age(&mut out, id, b.min_age.as_deref(), a.min_age.as_deref());
    out
}

fn threshold(out: &mut Vec<Change>, id: &str, b: &ConditionView, a: &ConditionView) {
    let (Some(vb), Some(va), Some(c)) = (b.value, a.value, a.comparison.as_deref()) else {
        return;
    };
    if vb == va {
        return;
    }
    // `below` and `at-most` fire under the threshold: lower is harder.
    let harder = match c {
        "below" | "at-most" => va < vb,
        _ => va > vb,
    };
    let what = format!(
        "`{c}` threshold of `{}` {} → {}",
        a.metric,
        num(vb),
        num(va)
    );
    out.push(harder_or_easier(
        id,
        "threshold",
        harder,
        what,
        Some(Scalar::Number(vb)),
        Some(Scalar::Number(va)),
    ));
}

/// A trend's N changed: more moves are harder to fire.
fn trend(out: &mut Vec<Change>, id: &str, b: &ConditionView, a: &ConditionView) {
    let (Some(nb), Some(na), Some(t)) = (b.trend_periods, a.trend_periods, a.trend.as_deref())
    else {
        return;
    };
    if b.trend != a.trend || nb == na {
        return;
    }
    let what = format!(
        "`{t}` over the last N periods of `{}`: {nb} → {na}",
        a.metric
    );
    let n = |v: u64| Some(Scalar::Number(v as f64));
    out.push(harder_or_easier(id, "trend", na > nb, what, n(nb), n(na)));
}

/// `for=F` or `within="K of N"` as (K, N, consecutive).
fn k_of_n(w: &ConditionView) -> Option<(u64, u64, bool)> {
    match (w.periods, w.within_k, w.within_n) {
        (Some(f), _, _) => Some((f, f, true)),
        (None, Some(k), Some(n)) => Some((k, n, false)),
        _ => None,
    }
}

fn window(out: &mut Vec<Change>, id: &str, b: &ConditionView, a: &ConditionView) {
    let (Some((kb, nb, fb)), Some((ka, na, fa))) = (k_of_n(b), k_of_n(a)) else {
        return;
    };
    let n = |v: u64| Some(Scalar::Number(v as f64));
    let window = format!("window `{}` → `{}`", form(b), form(a));
    if fb && fa {
        if kb != ka {
            out.push(harder_or_easier(id, "for", ka > kb, window, n(kb), n(ka)));
        }
        return;
    }
    let moved = |v: u64, w: u64| if w > v { "raised" } else { "lowered" };
    if kb != ka {
        let what = format!("{window}: K {}", moved(kb, ka));
        out.push(harder_or_easier(
            id,
            "within-k",
            ka > kb,
            what,
            n(kb),
            n(ka),
        ));
    }
    if nb != na {
        let what = format!("{window}: N {}", moved(nb, na));
        out.push(harder_or_easier(
            id,
            "within-n",
            na < nb,
            what,
            n(nb),
            n(na),
        ));
    }
}

/// The window as written: `for=3` or `within="2 of 4"`.
fn form(w: &ConditionView) -> String {
    match (w.periods, w.within_k, w.within_n) {
        (Some(f), _, _) => format!("for={f}"),
        (None, Some(k), Some(n)) => format!("within=\"{k} of {n}\""),
        _ => String::new(),
    }
}

fn min_age(out: &mut Vec<Change>, id: &str, b: Option<&str>, a: Option<&str>) {
    if b == a {
        return;
    }
    let harder = match (b, a) {
        (Some(b), Some(a)) => match (duration_reach(b), duration_reach(a)) {
            (Some(rb), Some(ra)) if rb == ra => return,
            (Some(rb), Some(ra)) => ra > rb,
            // Unreadable: cannot tell, so it needs attention.
            _ => true,
        },
        (None, Some(_)) => true,
        (Some(_), None) => false,
        (None, None) => return,
    };
    let shown = |d: Option<&str>| d.unwrap_or("none").to_string();
    let what = format!("`min-age` {} → {}", shown(b), shown(a));
    let text = |d: Option<&str>| d.map(|d| Scalar::Text(d.to_string()));
    out.push(harder_or_easier(
        id,
        "min-age",
        harder,
        what,
        text(b),
        text(a),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn falling(n: u64) -> ConditionView {
        ConditionView {
            metric: "adoption".into(),
            comparison: None,
            value: None,
            trend: Some("falling".into()),
            trend_periods: Some(n),
            periods: None,
            within_k: None,
            within_n: None,
        }
    }

    fn trigger(when: ConditionView) -> TriggerView {
        TriggerView {
            id: "sliding".into(),
            when: Some(when),
            min_age: None,
        }
    }

    /// More moves are harder to fire; fewer easier; a different direction
    /// is a different condition.
    #[test]
    fn a_trend_s_n_raised_is_harder_to_fire() {
        let kinds = |b: u64, a: u64| -> Vec<ChangeKind> {
            changes(&trigger(falling(b)), &trigger(falling(a)))
                .iter()
                .map(|c| c.kind)
                .collect()
        };
        assert_eq!(kinds(3, 4), [ChangeKind::TriggerHarder]);
        assert_eq!(kinds(3, 2), [ChangeKind::TriggerEasier]);
        assert!(kinds(3, 3).is_empty());
        let mut rising = falling(3);
        rising.trend = Some("rising".into());
        let changed: Vec<ChangeKind> = changes(&trigger(falling(3)), &trigger(rising))
            .iter()
            .map(|c| c.kind)
            .collect();
        assert_eq!(changed, [ChangeKind::TriggerConditionChanged]);
    }
}
