//! Gate decisions recorded on a service.

use std::fmt::Write as _;

use crate::rng::Lcg;

/// A gate decision recorded on a service.
pub(crate) struct Decision<'a> {
    gate: &'a str,
    outcome: &'a str,
    date: String,
    by: &'a str,
    present: Vec<&'a str>,
    rationale: &'a str,
    revisit: Option<String>,
}

impl<'a> Decision<'a> {
    pub(crate) fn go(
        gate: &'a str,
        date: String,
        by: &'a str,
        present: Vec<&'a str>,
        rationale: &'a str,
    ) -> Decision<'a> {
        Decision {
            gate,
            outcome: "go",
            date,
            by,
            present,
            rationale,
            revisit: None,
        }
    }

    pub(crate) fn outcome(self, outcome: &'a str) -> Decision<'a> {
        Decision { outcome, ..self }
    }

    pub(crate) fn hold(self, revisit: String) -> Decision<'a> {
        Decision {
            outcome: "hold",
            revisit: Some(revisit),
            ..self
        }
    }

    pub(crate) fn write(&self, s: &mut String) {
        out!(
            s,
            "    decision \"{}\" outcome=\"{}\" date=\"{}\" by=\"{}\" {{",
            self.gate,
            self.outcome,
            self.date,
            self.by
        );
        let present: Vec<String> = self.present.iter().map(|p| format!("\"{p}\"")).collect();
        out!(s, "        present {}", present.join(" "));
        out!(s, "        rationale \"{}\"", self.rationale);
        if let Some(revisit) = &self.revisit {
            out!(s, "        revisit \"{revisit}\"");
        }
        out!(s, "    }}");
    }
}

/// `k` of a team's people, enough for any quorum up to `k`.
pub(crate) fn attendees<'a>(rng: &mut Lcg, team: &[&'a str], k: usize) -> Vec<&'a str> {
    rng.choose(team, k).into_iter().copied().collect()
}
