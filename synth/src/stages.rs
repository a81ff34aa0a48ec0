//! What a service's stage adds at its end: the stage's block (pilot,
//! rollout, transform, retirement) and the gate decisions that brought it
//! there, each taken by one of the gate's approvers with a quorum present.

use std::fmt::Write as _;

use pmoc::model::Stage::{Design, Implementation, Operation, Pilot, Retired, Strategy, Transform};

use crate::decision::{Decision, attendees};
use crate::function::{Service, Sla, write_sla};
use crate::plan::{PILOT_HELD, REPLACED, REPLACEMENT, STRATEGY_HELD, TRANSFORMED_BACK};
use crate::rng::{Lcg, date};
use crate::tables::{DESIGN_AUTHORITY, DIVISIONS, PMO_LEADERSHIP, PORTFOLIO_BOARD, SPOKE_LEADS};

/// The stage's block and decisions; `day` is the day of the month its
/// decisions were taken on.
pub(crate) fn write_stage(s: &mut String, c: &Service, rng: &mut Lcg) {
    let day = rng.range(1, 28);
    match c.stage() {
        Strategy => strategy(s, c, day, rng),
        Design => design(s, day, rng),
        Pilot => pilot(s, c, day, rng),
        Implementation => implementation(s, c, day, rng),
        Operation => operation(s, c, day, rng),
        Transform => transform(s, c, day, rng),
        Retired => retired(s, c, day, rng),
    }
}

/// Only the held concept has a decision yet.
fn strategy(s: &mut String, c: &Service, day: i32, rng: &mut Lcg) {
    if c.j == STRATEGY_HELD {
        out!(s);
        Decision::go(
            "g1-concept",
            date(-2, day),
            "pmo-leadership",
            attendees(rng, &PMO_LEADERSHIP, 3),
            "Promising, but no customer group has committed to a pilot yet.",
        )
        .hold(date(2, day))
        .write(s);
    }
}

fn design(s: &mut String, day: i32, rng: &mut Lcg) {
    out!(s);
    Decision::go(
        "g1-concept",
        date(-rng.range(1, 6), day),
        "pmo-leadership",
        attendees(rng, &PMO_LEADERSHIP, 3),
        "A named customer group asked for it and it supports a strategic objective.",
    )
    .write(s);
}

fn pilot(s: &mut String, c: &Service, day: i32, rng: &mut Lcg) {
    let held = c.j == PILOT_HELD;
    let (start, review) = if held {
        (date(-7, 1), date(-1, 15))
    } else {
        (date(-rng.range(1, 3), 1), date(rng.range(1, 4), day))
    };
    out!(s, "\n    pilot {{");
    out!(
        s,
        "        scope \"Two programmes in the {} division\"",
        DIVISIONS[c.j % DIVISIONS.len()]
    );
    out!(s, "        groups \"{}\"", c.groups[0]);
    out!(s, "        start \"{start}\"");
    out!(s, "        review \"{review}\"");
    out!(
        s,
        "        success \"80% of pilot users rate the service useful\""
    );
    out!(s, "        exit-gate \"g3-go-live\"");
    out!(s, "    }}");
    out!(s);
    Decision::go(
        "g1-concept",
        date(-12, day),
        "pmo-leadership",
        attendees(rng, &PMO_LEADERSHIP, 2),
        "Programme boards asked for it.",
    )
    .write(s);
    Decision::go(
        "g2-pilot-ready",
        date(-8, day),
        "design-authority",
        attendees(rng, &DESIGN_AUTHORITY, 3),
        "Design agreed; two programmes volunteered for the pilot.",
    )
    .write(s);
    if held {
        // The review date has passed: the hold at the exit gate says
        // when the go-live decision will be taken.
        Decision::go(
            "g3-go-live",
            date(-1, 20),
            "portfolio-board",
            attendees(rng, &PORTFOLIO_BOARD, 3),
            "Only one pilot programme has finished; hold until the second reports.",
        )
        .hold(date(1, 8))
        .write(s);
    }
}

fn implementation(s: &mut String, c: &Service, day: i32, rng: &mut Lcg) {
    let start = -rng.range(1, 3);
    out!(s, "\n    rollout {{");
    for (n, group) in c.groups.iter().enumerate() {
        let n = n as i32;
        out!(
            s,
            "        phase \"Wave {}\" start=\"{}\" end=\"{}\" groups=\"{group}\"",
            n + 1,
            date(start + 3 * n, 1),
            date(start + 3 * n + 2, 28)
        );
    }
    out!(
        s,
        "        adoption-target \"adoption-pct\" at-least={} by=\"{}\" from=5",
        10 * rng.range(4, 8),
        date(9, 28)
    );
    // Each group told and trained in the month before its wave.
    for (n, group) in c.groups.iter().enumerate() {
        let before = start + 3 * n as i32 - 1;
        out!(
            s,
            "        communicate \"What changes for you\" to=\"{group}\" on=\"{}\"",
            date(before, 10)
        );
        out!(
            s,
            "        train \"Live demo and office hours\" groups=\"{group}\" by=\"{}\"",
            date(before, 24)
        );
    }
    let champion = rng.pick(&SPOKE_LEADS);
    out!(s, "        champion \"{champion}\"");
    out!(s, "        feedback every=\"month\" to=\"{champion}\"");
    out!(s, "    }}");
    out!(s);
    Decision::go(
        "g1-concept",
        date(-18, day),
        "pmo-leadership",
        attendees(rng, &PMO_LEADERSHIP, 3),
        "Largest cause of slippage in the last lessons review.",
    )
    .write(s);
    Decision::go(
        "g2-pilot-ready",
        date(-12, day),
        "design-authority",
        attendees(rng, &DESIGN_AUTHORITY, 2),
        "Method published; two projects volunteered.",
    )
    .write(s);
    let board = 3 + rng.below(2);
    Decision::go(
        "g3-go-live",
        date(start - 1, day),
        "portfolio-board",
        attendees(rng, &PORTFOLIO_BOARD, board),
        "Both pilot projects met the success criteria.",
    )
    .write(s);
}

