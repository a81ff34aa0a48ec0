//! The order of each declaration's fields, from the language reference
//! (docs/language.md): one table per block (its child nodes) and one per
//! node written with properties. A table is a list of ranks; names in one
//! rank are alternatives (`at-least` or `at-most`) and keep their written
//! order. Blocks with no table keep their order: `lints`, where the last
//! level given to a code wins, and anything the language does not know.

/// A table: ranks of names.
pub(super) type Table = &'static [&'static [&'static str]];

/// Child nodes: the path of node names from the top-level declaration to
/// the block, then its table.
const CHILDREN: &[(&[&str], Table)] = &[
    (
        &["pmo"],
        &[
            &["name"],
            &["mandate"],
            &["sponsor"],
            &["head"],
            &["structure"],
            &["as-of"],
            &["site"],
            &["output"],
            &["exclude"],
            &["lints"],
        ],
    ),
    (&["pmo", "site"], &[&["title"], &["base-url"]]),
    (&["team"], &[&["member"]]),
    (
        &["function"],
        &[&["name"], &["description"], &["levels"], &["lead"]],
    ),
    (
        &["service"],
        &[
            &["name"],
            &["function"],
            &["description"],
            &["stage"],
            &["owner"],
            &["level"],
            &["offer"],
            &["objectives"],
            &["depends-on"],
            &["replaces"],
            &["kpis"],
            &["channel"],
            &["sla"],
            &["pilot"],
            &["rollout"],
            &["transform"],
            &["retirement"],
            &["decision"],
        ],
    ),
    (
        &["service", "sla"],
        &[
            &["customers"],
            &["period"],
            &["calendar"],
            &["hours"],
            &["target"],
            &["respond-within"],
            &["report"],
            &["escalate"],
            &["review-by"],
            &["ends"],
        ],
    ),
    (
        &["service", "pilot"],
        &[
            &["scope"],
            &["groups"],
            &["start"],
            &["review"],
            &["success"],
            &["exit-gate"],
        ],
    ),
    (
        &["service", "rollout"],
        &[&["phase"], &["adoption-target"], &["champion"]],
    ),
    (
        &["service", "transform"],
        &[&["changes"], &["target-date"], &["successor"]],
    ),
    (
        &["service", "retirement"],
        &[&["date"], &["reason"], &["decided-at"], &["replaced-by"]],
    ),
    (
        &["service", "decision"],
        &[&["present"], &["rationale"], &["revisit"]],
    ),
    (
        &["gate"],
        &[
            &["name"],
            &["from"],
            &["to"],
            &["approvers"],
            &["quorum"],
            &["must"],
            &["should"],
            &["deliverable"],
        ],
    ),
    (
        &["trigger"],
        &[
            &["applies-to"],
            &["when"],
            &["min-age"],
            &["action"],
            &["gate"],
            &["notify"],
        ],
    ),
];

/// Properties: the path of node names to the node, then its table.
const PROPERTIES: &[(&[&str], Table)] = &[
    (&["person"], &[&["name"], &["email"], &["title"]]),
    (&["team"], &[&["name"]]),
    (&["customer"], &[&["name"], &["size"]]),
    (&["objective"], &[&["title"], &["owner"], &["period"]]),
    (
        &["metric"],
        &[&["name"], &["unit"], &["direction"], &["cadence"]],
    ),
    (&["service", "offer"], &[&["level"]]),
    (&["service", "sla", "hours"], &[&["tz"]]),
    (
        &["service", "sla", "target"],
        &[&["at-least", "at-most"], &["warn"]],
    ),
    (&["service", "sla", "report"], &[&["every"], &["to"]]),
    (&["service", "sla", "escalate"], &[&["after"], &["to"]]),
    (
        &["service", "rollout", "phase"],
        &[&["start"], &["end"], &["groups"]],
    ),
    (
        &["service", "rollout", "adoption-target"],
        &[&["at-least"], &["by"]],
    ),
    (
        &["service", "decision"],
        &[&["outcome"], &["date"], &["by"]],
    ),
    (&["gate", "should"], &[&["weight"]]),
    (
        &["trigger", "applies-to"],
        &[&["stage"], &["function"], &["service"]],
    ),
    (
        &["trigger", "when"],
        &[
            &["below", "above", "at-most", "at-least"],
            &["for", "within"],
        ],
    ),
];

fn find(tables: &[(&[&str], Table)], path: &[&str]) -> Option<Table> {
    tables
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, table)| *table)
}

/// The table of the block at `path` (node names from the top), if sorted.
pub(super) fn children(path: &[&str]) -> Option<Table> {
    find(CHILDREN, path)
}

/// The table of the properties of the node at `path`, if sorted.
pub(super) fn properties(path: &[&str]) -> Option<Table> {
    find(PROPERTIES, path)
}

/// A name's rank in a table: unknown names after the known ones.
pub(super) fn rank(table: Table, name: &str) -> usize {
    table
        .iter()
        .position(|names| names.contains(&name))
        .unwrap_or(table.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every name of a table is there once.
    #[test]
    fn tables_name_each_field_once() {
        for (path, table) in CHILDREN.iter().chain(PROPERTIES) {
            let mut names: Vec<_> = table.iter().flat_map(|r| r.iter()).collect();
            let count = names.len();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), count, "{path:?}");
        }
        assert!(children(&["pmo", "lints"]).is_none());
    }
}
