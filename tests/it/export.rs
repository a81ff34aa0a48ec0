//! `pmoc export` end to end: each format parsed back by a parser that is
//! not ours (the `csv` crate's reader, `icalendar`'s parser, `yaml-rust2`),
//! with the expected rows, events and entities; formula-like cells
//! neutralised; hostile names round-tripping; UIDs stable; the command's
//! exit codes; `--out` at streams, special files and private files; the
//! site carrying the same bytes; insta snapshots of each format on the
//! example. Backstage's own validator runs in
//! `tests/backstage.rs`.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Output};

use icalendar::Component;

use common::{copy_tree, pmoc, root, run};

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn acme() -> String {
    root().join("examples/acme").to_string_lossy().into_owned()
}

fn hostile() -> String {
    root()
        .join("tests/fixtures/export/hostile")
        .to_string_lossy()
        .into_owned()
}

/// `pmoc export FORMAT PROJECT` to stdout, which must succeed.
fn export(format: &str, project: &str) -> String {
    let o = run(&["export", format, project]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    stdout(&o)
}

/// `pmoc export csv PROJECT --out DIR`: each table's bytes by file name.
fn csv_tables(project: &str) -> BTreeMap<String, Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tables");
    let o = run(&["export", "csv", project, "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::read_dir(&out)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// A table read back with the `csv` crate: header and rows. The file must
/// start with a UTF-8 byte-order mark and end its lines with CRLF.
fn read_table(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("a UTF-8 byte-order mark");
    assert!(body.ends_with(b"\r\n"), "CRLF line endings");
    let mut reader = csv::Reader::from_reader(body);
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn catalog(project: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let o = run(&["build", project, "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_str(&std::fs::read_to_string(out.join("catalog.json")).unwrap()).unwrap()
}

fn column<'r>(header: &[String], row: &'r [String], name: &str) -> &'r str {
    let i = header.iter().position(|h| h == name).expect(name);
    &row[i]
}

/// The tables of `pmoc export --format csv`, by file name.
const TABLES: [&str; 12] = [
    "adoption.csv",
    "capacity.csv",
    "change-load.csv",
    "communications.csv",
    "customers.csv",
    "decisions.csv",
    "improvements.csv",
    "plans.csv",
    "services.csv",
    "sla-targets.csv",
    "trainings.csv",
    "triggers.csv",
];

/// The Backstage components carry what closing the loop judged: breach
/// allowances, adoption against its plan, improvements with their effect.
#[test]
fn backstage_components_carry_allowances_adoption_and_improvements() {
    let o = run(&["export", "backstage", &acme()]);
    assert_eq!(o.status.code(), Some(0));
    let yaml = String::from_utf8(o.stdout).unwrap();
    for line in [
        r#"pmoc/breach-allowances: "change-control-sla 3 of 2 used in 2026 (exhausted)""#,
        r#"pmoc/breach-allowances: "gate-review-sla 1 of 1 used in 2026 (burning)""#,
        r#"pmoc/adoption: "adoption-pct 6 in 2026-10 (behind-plan)""#,
        r#"pmoc/improvements: "tl-refresh (done, met)""#,
    ] {
        assert!(yaml.contains(line), "{line}");
    }
}

/// One row per improvement, its state and effect as the catalog has them.
#[test]
fn the_improvements_table_has_each_improvement_with_its_effect() {
    let tables = csv_tables(&acme());
    let (header, rows) = read_table(&tables["improvements.csv"]);
    assert_eq!(header[0], "improvement");
    let catalog = catalog(&acme());
    assert_eq!(
        rows.len(),
        catalog["improvements"].as_array().unwrap().len()
    );
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let met = rows.iter().find(|r| r[0] == "tl-refresh").unwrap();
    assert_eq!(met[col("effect")], "met");
    assert_eq!(met[col("observed")], "4.7");
    let late = rows.iter().find(|r| r[0] == "bt-simpler-capture").unwrap();
    assert_eq!(late[col("state")], "overdue");
}

#[test]
fn csv_tables_parse_back_with_the_expected_rows() {
    let tables = csv_tables(&acme());
    let names: Vec<&str> = tables.keys().map(String::as_str).collect();
    assert_eq!(names, TABLES);
    let catalog = catalog(&acme());
    let services = catalog["services"].as_array().unwrap();

    let (header, rows) = read_table(&tables["services.csv"]);
    assert_eq!(rows.len(), services.len());
    let risk_log = rows.iter().find(|r| r[0] == "risk-log").unwrap();
    assert_eq!(column(&header, risk_log, "name"), "Update the risk log");
    assert_eq!(column(&header, risk_log, "stage"), "operation");
    assert_eq!(column(&header, risk_log, "function"), "risk");
    assert_eq!(column(&header, risk_log, "page"), "/services/risk-log.html");
    let targets = column(&header, risk_log, "sla_targets");
    assert!(targets.contains("at least"), "{targets}");

    let targets: usize = services
        .iter()
        .flat_map(|s| s["slas"].as_array().unwrap())
        .map(|sla| sla["targets"].as_array().unwrap().len())
        .sum();
    let (header, rows) = read_table(&tables["sla-targets.csv"]);
    assert_eq!(rows.len(), targets);
    for row in &rows {
        column(&header, row, "threshold").parse::<f64>().unwrap();
        assert!(!column(&header, row, "review_by").is_empty());
    }

    let decisions: usize = services
        .iter()
        .map(|s| s["decisions"].as_array().unwrap().len())
        .sum();
    assert_eq!(read_table(&tables["decisions.csv"]).1.len(), decisions);
    let triggers = catalog["triggers"].as_array().unwrap().len();
    assert_eq!(read_table(&tables["triggers.csv"]).1.len(), triggers);
    let entitlements: usize = catalog["customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["entitlements"].as_array().unwrap().len().max(1))
        .sum();
    assert_eq!(read_table(&tables["customers.csv"]).1.len(), entitlements);

    // The onboarding plan: a row per communication and per training, with
    // the first phase start reaching the group.
    let rollouts = services.iter().filter_map(|s| s["rollout"].as_object());
    let count = |key: &str| -> usize {
        rollouts
            .clone()
            .map(|r| r[key].as_array().unwrap().len())
            .sum()
    };
    let (header, rows) = read_table(&tables["communications.csv"]);
    assert_eq!(rows.len(), count("communications"));
    let told = rows
        .iter()
        .find(|r| column(&header, r, "to") == "programme-managers" && r[0] == "estimating-support")
        .unwrap();
    assert_eq!(column(&header, told, "on"), "2027-02-15");
    assert_eq!(column(&header, told, "channel"), "Programme board pack");
    assert_eq!(column(&header, told, "first_phase_start"), "2027-03-01");
    let (header, rows) = read_table(&tables["trainings.csv"]);
    assert_eq!(rows.len(), count("trainings"));
    let trained = rows.iter().find(|r| r[0] == "skills-inventory").unwrap();
    assert_eq!(column(&header, trained, "groups"), "line-managers");
    assert_eq!(column(&header, trained, "by"), "2026-10-02");
    assert_eq!(column(&header, trained, "first_phase_start"), "2026-10-05");
}

/// The tables of looking ahead (language 1.1): the plans and the change
/// load, row for row as the catalog has them.
#[test]
fn the_plan_and_change_load_tables_match_the_catalog() {
    let tables = csv_tables(&acme());
    let catalog = catalog(&acme());
    let services = catalog["services"].as_array().unwrap();
    let plans: usize = services
        .iter()
        .map(|s| s["plans"].as_array().unwrap().len())
        .sum();
    let (header, rows) = read_table(&tables["plans.csv"]);
    assert_eq!(rows.len(), plans);
    let slipped: Vec<_> = rows
        .iter()
        .filter(|r| column(&header, r, "state") == "slipped")
        .collect();
    assert_eq!(slipped.len(), 1);
    assert_eq!(column(&header, slipped[0], "service"), "quantitative-risk");
    assert_eq!(column(&header, slipped[0], "stage"), "implementation");
    assert_eq!(column(&header, slipped[0], "by"), "2026-10-30");
    // Twelve months per group, with the catalog's counts.
    let customers = catalog["customers"].as_array().unwrap();
    let (header, rows) = read_table(&tables["change-load.csv"]);
    assert_eq!(rows.len(), customers.len() * 12);
    for (row, month) in rows.iter().zip(
        customers
            .iter()
            .flat_map(|c| c["change_load"].as_array().unwrap()),
    ) {
        assert_eq!(
            column(&header, row, "month"),
            month["month"].as_str().unwrap()
        );
        assert_eq!(
            column(&header, row, "services_changing"),
            month["count"].to_string()
        );
    }
}

#[test]
fn formula_like_cells_are_neutralised_and_hostile_names_round_trip() {
    let tables = csv_tables(&hostile());
    let (header, rows) = read_table(&tables["services.csv"]);
    // A comma, a quote and a newline come back whole.
    assert_eq!(column(&header, &rows[0], "name"), "Risk, \"log\"\nline 2");
    // A formula is text.
    assert_eq!(column(&header, &rows[1], "name"), "'=SUM(A1:A3)");
    let (header, rows) = read_table(&tables["customers.csv"]);
    assert_eq!(column(&header, &rows[0], "name"), "'-Customers, all");
    assert_eq!(column(&header, &rows[0], "size"), "3");
    // A group with no entitlement keeps its row.
    assert_eq!(column(&header, &rows[2], "customer"), "lonely");
    assert_eq!(column(&header, &rows[2], "service"), "");
    // Numbers stay numbers, negative ones included: bare in the file.
    let text = String::from_utf8(tables["sla-targets.csv"].clone()).unwrap();
    assert!(text.contains(",\"at least\",-20,-10,"), "{text}");
    let (header, rows) = read_table(&tables["sla-targets.csv"]);
    assert_eq!(column(&header, &rows[0], "threshold"), "-20");
    // Several values in one cell, and text quoted with `;` inside.
    let (header, rows) = read_table(&tables["decisions.csv"]);
    assert_eq!(column(&header, &rows[0], "rationale"), "Not yet; wait\\see");
    for bytes in tables.values() {
        let (_, rows) = read_table(bytes);
        for cell in rows.iter().flatten() {
            assert!(
                !cell.starts_with(['=', '+', '@', '\t', '\r'])
                    && (!cell.starts_with('-') || cell.parse::<f64>().is_ok()),
                "a cell a spreadsheet would run: {cell:?}"
            );
        }
    }
}

/// The calendar parsed by `icalendar`: (UID, start date, end date, summary)
/// of each event.
fn events(ics: &str) -> Vec<(String, String, String, String)> {
    let calendar: icalendar::Calendar = ics.parse().expect("icalendar parses the feed");
    calendar
        .components
        .iter()
        .filter_map(|c| match c {
            icalendar::CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .map(|e| {
            let date = |d: Option<icalendar::DatePerhapsTime>| match d {
                Some(icalendar::DatePerhapsTime::Date(d)) => d.to_string(),
                other => panic!("an all-day event: {other:?}"),
            };
            (
                e.get_uid().unwrap().to_string(),
                date(e.get_start()),
                date(e.get_end()),
                e.get_summary().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_calendar_parses_back_with_the_expected_events() {
    let ics = export("ics", &acme());
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "a line over 75 octets: {line:?}");
        assert!(!line.contains('\n'), "a bare LF: {line:?}");
    }
    let events = events(&ics);
    let uids: BTreeSet<&str> = events.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(uids.len(), events.len(), "every UID once");

    let catalog = catalog(&acme());
    let mut expected = 0;
    for svc in catalog["services"].as_array().unwrap() {
        for sla in svc["slas"].as_array().unwrap() {
            expected += 1 + usize::from(sla["ends"].is_string());
        }
        for d in svc["decisions"].as_array().unwrap() {
            expected += 1 + usize::from(d["outcome"] == "hold");
        }
        expected += svc["plans"].as_array().unwrap().len();
        expected += ["pilot", "rollout", "transform", "retirement"]
            .iter()
            .map(|block| match (*block, &svc[block]) {
                (_, serde_json::Value::Null) => 0,
                ("pilot", _) => 2,
                ("rollout", r) => {
                    r["phases"].as_array().unwrap().len()
                        + usize::from(r["adoption_target"]["by"].is_string())
                        + r["communications"].as_array().unwrap().len()
                        + r["trainings"].as_array().unwrap().len()
                }
                _ => 1,
            })
            .sum::<usize>();
    }
    // Each improvement's due date, with its service's events.
    expected += catalog["improvements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["due"].is_string())
        .count();
    assert_eq!(events.len(), expected);

    let review = events
        .iter()
        .find(|e| e.0 == "sla-review-by.risk-log-sla@acme-pmo.pmoc")
        .expect("the risk log SLA's review");
    assert_eq!(
        (review.1.as_str(), review.2.as_str()),
        ("2027-06-30", "2027-07-01")
    );
    assert!(review.3.contains("Update the risk log"), "{}", review.3);
    let slipped = events
        .iter()
        .find(|e| e.0 == "plan.quantitative-risk.implementation@acme-pmo.pmoc")
        .expect("the slipped plan");
    assert_eq!(slipped.1, "2026-10-30");
    assert!(
        slipped.3.ends_with("reaches implementation (slipped)"),
        "{}",
        slipped.3
    );
}

/// A rollout with two communications to one group on one day, and one
/// training of each of two groups.
const ONBOARDING: &str = r#"
person "ann" name="Ann"
customer "pms" name="PMs"
customer "others" name="Others"
objective "obj" title="Objective"
function "fn" { name "Fn"; levels "project" }
service "svc" {
    name "Svc"
    function "fn"
    description "D"
    stage "design"
    owner "ann"
    objectives "obj"
    offer "pms" "others" level="additional"
    rollout {
        phase "All" start="2027-06-01" groups="pms"
        phase "Rest" start="2027-07-01" groups="others"
        communicate "Coming in June" to="pms" on="2027-05-01"
        communicate "A reminder" to="pms" on="2027-05-01" channel="Email"
        communicate "For the others" to="others" on="2027-06-01"
        train "Demo" groups="pms" by="2027-05-15"
        train "Demo" groups="others" by="2027-06-15"
    }
}
"#;

/// Communications and trainings have UIDs of their service, group and
/// date (`.2` for a second with the same key); a customer group's feed
/// holds the events touching it and no other.
#[test]
fn onboarding_events_have_uids_of_their_group_and_date() {
    let acme_events = events(&export("ics", &acme()));
    let find = |uid: &str| {
        acme_events
            .iter()
            .find(|e| e.0 == format!("{uid}@acme-pmo.pmoc"))
            .unwrap_or_else(|| panic!("{uid}"))
    };
    let told = find("communicate.estimating-support.programme-managers.2027-02-15");
    assert_eq!(
        (told.1.as_str(), told.2.as_str()),
        ("2027-02-15", "2027-02-16")
    );
    assert!(
        told.3.starts_with("Tell programme-managers: "),
        "{}",
        told.3
    );
    let trained = find("train.skills-inventory.line-managers.2026-10-02");
    assert!(
        trained.3.starts_with("Train line-managers by: "),
        "{}",
        trained.3
    );

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pmo.kdl"),
        r#"pmo "p" { name "P"; mandate "M"; sponsor "ann"; as-of "2026-12-01" }"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("main.kdl"), ONBOARDING).unwrap();
    let project = dir.path().to_str().unwrap();
    let uids: BTreeSet<String> = events(&export("ics", project))
        .into_iter()
        .map(|e| e.0)
        .collect();
    for uid in [
        "communicate.svc.pms.2027-05-01@p.pmoc",
        "communicate.svc.pms.2027-05-01.2@p.pmoc",
        "train.svc.pms.2027-05-15@p.pmoc",
        "train.svc.others.2027-06-15@p.pmoc",
    ] {
        assert!(uids.contains(uid), "{uid} in {uids:?}");
    }
    // The site carries a feed per group: only the events touching it.
    let site = dir.path().join("site");
    let o = run(&["build", project, "--out", site.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let feed = std::fs::read_to_string(site.join("export/calendars/pms.ics")).unwrap();
    let uids: BTreeSet<String> = events(&feed).into_iter().map(|e| e.0).collect();
    assert_eq!(
        uids.iter().map(String::as_str).collect::<Vec<_>>(),
        [
            "communicate.svc.pms.2027-05-01.2@p.pmoc",
            "communicate.svc.pms.2027-05-01@p.pmoc",
            "rollout-phase.svc.All@p.pmoc",
            "train.svc.pms.2027-05-15@p.pmoc",
        ]
    );
    assert!(feed.contains("X-WR-CALNAME:P: PMs\r\n"), "{feed}");
}

#[test]
fn calendar_text_is_escaped_and_phases_are_spans() {
    let events = events(&export("ics", &hostile()));
    let phase = events
        .iter()
        .find(|e| e.0 == "rollout-phase.s-.Wave%201%2C%20north@p-.pmoc")
        .unwrap();
    // From the first day to the day after the last: all of December.
    assert_eq!(
        (phase.1.as_str(), phase.2.as_str()),
        ("2026-12-01", "2027-01-01")
    );
    let revisit = events
        .iter()
        .find(|e| e.0.starts_with("decision-revisit.s-.g-.2026-10-01@"))
        .expect("the hold's revisit date");
    assert_eq!(revisit.1, "2026-12-15");
    let ics = export("ics", &hostile());
    assert!(
        ics.contains("SUMMARY:Gate Go\\, live\\; now (g-): hold for Risk\\, \"log\"\\nline 2\r\n")
    );
    assert!(ics.contains("URL:https://pmo.example.org/catalogue/services/s-.html\r\n"));
}

#[test]
fn uids_are_stable_across_builds_and_edits() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(Path::new(&hostile()), dir.path());
    let project = dir.path().to_str().unwrap();
    let first = export("ics", project);
    assert_eq!(first, export("ics", project), "two exports are identical");
    let before: BTreeMap<String, String> = events(&first).into_iter().map(|e| (e.0, e.1)).collect();
    // A service and a decision written before the others, a date moved:
    // the other events keep their UIDs, the moved one keeps its UID too.
    let main = dir.path().join("main.kdl");
    let text = std::fs::read_to_string(&main).unwrap();
    let text = text
        .replace("review-by \"2027-01-31\"", "review-by \"2027-02-28\"")
        .replace(
            "    decision \"g-\" outcome=\"hold\"",
            "    decision \"g-\" outcome=\"go\" date=\"2026-09-01\" by=\"t-\" { rationale \"R\"; }\n    decision \"g-\" outcome=\"hold\"",
        );
    let text = format!(
        "service \"a0\" {{ name \"A\"; function \"f-\"; description \"d\"; stage \"strategy\"; offer \"c-\" level=\"additional\"; objectives \"o\"; }}\n{text}"
    );
    std::fs::write(&main, text).unwrap();
    let after: BTreeMap<String, String> = events(&export("ics", project))
        .into_iter()
        .map(|e| (e.0, e.1))
        .collect();
    for (uid, date) in &before {
        let now = after.get(uid).unwrap_or_else(|| panic!("{uid} is gone"));
        if uid.starts_with("sla-review-by.") {
            assert_eq!(now, "2027-02-28");
        } else {
            assert_eq!(now, date, "{uid}");
        }
    }
    assert_eq!(
        after.len(),
        before.len() + 1,
        "one event more: the new decision"
    );
}

#[test]
fn the_backstage_file_parses_back_and_no_name_injects_yaml() {
    let text = export("backstage", &hostile());
    let docs = yaml_rust2::YamlLoader::load_from_str(&text).expect("valid YAML");
    assert_eq!(docs.len(), 8);
    let by_kind_name = |kind: &str, name: &str| {
        docs.iter()
            .find(|d| {
                d["kind"].as_str() == Some(kind) && d["metadata"]["name"].as_str() == Some(name)
            })
            .unwrap_or_else(|| panic!("{kind} {name}"))
            .clone()
    };
    let domain = by_kind_name("Domain", "p.1");
    assert_eq!(
        domain["metadata"]["title"].as_str(),
        Some("PMO: \"all\" # of it")
    );
    assert_eq!(domain["spec"]["owner"].as_str(), Some("user:bos_s"));
    let system = by_kind_name("System", "f.1");
    assert_eq!(
        system["metadata"]["description"].as_str(),
        Some("--- \n... \n%YAML 1.2")
    );
    assert_eq!(
        system["spec"]["owner"].as_str(),
        Some("group:t.1"),
        "the function's lead"
    );
    let component = by_kind_name("Component", "s.1");
    assert_eq!(
        component["metadata"]["title"].as_str(),
        Some("Risk, \"log\"\nline 2")
    );
    assert_eq!(component["spec"]["lifecycle"].as_str(), Some("production"));
    assert_eq!(component["spec"]["owner"].as_str(), Some("user:x.1"));
    assert_eq!(component["spec"]["system"].as_str(), Some("system:f.1"));
    assert_eq!(
        component["spec"]["dependsOn"][0].as_str(),
        Some("component:s_2")
    );
    assert_eq!(
        component["metadata"]["links"][0]["url"].as_str(),
        Some("https://pmo.example.org/catalogue/services/s-.html")
    );
    // No owner: the function's lead.
    let strategy = by_kind_name("Component", "s_2");
    assert_eq!(strategy["spec"]["owner"].as_str(), Some("group:t.1"));
    assert_eq!(strategy["spec"]["lifecycle"].as_str(), Some("experimental"));
    let user = by_kind_name("User", "x.1");
    assert_eq!(user["metadata"]["title"].as_str(), Some("X \u{2028} Y"));
    assert_eq!(
        user["metadata"]["description"].as_str(),
        Some("!tag [a] {b}")
    );
    assert_eq!(user["spec"]["memberOf"][0].as_str(), Some("group:t.1"));
    let boss = by_kind_name("User", "bos_s");
    assert_eq!(
        boss["metadata"]["title"].as_str(),
        Some("=Boss, \"the\"\nBig")
    );
    assert_eq!(
        boss["metadata"]["description"].as_str(),
        Some("@Head: of &all *things")
    );
}

#[test]
fn the_example_exports_every_entity_and_links_only_with_an_absolute_base() {
    let text = export("backstage", &acme());
    let docs = yaml_rust2::YamlLoader::load_from_str(&text).expect("valid YAML");
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for d in &docs {
        *kinds.entry(d["kind"].as_str().unwrap().into()).or_default() += 1;
        // Base-url `/` is no address: no link to a page of the site, only
        // the card's own links (absolute by the language).
        for l in d["metadata"]["links"].as_vec().into_iter().flatten() {
            let url = l["url"].as_str().unwrap();
            assert!(
                url.starts_with("https://") || url.starts_with("mailto:"),
                "{url}"
            );
            assert!(!l["title"].as_str().unwrap_or("").ends_with(" page"));
        }
    }
    let catalog = catalog(&acme());
    let count = |list: &str| catalog[list].as_array().unwrap().len();
    let expected = BTreeMap::from([
        ("Component".to_string(), count("services")),
        ("Domain".to_string(), 1),
        ("Group".to_string(), count("teams")),
        ("System".to_string(), count("functions")),
        ("User".to_string(), count("persons")),
    ]);
    assert_eq!(kinds, expected);
}

#[test]
fn the_command_checks_first_and_refuses_what_it_cannot_do() {
    let dir = tempfile::tempdir().unwrap();
    // csv needs a folder.
    let o = run(&["export", "csv", &acme()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--out"), "{}", stderr(&o));
    // Refused before compiling: no warning of the project is printed.
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    // A project with errors: exit 1, nothing written.
    let out = dir.path().join("broken.ics");
    let broken = root().join("examples/broken");
    let o = run(&[
        "export",
        "ics",
        broken.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).is_empty());
    assert!(!out.exists(), "nothing written");
    let tables = dir.path().join("tables");
    let o = run(&[
        "export",
        "csv",
        broken.to_str().unwrap(),
        "--out",
        tables.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!tables.exists(), "nothing written");
    // A file for csv, a folder for ics: exit 2, untouched.
    let file = dir.path().join("file.txt");
    std::fs::write(&file, "precious").unwrap();
    let o = run(&["export", "csv", &acme(), "--out", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "precious");
    let o = run(&[
        "export",
        "ics",
        &acme(),
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    // --out writes what stdout shows.
    let ics = dir.path().join("feed.ics");
    let o = run(&["export", "ics", &acme(), "--out", ics.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    assert_eq!(
        std::fs::read_to_string(&ics).unwrap(),
        export("ics", &acme())
    );
}

#[test]
fn the_site_carries_the_same_exports() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let o = run(&["build", &acme(), "--out", site.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let export_dir = site.join("export");
    for (name, bytes) in csv_tables(&acme()) {
        assert_eq!(
            std::fs::read(export_dir.join(&name)).unwrap(),
            bytes,
            "{name}"
        );
    }
    let read = |name: &str| std::fs::read_to_string(export_dir.join(name)).unwrap();
    assert_eq!(read("catalog-info.yaml"), export("backstage", &acme()));
    assert_eq!(read("calendar.ics"), export("ics", &acme()));
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    // In the page's main content, under a heading of their own.
    let main = &index[index.find("<main").expect("a main element")..];
    assert!(main.contains("<h2 id=\"exports\">"), "{index}");
    let index = main;
    for link in [
        "export/services.csv",
        "export/sla-targets.csv",
        "export/decisions.csv",
        "export/triggers.csv",
        "export/customers.csv",
        "export/capacity.csv",
        "export/change-load.csv",
        "export/catalog-info.yaml",
        "export/calendar.ics",
    ] {
        assert!(
            index.contains(&format!("href=\"{link}\"")),
            "index links {link}"
        );
    }
    let lifecycle = std::fs::read_to_string(site.join("lifecycle.html")).unwrap();
    assert!(lifecycle.contains("href=\"export/services.csv\""));
    let gate = std::fs::read_to_string(site.join("gates/g3-go-live.html")).unwrap();
    assert!(gate.contains("href=\"../export/decisions.csv\""));
}

#[test]
fn snapshots_of_each_format_on_the_example() {
    let tables = csv_tables(&acme());
    for (name, bytes) in &tables {
        let text = String::from_utf8(bytes.clone()).unwrap();
        insta::assert_snapshot!(format!("csv_{name}"), text);
    }
    insta::assert_snapshot!("backstage", export("backstage", &acme()));
    insta::assert_snapshot!("ics", export("ics", &acme()));
}

/// `--out` at a FIFO, a character device or a link to standard output is
/// written as a stream, the node kept; an existing file keeps its mode;
/// a folder, a socket and a link to nothing are refused (exit 2).
#[cfg(unix)]
#[test]
fn out_writes_into_files_and_streams_and_refuses_the_rest() {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    let expected = export("ics", &acme());
    let run = |out: &Path| run(&["export", "ics", &acme(), "--out", out.to_str().unwrap()]);
    let kind = |p: &Path| std::fs::symlink_metadata(p).unwrap().file_type();

    // A FIFO: a reader gets the feed; the FIFO stays.
    let fifo = dir.path().join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        let o = run(&fifo);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(reader.join().unwrap(), expected);
        assert!(kind(&fifo).is_fifo());
    }
    // A character device of our own (root only): /dev/null's twin.
    let null = dir.path().join("null");
    let made = Command::new("mknod")
        .arg(&null)
        .args(["c", "1", "3"])
        .status();
    if made.is_ok_and(|s| s.success()) {
        let o = run(&null);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(kind(&null).is_char_device());
    }
    // A link to standard output: the feed goes there, the link stays.
    let link = dir.path().join("stdout");
    std::os::unix::fs::symlink("/proc/self/fd/1", &link).unwrap();
    let o = run(&link);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // (After the findings, which `check`'s report prints there too.)
    assert!(stdout(&o).ends_with(&expected), "{}", stdout(&o));
    assert!(kind(&link).is_symlink());

    // An existing private file stays private.
    let private = dir.path().join("private.ics");
    std::fs::write(&private, "old").unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
    let o = run(&private);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&private).unwrap(), expected);
    let mode = std::fs::metadata(&private).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);

    // Refused: a socket, a link to nothing, a folder.
    let socket = dir.path().join("socket");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let dangling = dir.path().join("dangling");
    std::os::unix::fs::symlink(dir.path().join("nothing"), &dangling).unwrap();
    for (out, what) in [
        (&socket, "a socket"),
        (&dangling, "a link to nothing"),
        (&dir.path().to_path_buf(), "a folder"),
    ] {
        let o = run(out);
        assert_eq!(o.status.code(), Some(2), "{what}");
        assert!(
            stderr(&o).contains(&format!("it is {what};")),
            "{}",
            stderr(&o)
        );
    }
    assert!(kind(&socket).is_socket());
    assert!(!dir.path().join("nothing").exists());
}

/// `--out` at the file that standard output is appended to: the export is
/// appended there (as a stream), not renamed over what was there.
#[cfg(unix)]
#[test]
fn out_at_standard_output_appends_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    std::fs::write(&log, "before\n").unwrap();
    let append = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    let o = pmoc()
        .args(["export", "ics", &acme(), "--out", "/dev/stdout"])
        .stdout(append)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.starts_with("before\n"), "{text}");
    assert!(text.ends_with(&export("ics", &acme())), "{text}");
}