/// Accepted into operation: most services have only the acceptance on
/// record, some their whole history through the pipeline, and one came
/// back from a transformation.
fn operation(s: &mut String, c: &Service, day: i32, rng: &mut Lcg) {
    out!(s);
    if c.j == TRANSFORMED_BACK {
        accept(s, c, day, -34, rng);
        Decision::go(
            "g5-transform-or-retire",
            date(-14, day),
            "portfolio-board",
            attendees(rng, &PORTFOLIO_BOARD, 3),
            "Manual effort no longer scales; transform onto the portfolio tool.",
        )
        .write(s);
        Decision::go(
            "g6-transform-complete",
            date(-3, day),
            "portfolio-board",
            attendees(rng, &PORTFOLIO_BOARD, 2),
            "Changes delivered and the SLA re-baselined.",
        )
        .write(s);
    } else if rng.chance(25) {
        Decision::go(
            "g1-concept",
            date(-30, day),
            "pmo-leadership",
            attendees(rng, &PMO_LEADERSHIP, 2),
            "Sponsors asked for one way of doing this.",
        )
        .write(s);
        Decision::go(
            "g2-pilot-ready",
            date(-26, day),
            "design-authority",
            attendees(rng, &DESIGN_AUTHORITY, 3),
            "Design and pilot plan agreed.",
        )
        .write(s);
        Decision::go(
            "g3-go-live",
            date(-22, day),
            "portfolio-board",
            attendees(rng, &PORTFOLIO_BOARD, 4),
            "Pilot met its success criteria.",
        )
        .write(s);
        accept(s, c, day, -16, rng);
    } else {
        let months = -rng.range(12, 36);
        accept(s, c, day, months, rng);
    }
}

/// The service acceptance, `months` from as-of, sometimes with the owner
/// present.
fn accept(s: &mut String, c: &Service, day: i32, months: i32, rng: &mut Lcg) {
    let mut present = vec!["head-of-pmo", "coo"];
    if rng.chance(50) {
        present.push(c.owner);
    }
    let by = *rng.pick(&["head-of-pmo", "coo"]);
    Decision::go(
        "g4-service-acceptance",
        date(months, day),
        by,
        present,
        "SLA agreed with every mandated group; triggers in place.",
    )
    .write(s);
}

fn transform(s: &mut String, c: &Service, day: i32, rng: &mut Lcg) {
    out!(s, "\n    transform {{");
    out!(
        s,
        "        changes \"Move {} onto the portfolio tool and make routine requests self-service\"",
        c.topic()
    );
    out!(s, "        target-date \"{}\"", date(rng.range(2, 8), 28));
    if let Some(successor) = c.f.services.get(STRATEGY_HELD) {
        out!(s, "        successor \"{}\"", successor.id);
    }
    out!(s, "    }}");
    out!(s);
    Decision::go(
        "g4-service-acceptance",
        date(-30, day),
        "head-of-pmo",
        vec!["head-of-pmo", "coo"],
        "Catalogue baseline.",
    )
    .write(s);
    let board = 3 + rng.below(2);
    Decision::go(
        "g5-transform-or-retire",
        date(-rng.range(1, 6), day),
        "portfolio-board",
        attendees(rng, &PORTFOLIO_BOARD, board),
        "Spreadsheets cannot scale to next year's portfolio; transform the service.",
    )
    .write(s);
}

/// Retired: often the SLA it had while it ran, ended on the retirement
/// date, then the retirement and the decisions.
fn retired(s: &mut String, c: &Service, day: i32, rng: &mut Lcg) {
    let retired = -rng.range(3, 20);
    let ended = date(retired, 28);
    if rng.chance(60) {
        let sla = Sla {
            id: format!("{}-sla", c.sv.id),
            customers: None,
            review_by: date(retired - 2, 28),
            ends: Some(ended.clone()),
        };
        write_sla(s, &sla, c.f, c.owner, rng);
    }
    out!(s, "\n    retirement {{");
    out!(s, "        date \"{ended}\"");
    out!(
        s,
        "        reason \"Demand fell away once the portfolio tool covered {}.\"",
        c.topic()
    );
    out!(s, "        decided-at \"g5-transform-or-retire\"");
    if c.j == REPLACED
        && let Some(successor) = c.f.services.get(REPLACEMENT)
    {
        out!(s, "        replaced-by \"{}\"", successor.id);
    }
    out!(s, "    }}");
    out!(s);
    Decision::go(
        "g4-service-acceptance",
        date(retired - 30, day),
        "coo",
        vec!["head-of-pmo", "coo"],
        "Catalogue baseline.",
    )
    .write(s);
    // A kill counts as go for a move to retired.
    let outcome = *rng.pick(&["kill", "go"]);
    Decision::go(
        "g5-transform-or-retire",
        date(retired - 1, day),
        "portfolio-board",
        attendees(rng, &PORTFOLIO_BOARD, 3),
        "Requests fell to a handful a month; retire the service.",
    )
    .outcome(outcome)
    .write(s);
}
