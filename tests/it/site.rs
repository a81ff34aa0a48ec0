//! `pmoc build`: the catalog against its schema, every page the language
//! names, every link resolving, user strings escaped, ids kept inside the
//! output folder, byte-identical rebuilds, and a failed build leaving the
//! previous site whole.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;

use common::run;

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn acme() -> PathBuf {
    common::example("acme")
}

/// Builds a project into a fresh folder and returns it.
fn build(project: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let o = run(&[
        "build",
        project.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    (dir, out)
}

/// Every file below a folder: relative path → bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn the_catalog_schema_is_in_step_with_the_code() {
    let o = run(&["schema"]);
    let committed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/catalog.schema.json"),
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        committed,
        "run `pmoc schema > schemas/catalog.schema.json`"
    );
}

#[test]
fn the_catalog_is_valid_against_its_schema() {
    let (_dir, out) = build(&acme());
    let catalog: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("catalog.json")).unwrap()).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../schemas/catalog.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&catalog)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(catalog["schema_version"], "1.1");
    // every list of entities is sorted by id
    for list in [
        "persons",
        "teams",
        "customers",
        "objectives",
        "metrics",
        "functions",
        "services",
        "gates",
        "triggers",
    ] {
        let ids: Vec<&str> = catalog[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap())
            .collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted, "{list}");
    }
    // references both ways
    let risk = catalog["functions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "risk")
        .unwrap();
    assert!(
        risk["services"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "risk-log")
    );
    let pms = catalog["customers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "project-managers")
        .unwrap();
    assert!(
        pms["entitlements"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["service"] == "risk-log" && e["level"] == "mandated")
    );
    // and the validator does reject a wrong catalog
    let mut broken = catalog.clone();
    broken["services"][0]["stage"] = serde_json::json!("sideways");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn every_page_the_language_names_exists_and_every_link_resolves() {
    let (_dir, out) = build(&acme());
    let site = files(&out);
    let catalog: serde_json::Value = serde_json::from_slice(&site["catalog.json"]).unwrap();
    let expected = pages_the_language_names(&catalog);
    for page in &expected {
        assert!(site.contains_key(page), "missing {page}");
    }
    assert!(
        expected.len() > 60,
        "the example has {} pages",
        expected.len()
    );
    let (checked, broken) = broken_links(&site);
    assert!(checked > 1000, "only {checked} links checked");
    assert!(
        broken.is_empty(),
        "{} broken links:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

/// The pages section 7 of the language names, for a catalog.
fn pages_the_language_names(catalog: &serde_json::Value) -> Vec<String> {
    let mut expected: Vec<String> = [
        "index.html",
        "objectives.html",
        "slas.html",
        "lifecycle.html",
        "triggers.html",
        "health.html",
        "roadmap.html",
        "capacity.html",
        "change-load.html",
        "improvements.html",
        "catalog.json",
        "search-index.js",
    ]
    .map(String::from)
    .to_vec();
    for (list, folder) in [
        ("functions", "functions"),
        ("services", "services"),
        ("gates", "gates"),
        ("customers", "customers"),
        ("improvements", "improvements"),
    ] {
        for e in catalog[list].as_array().unwrap() {
            expected.push(format!("{folder}/{}.html", e["id"].as_str().unwrap()));
        }
    }
    expected
}

/// Every link and source of every page, resolved inside the site: how many
/// were checked, and those that lead nowhere (or to a missing anchor).
fn broken_links(site: &BTreeMap<String, Vec<u8>>) -> (usize, Vec<String>) {
    let ids: BTreeMap<&str, BTreeSet<String>> = site
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, bytes)| {
            (
                p.as_str(),
                attributes(&String::from_utf8_lossy(bytes), "id")
                    .into_iter()
                    .collect(),
            )
        })
        .collect();
    let mut broken = Vec::new();
    let mut checked = 0;
    for (page, bytes) in site.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        for link in attributes(&html, "href")
            .into_iter()
            .chain(attributes(&html, "src"))
        {
            if link.starts_with("mailto:") || (page == "404.html" && link.starts_with('/')) {
                continue;
            }
            // A service's `link` is a way out a reader follows, not a
            // request the page makes: an anchor to an http(s) address.
            let escaped = link.replace('&', "&amp;");
            if (link.starts_with("https://") || link.starts_with("http://"))
                && html.contains(&format!("<a href=\"{escaped}\">"))
            {
                continue;
            }
            assert!(
                !link.contains("://") && !link.starts_with("//"),
                "{page} requests {link}: nothing may leave the page"
            );
            checked += 1;
            let (target, fragment) = link.split_once('#').unwrap_or((&link, ""));
            let resolved = if target.is_empty() {
                page.clone()
            } else {
                resolve(page, target)
            };
            if !site.contains_key(&resolved) {
                broken.push(format!("{page}: {link}"));
            } else if !fragment.is_empty()
                && !ids
                    .get(resolved.as_str())
                    .is_some_and(|s| s.contains(fragment))
            {
                broken.push(format!("{page}: {link} (no id `{fragment}`)"));
            }
        }
    }
    (checked, broken)
}

/// The values of an attribute in a page, entities decoded.
fn attributes(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            let value = &rest[..rest.find('"').unwrap()];
            value.replace("&#x2f;", "/").replace("&amp;", "&")
        })
        .collect()
}

/// A relative link from a page, as a path from the site's top.
fn resolve(page: &str, link: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for part in link.split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            p => parts.push(p),
        }
    }
    parts.join("/")
}

const MANIFEST: &str = "pmo \"p\" { name \"P\"; mandate \"M\"; sponsor \"ann\"; as-of \"2026-11-01\" }\nperson \"ann\" name=\"Ann\"\nfunction \"f\" { name \"F\"; levels \"project\" }\ncustomer \"pm\" name=\"PM\"\nobjective \"o\" title=\"O\"\n";

#[test]
fn user_strings_are_escaped() {
    let dir = common::project_of(&[
        ("pmo.kdl", MANIFEST),
        (
            "s.kdl",
            "service \"x\" {\n    name \"<script>alert(1)</script>\"\n    function \"f\"\n    description \"Raw <b onclick=\\\"evil()\\\">html</b> and <img src=x onerror=alert(2)>\\n\\n<iframe src=\\\"https://example.com\\\"></iframe>\"\n    stage \"strategy\"\n    plan \"design\" by=\"2027-01-04\"\n    objectives \"o\"\n    offer \"pm\" level=\"mandated\"\n}\n",
        ),
    ]);
    let (_tmp, out) = build(dir.path());
    let roadmap = std::fs::read_to_string(out.join("roadmap.html")).unwrap();
    assert!(
        roadmap.contains(
            r#"<text class="name" x="12" y="66">&lt;script&gt;alert(1)&lt;/script&gt;</text>"#
        ),
        "the timeline shows the name, escaped"
    );
    for (path, bytes) in files(&out) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for bad in ["<script>alert", "<b onclick", "<img src=x", "<iframe"] {
            assert!(!html.contains(bad), "{path} contains {bad}");
        }
    }
    let page = std::fs::read_to_string(out.join("services/x.html")).unwrap();
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
        "the name is shown, escaped"
    );
    let index = std::fs::read_to_string(out.join("search-index.js")).unwrap();
    assert!(
        !index.contains("</script>"),
        "the search index cannot close a script"
    );
}

/// The roadmap: under *Plan*, with the Plan pages' sub-navigation; the
/// objectives by priority; the plans not reached on the timeline, the
/// slipped one a diamond (shape as well as colour) and labelled so.
#[test]
fn the_roadmap_lists_objectives_by_priority_and_marks_the_slipped_plan() {
    let (_tmp, out) = build(&acme());
    let html = std::fs::read_to_string(out.join("roadmap.html")).unwrap();
    assert!(html.contains(r#"<li><a href="roadmap.html" aria-current="page">Plan</a></li>"#));
    assert!(html.contains(r#"<nav class="sub-nav" aria-label="Plan">"#));
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("no {s}"));
    assert!(at("Priority 1: ") < at("Priority 2: "));
    assert!(at("Priority 4: ") < at("Priority 5: "));
    let svg = &html[at(r#"<svg class="roadmap""#)..];
    let svg = &svg[..svg.find("</svg>").unwrap()];
    let slipped: Vec<&str> = svg
        .match_indices(r#"<g class="plan slipped"#)
        .map(|(i, _)| &svg[i..i + 300])
        .collect();
    assert_eq!(slipped.len(), 1, "{svg}");
    assert!(
        slipped[0].contains("<rect") && slipped[0].contains("implementation 2026-10-30, slipped")
    );
    assert!(svg.contains(r#"<g class="plan ahead stage-operation"><circle"#));
    // A plan already reached is history: in the tables, not on the timeline.
    assert!(!svg.contains("2026-09-01"));
    assert!(html.contains("by 2026-09-01"));
    assert!(html.contains(r#"<span aria-hidden="true">◆ </span>slipped"#));
}

#[test]
fn an_id_cannot_write_outside_the_output_folder() {
    let dir = common::project_of(&[
        ("pmo.kdl", MANIFEST),
        (
            "s.kdl",
            "service \"../../escape\" {\n    name \"E\"\n    function \"f\"\n    description \"D\"\n    stage \"strategy\"\n    objectives \"o\"\n    offer \"pm\" level=\"mandated\"\n}\n",
        ),
    ]);
    let out = dir.path().join("out/site");
    let o = run(&[
        "build",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("invalid-id"));
    assert!(!out.exists(), "nothing written");
    assert!(
        !dir.path().join("escape.html").exists() && !dir.path().join("out/escape.html").exists()
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let (_a, first) = build(&acme());
    let (_b, second) = build(&acme());
    assert_eq!(files(&first), files(&second));
}

#[test]
fn a_failed_build_leaves_the_last_good_site() {
    let dir = common::project_of(&[
        ("pmo.kdl", MANIFEST),
        (
            "s.kdl",
            "service \"x\" {\n    name \"X\"\n    function \"f\"\n    description \"D\"\n    stage \"strategy\"\n    objectives \"o\"\n    offer \"pm\" level=\"mandated\"\n}\n",
        ),
    ]);
    let out = dir.path().join("site");
    let (_tmp, _) = build(dir.path());
    let o = run(&["build", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before = files(&out);
    assert!(before.contains_key("services/x.html"));
    std::fs::write(dir.path().join("s.kdl"), "service \"x\" {\n    name \"X\n").unwrap();
    let o = run(&["build", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(files(&out), before, "the good site is untouched");
    let strays: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().contains(".site."))
        .collect();
    assert!(strays.is_empty(), "no temporary folders left: {strays:?}");
}

#[test]
fn a_theme_folder_overrides_templates_and_assets() {
    let dir = common::project_of(&[
        ("pmo.kdl", MANIFEST),
        (
            "s.kdl",
            "service \"x\" {\n    name \"X\"\n    function \"f\"\n    description \"D\"\n    stage \"strategy\"\n    objectives \"o\"\n    offer \"pm\" level=\"mandated\"\n}\n",
        ),
        ("theme/assets/style.css", "body { color: rebeccapurple }"),
        (
            "theme/objectives.html",
            "{% extends \"base.html\" %}{% block main %}<h1>Our goals</h1>{% endblock %}",
        ),
    ]);
    let (_tmp, out) = build(dir.path());
    assert_eq!(
        std::fs::read_to_string(out.join("assets/style.css")).unwrap(),
        "body { color: rebeccapurple }"
    );
    assert!(
        std::fs::read_to_string(out.join("objectives.html"))
            .unwrap()
            .contains("<h1>Our goals</h1>")
    );
}

#[test]
fn pages_have_one_h1_landmarks_and_no_outside_requests() {
    let (_dir, out) = build(&acme());
    for (path, bytes) in files(&out) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        assert_eq!(html.matches("<h1").count(), 1, "{path}: one h1");
        for landmark in [
            "<main",
            "<nav class=\"main-nav\" aria-label=",
            "<header",
            "<footer",
            "lang=\"en\"",
        ] {
            assert!(html.contains(landmark), "{path}: {landmark}");
        }
    }
}

/// Watch mode reuses unchanged pages: after an edit, a render with the memo
/// of the previous one gives exactly the files a fresh render gives.
#[test]
fn incremental_rendering_matches_a_full_render() {
    use pmoc::compile::{Cache, Options, compile_root};
    use pmoc::engine::Memo;

    let dir = tempfile::tempdir().unwrap();
    for entry in walkdir::WalkDir::new(acme()) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(acme()).unwrap();
        if rel.starts_with("site") {
            continue;
        }
        let target = dir.path().join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut cache = Cache::default();
    let mut memo = Memo::default();
    let compiled = compile_root(root.clone(), &Options::default(), &mut cache).unwrap();
    pmoc::engine::render(&compiled, &mut memo, None).unwrap();

    let file = root.join("services/risk.kdl");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replacen("Update the risk log", "Keep the risk log", 1),
    )
    .unwrap();
    let compiled = compile_root(root.clone(), &Options::default(), &mut cache).unwrap();
    assert_eq!(cache.parsed, 1, "only the edited file is parsed again");
    let incremental = pmoc::engine::render(&compiled, &mut memo, None).unwrap();
    assert!(
        memo.site.reused > 20,
        "unchanged pages are reused ({} were)",
        memo.site.reused
    );
    // The catalogue builds again only the entries of the edited file's
    // services (their file was parsed again).
    let in_file = text.matches("\nservice ").count() + usize::from(text.starts_with("service "));
    assert_eq!(
        memo.catalog.reused,
        compiled.model.services.len() - in_file,
        "the other services' entries are reused"
    );
    let fresh = pmoc::engine::render(&compiled, &mut Memo::default(), None).unwrap();
    assert_eq!(incremental, fresh);
    let renamed = incremental
        .iter()
        .filter(|f| String::from_utf8_lossy(&f.bytes).contains("Keep the risk log"))
        .count();
    assert!(
        renamed > 5,
        "pages linking to the service show its new name ({renamed})"
    );

    // New observations: `low-adoption` no longer fires for meeting-booking.
    // That is held by the trigger's entry, not the service's, yet the
    // service page shows it.
    let csv = root.join("metrics/2026-monthly.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut raised = text.clone();
    for month in ["08", "09", "10"] {
        let row = format!("2026-{month},meeting-booking,adoption-pct,");
        let at = raised.find(&row).unwrap() + row.len();
        let end = at + raised[at..].find(',').unwrap();
        raised.replace_range(at..end, "64");
    }
    std::fs::write(&csv, raised).unwrap();
    let text_of = |files: &[pmoc::emit::site::OutFile], path: &str| {
        let page = files.iter().find(|f| f.path == path).unwrap();
        String::from_utf8_lossy(&page.bytes).into_owned()
    };
    let page = "services/meeting-booking.html";
    assert!(
        text_of(&incremental, page)
            .contains(r#"state-fired">fired</span> <a href="../triggers.html#low-adoption""#)
    );
    let compiled = compile_root(root.clone(), &Options::default(), &mut cache).unwrap();
    let incremental = pmoc::engine::render(&compiled, &mut memo, None).unwrap();
    assert!(memo.site.reused > 20, "{} pages reused", memo.site.reused);
    let fresh = pmoc::engine::render(&compiled, &mut Memo::default(), None).unwrap();
    assert_eq!(incremental, fresh);
    assert!(
        text_of(&incremental, page)
            .contains(r#"state-fine">fine</span> <a href="../triggers.html#low-adoption""#)
    );
}

/// The charts of a page: each `chart-{sla}-{i}` id with its number of
/// periods (marks and columns without data) and how many were breached.
fn charts(html: &str) -> BTreeMap<String, (usize, usize)> {
    let mut found = BTreeMap::new();
    for (at, _) in html.match_indices(r#"<svg class="attainment""#) {
        let svg = &html[at..at + html[at..].find("</svg>").unwrap()];
        let id = &attributes(svg, "aria-labelledby")[0];
        let periods = svg.matches(r#"<g class="mark "#).count()
            + svg.matches(r#"<rect class="no-data""#).count();
        let breached = svg.matches(r#"<g class="mark breached""#).count();
        found.insert(
            id.trim_end_matches("-title").to_string(),
            (periods, breached),
        );
    }
    found
}

/// The catalog of a built site.
fn catalog_of(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("catalog.json")).unwrap()).unwrap()
}

/// The health page charts every SLA target in force that has a judged
/// period, each over all its periods; its watch list names what fired,
/// from the catalog's evaluations; a service without observations is said
/// to have none.
#[test]
fn the_health_page_charts_each_target_in_force_and_lists_what_fired() {
    let (_dir, out) = build(&acme());
    let catalog = catalog_of(&out);
    let mut expected = BTreeMap::new();
    let counted = |s: &&serde_json::Value| s["stage"] == "operation" || s["stage"] == "transform";
    for s in catalog["services"]
        .as_array()
        .unwrap()
        .iter()
        .filter(counted)
    {
        for sla in s["slas"].as_array().unwrap() {
            for (i, t) in sla["targets"].as_array().unwrap().iter().enumerate() {
                let periods = t["attainment"].as_array().unwrap();
                let breached = periods.iter().filter(|p| p["state"] == "breached").count();
                if !periods.is_empty() && sla["ended"] == false {
                    let id = format!("chart-{}-{i}", sla["id"].as_str().unwrap());
                    expected.insert(id, (periods.len(), breached));
                }
            }
        }
    }
    let health = std::fs::read_to_string(out.join("health.html")).unwrap();
    assert_eq!(charts(&health), expected);
    assert!(expected.len() > 25, "{} charts", expected.len());
    assert_eq!(expected["chart-change-control-sla-0"], (12, 3));
    assert!(!health.contains("not yet available"));

    // The watch list: each trigger fired for a service, and only those.
    let watch = &health[health.find(r#"<ul class="watch">"#).unwrap()..];
    let watch = &watch[..watch.find("</ul>").unwrap()];
    let mut fired = Vec::new();
    for t in catalog["triggers"].as_array().unwrap() {
        for e in t["evaluation"].as_array().into_iter().flatten() {
            if e["state"] == "fired" {
                fired.push((t["id"].as_str().unwrap(), e["service"].as_str().unwrap()));
            }
        }
    }
    assert_eq!(fired.len(), 6, "{fired:?}");
    assert_eq!(watch.matches("<li>").count(), fired.len());
    for (trigger, service) in fired {
        assert!(
            watch.contains(&format!(r#"href="services/{service}.html""#))
                && watch.contains(&format!(r##"href="triggers.html#{trigger}""##)),
            "{trigger} for {service}"
        );
    }
    let unobserved = &health[health.find(r#"id="unobserved""#).unwrap()..];
    assert!(unobserved.contains(r#"href="services/risk-workshops.html""#));
}

/// The change-load page: a row per customer group, twelve months from
/// as-of's, each cell the catalog's count, the months over capacity
/// marked in words as well as by class; it is a Plan page, reached from
/// the navigation. A gate page shows its `decide-within` and what it owes.
#[test]
fn the_change_load_page_shows_each_group_and_month_and_marks_saturation() {
    let (_dir, out) = build(&acme());
    let catalog = catalog_of(&out);
    let page = std::fs::read_to_string(out.join("change-load.html")).unwrap();
    let body = &page[page.find("<tbody>").unwrap()..page.find("</tbody>").unwrap()];
    let customers = catalog["customers"].as_array().unwrap();
    assert_eq!(body.matches("<tr>").count(), customers.len());
    let head = &page[page.find("<thead>").unwrap()..page.find("</thead>").unwrap()];
    assert_eq!(head.matches(r#"<span class="month">"#).count(), 12);
    assert!(
        head.contains("Nov 2026") && head.contains("Oct 2027"),
        "{head}"
    );
    let mut over = 0;
    for c in customers {
        let row = &body[body
            .find(&format!(
                r#"href="customers/{}.html""#,
                c["id"].as_str().unwrap()
            ))
            .unwrap()..];
        let row = &row[..row.find("</tr>").unwrap()];
        let cells: Vec<&str> = row.split("<td class=\"heat-cell").skip(1).collect();
        assert_eq!(cells.len(), 12, "{row}");
        for (cell, month) in cells.iter().zip(c["change_load"].as_array().unwrap()) {
            let count = month["count"].to_string();
            assert!(cell.contains(&format!(">{count}")), "{cell} {month}");
            let marked = cell.contains(" over\"") && cell.contains("over capacity");
            assert_eq!(marked, month["over"] == true, "{cell}");
            over += usize::from(marked);
        }
    }
    assert!(over >= 1, "the example saturates a group");
    assert!(page.contains(r#"<a href="roadmap.html" aria-current="page">Plan</a>"#));
    assert!(
        page.contains(r#"aria-label="Plan""#),
        "the Plan sub-navigation"
    );
    let gate = std::fs::read_to_string(out.join("gates/g5-transform-or-retire.html")).unwrap();
    assert!(
        gate.contains("20 working days"),
        "decide-within on the gate page"
    );
    assert!(gate.contains("overdue") && gate.contains(r#"href="../services/change-control.html""#));
}

/// The health page and `pmoc review` count the same targets the same way
/// (those in force of the services in operation or transform, by their
/// latest period): a service in implementation with an SLA counts in
/// neither.
#[test]
fn the_health_page_counts_as_the_review_does() {
    let (_dir, out) = build(&acme());
    let health = std::fs::read_to_string(out.join("health.html")).unwrap();
    let o = run(&["review", acme().to_str().unwrap(), "--format", "json"]);
    let review: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let s = &review["summary"];
    let tally = format!(
        "Of {} SLA targets in force for the services in operation or transform, in their latest period: {} met, {} warned, {} breached, {} without data.",
        s["targets"],
        s["targets_met"],
        s["targets_warned"],
        s["targets_breached"],
        s["targets_without_data"]
    );
    assert!(health.contains(&tally), "{tally}");
    assert_eq!(s["targets_breached"], 1);
}

/// A banner on the index page lists what needs attention on every service
/// (a breached target, a fired trigger), each linking to its detail; a
/// service's page shows its own; a service needing none has no banner.
#[test]
fn banners_point_at_what_needs_attention() {
    let (_dir, out) = build(&acme());
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    let banner = &index[index.find(r#"<aside class="banner""#).unwrap()..];
    let banner = &banner[..banner.find("</aside>").unwrap()];
    for (href, words) in [
        (
            "services/change-control.html#slas",
            "SLA <code>change-control-sla</code> breached",
        ),
        (
            "services/change-control.html#watched",
            "trigger <code>slow-turnaround</code> fired",
        ),
        (
            "services/meeting-booking.html#watched",
            "trigger <code>low-adoption</code> fired",
        ),
        (
            "services/benefits-tracking.html#watched",
            "trigger <code>low-satisfaction</code> fired",
        ),
        // An overdue decision points at the service page's decisions, a
        // slipped plan at the roadmap (a service in pilot: any stage counts).
        (
            "services/change-control.html#decisions",
            "Change control: a decision at Transform or retire is overdue",
        ),
        (
            "roadmap.html",
            "Quantitative schedule risk analysis: the plan to reach implementation slipped",
        ),
    ] {
        assert!(
            banner.contains(&format!(r#"<a href="{href}">"#)),
            "{href}: {banner}"
        );
        assert!(banner.contains(words), "{words}: {banner}");
    }
    // One breached SLA, six fired triggers, one overdue decision, one slipped plan.
    assert_eq!(banner.matches("<li>").count(), 9, "{banner}");
    let page = std::fs::read_to_string(out.join("services/change-control.html")).unwrap();
    let own = &page[page.find(r#"<aside class="banner""#).unwrap()..];
    assert!(own.contains(r##"<a href="#watched">"##) && own.contains(r##"<a href="#slas">"##));
    assert!(own.contains(r##"<a href="#decisions">a decision at Transform or retire is overdue"##));
    let held = std::fs::read_to_string(out.join("services/quantitative-risk.html")).unwrap();
    let own = &held[held.find(r#"<aside class="banner""#).unwrap()..];
    assert!(
        own.contains(r#"<a href="../roadmap.html">the plan to reach implementation slipped"#),
        "{own}"
    );
    let calm = std::fs::read_to_string(out.join("services/board-minutes.html")).unwrap();
    assert!(!calm.contains(r#"class="banner""#));
}

/// A service page charts each target of its SLAs (an ended one too) and
/// says where each trigger covering it stands.
#[test]
fn a_service_page_charts_its_targets_and_shows_its_triggers() {
    let (_dir, out) = build(&acme());
    let change = std::fs::read_to_string(out.join("services/change-control.html")).unwrap();
    let drawn = charts(&change);
    assert_eq!(drawn.len(), 3, "{drawn:?}");
    assert_eq!(drawn["chart-change-control-sla-0"], (12, 3), "turnaround");
    assert_eq!(drawn["chart-change-control-sla-1"], (12, 0), "on time");
    assert_eq!(drawn["chart-change-control-sla-2024-0"], (2, 0), "ended");
    let states = &change[change.find(r#"<ul class="trigger-states">"#).unwrap()..];
    let states = &states[..states.find("</ul>").unwrap()];
    assert_eq!(states.matches("<li>").count(), 9, "{states}");
    assert!(states.contains(r#"<span class="badge state-fired">fired</span> <a href="../triggers.html#slow-turnaround">slow-turnaround</a>"#));
    // Its SLA was breached two months running (`sla-breached for=2`).
    assert!(states.contains(r#"<span class="badge state-fired">fired</span> <a href="../triggers.html#sla-breached-twice">sla-breached-twice</a>"#));
    assert_eq!(states.matches(r#"state-fine">fine</span>"#).count(), 6);
}

/// A customer group's page tallies its mandated services' targets in their
/// latest period.
#[test]
fn a_customer_page_tallies_its_mandated_targets() {
    let (_dir, out) = build(&acme());
    let pms = std::fs::read_to_string(out.join("customers/project-managers.html")).unwrap();
    assert!(
        pms.contains("11 of 13 SLA targets of the mandated services met in their latest period, 1 warned, 1 breached."),
        "{pms}"
    );
    let doing = &pms[pms.find(r#"id="doing""#).unwrap()..pms.find(r#"id="mandated""#).unwrap()];
    assert_eq!(doing.matches("<tr><th scope=\"row\">").count(), 13);
}

/// The triggers page counts each trigger's services by state, lists those
/// it fired for or lacked data for, and folds the fine ones away.
#[test]
fn the_triggers_page_counts_services_by_state() {
    let (_dir, out) = build(&acme());
    let triggers = std::fs::read_to_string(out.join("triggers.html")).unwrap();
    let low = &triggers[triggers.find(r#"<section id="low-adoption""#).unwrap()..];
    let low = &low[..low.find("</section>").unwrap()];
    assert!(low.contains(r#"Covers 17 services: <span class="badge state-fired">1 fired</span> <span class="badge state-no-data">1 no data</span> <span class="badge state-fine">15 fine</span>"#), "{low}");
    let (listed, folded) = low.split_at(low.find("<details").unwrap());
    assert!(listed.contains("services/meeting-booking.html"));
    assert!(listed.contains("services/risk-workshops.html"));
    assert_eq!(folded.matches("<li>").count(), 15);
}

/// One service in operation with an SLA on a metric and a trigger, with or
/// without observations; names hostile.
fn observed_project(rows: Option<&[&str]>) -> tempfile::TempDir {
    let dir = common::project_of(&[
        ("pmo.kdl", MANIFEST),
        (
            "s.kdl",
            r#"metric "m" name="<script>alert(1)</script> & co" unit="percent" direction="higher" cadence="month"
trigger "t" { applies-to stage="operation"; when "m" below=50 for=2; action "review" }
service "x" {
    name "<b>X</b>"
    function "f"
    description "D"
    stage "operation"
    owner "ann"
    objectives "o"
    offer "pm" level="mandated"
    sla "x-sla" {
        target "m" at-least=90 warn=95
        period "month"
        report to="ann"
        escalate after="2 days" to="ann"
        review-by "2027-06-30"
    }
}
"#,
        ),
    ]);
    if let Some(rows) = rows {
        let mut csv = String::from("period,service,metric,value\n");
        for row in rows {
            csv.push_str(row);
            csv.push('\n');
        }
        std::fs::create_dir_all(dir.path().join("metrics")).unwrap();
        std::fs::write(dir.path().join("metrics/m.csv"), csv).unwrap();
    }
    dir
}

#[test]
fn chart_text_is_escaped() {
    let dir = observed_project(Some(&["2026-09,x,m,96", "2026-10,x,m,40"]));
    let (_tmp, out) = build(dir.path());
    let check = |page: &str| {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        let drawn = charts(&html);
        assert_eq!(drawn["chart-x-sla-0"], (2, 1), "{page}");
        assert!(!html.contains("<script>alert"), "{page}");
        assert!(!html.contains("<b>X"), "{page}");
        let svg = &html[html.find(r#"<svg class="attainment""#).unwrap()..];
        assert!(
            svg.starts_with(r#"<svg class="attainment" viewBox="0 0 484 158" width="484" role="img" aria-labelledby="chart-x-sla-0-title" aria-describedby="chart-x-sla-0-desc"><title id="chart-x-sla-0-title">&lt;script&gt;alert(1)&lt;/script&gt; &amp; co: at least 90%, warning below 95%</title>"#),
            "{page}: {svg:.300}"
        );
    };
    check("health.html");
    check("services/x.html");
}

/// Without a metrics CSV the health page says so and how to add one; the
/// service and customer pages say attainment is not shown.
#[test]
fn without_observations_the_pages_say_how_to_add_them() {
    let dir = observed_project(None);
    let (_tmp, out) = build(dir.path());
    let health = std::fs::read_to_string(out.join("health.html")).unwrap();
    for words in [
        "<strong>No metrics CSV was read</strong>",
        "<code>metrics/</code> folder at the project root",
        "<code>period,service,metric,value</code>",
        "No trigger has fired.",
    ] {
        assert!(health.contains(words), "{words}: {health}");
    }
    assert!(!health.contains("not yet available"));
    assert!(charts(&health).is_empty());
    let service = std::fs::read_to_string(out.join("services/x.html")).unwrap();
    assert!(service.contains("Attainment is not shown: no metrics CSV was read."));
    assert!(service.contains(r#"<span class="badge state-none">not judged</span>"#));
    assert!(service.contains("No metrics CSV was read."));
    let customer = std::fs::read_to_string(out.join("customers/pm.html")).unwrap();
    assert!(customer.contains("Not shown: no metrics CSV was read."));
}

/// Markdown links and images to other schemes than http, https, mailto
/// (images: http, https) are text; a reference to nothing is text, never a
/// path; `base-url` is escaped where it lands (the 404 page).
#[test]
fn no_hostile_link_reaches_a_page() {
    let manifest = MANIFEST.replace(
        "as-of \"2026-11-01\" }",
        "as-of \"2026-11-01\"; site { base-url \"/a'b&c/\"; }; lints { allow \"unknown-reference\"; } }",
    );
    let description = "[x](javascript:alert(1)) <javascript:alert(2)> ![i](javascript:alert(3)) [d](data:text/html,x) [v](vbscript:msgbox(4)) [r][ref] [ok](https://example.org/) [mail](mailto:pmo@example.org)\\n\\n[ref]: JaVaScRiPt:alert(5)";
    let dir = common::project_of(&[
        ("pmo.kdl", &manifest),
        (
            "s.kdl",
            &format!(
                "service \"x\" {{\n    name \"X\"\n    function \"f\"\n    description \"{description}\"\n    stage \"strategy\"\n    objectives \"o\"\n    offer \"pm\" level=\"mandated\"\n    depends-on \"../../../../etc/passwd\"\n}}\n"
            ),
        ),
    ]);
    let (_tmp, out) = build(dir.path());
    for (path, bytes) in files(&out) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap().to_ascii_lowercase();
        for bad in ["javascript:", "data:", "vbscript:", "etc/passwd.html"] {
            for attr in ["href", "src"] {
                assert!(
                    !attributes(&html, attr).iter().any(|v| v.contains(bad)),
                    "{path}: a live {attr} with {bad}"
                );
            }
        }
    }
    let page = std::fs::read_to_string(out.join("services/x.html")).unwrap();
    assert!(page.contains("<a href=\"https://example.org/\">ok</a>"));
    assert!(page.contains("<a href=\"mailto:pmo@example.org\">mail</a>"));
    assert!(
        page.contains("javascript:alert(2)"),
        "an autolink shown as text"
    );
    assert!(
        page.contains("<span class=\"unresolved\">../../../../etc/passwd</span>"),
        "the unknown id as text"
    );
    let not_found = std::fs::read_to_string(out.join("404.html")).unwrap();
    assert!(
        not_found.contains("href=\"/a&#39;b&amp;c/index.html\""),
        "base-url escaped in an attribute"
    );
}

/// `--out` may point anywhere but at a file or at a folder that is not a
/// pmoc site: exit 2, nothing touched, nothing left beside it.
#[test]
fn out_never_replaces_a_file_or_a_foreign_folder() {
    let dir = common::project_of(&[("pmo.kdl", MANIFEST)]);
    let place = tempfile::tempdir().unwrap();
    let file = place.path().join("notes.txt");
    std::fs::write(&file, "precious").unwrap();
    let foreign = place.path().join("thesis");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("chapter1.docx"), "precious").unwrap();
    for out in [&file, &foreign] {
        for verb in ["build", "watch"] {
            let o = run(&[
                verb,
                dir.path().to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ]);
            assert_eq!(
                o.status.code(),
                Some(2),
                "{verb} {}: {}",
                out.display(),
                stderr(&o)
            );
            assert!(
                stderr(&o).contains("refusing to replace it"),
                "{}",
                stderr(&o)
            );
        }
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "precious");
    assert_eq!(
        std::fs::read_to_string(foreign.join("chapter1.docx")).unwrap(),
        "precious"
    );
    let beside: Vec<_> = std::fs::read_dir(place.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside.len(), 2, "nothing left beside: {beside:?}");
    // An empty folder, or a site pmoc wrote, is fine.
    let empty = place.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    common::build_into(dir.path(), &empty);
    common::build_into(dir.path(), &empty);
}

/// The manifest's `output` lies inside the project and holds no sources;
/// anything else is `invalid-value` (exit 1) and nothing is written.
#[test]
fn the_manifests_output_stays_inside_the_project() {
    let outside = tempfile::tempdir().unwrap();
    let absolute = outside.path().join("abs");
    for (output, code) in [
        ("../escaped", "invalid-value"),
        (absolute.to_str().unwrap(), "invalid-value"),
        ("services", "invalid-value"),
    ] {
        let manifest = MANIFEST.replace(
            "as-of \"2026-11-01\" }",
            &format!("as-of \"2026-11-01\"; output \"{output}\"; }}"),
        );
        let parent = tempfile::tempdir().unwrap();
        let project = parent.path().join("p");
        std::fs::create_dir_all(project.join("services")).unwrap();
        std::fs::write(project.join("pmo.kdl"), &manifest).unwrap();
        std::fs::write(
            project.join("services/x.kdl"),
            "service \"x\" {\n    name \"X\"\n    function \"f\"\n    description \"D\"\n    stage \"strategy\"\n    objectives \"o\"\n    offer \"pm\" level=\"mandated\"\n}\n",
        )
        .unwrap();
        let o = run(&["build", project.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{output}: {}", stderr(&o));
        assert!(stderr(&o).contains(code), "{output}: {}", stderr(&o));
        assert!(!parent.path().join("escaped").exists(), "{output}");
        assert!(!absolute.exists(), "{output}");
        assert!(
            project.join("services/x.kdl").is_file(),
            "{output}: sources kept"
        );
        assert!(!project.join("services/index.html").exists());
    }
}

/// The capacity page: every party with `fte` in the table at the four
/// checkpoints, in FTE; the one over-committed party (the example's
/// reporting analysts, from April 2027) marked by shape and words as well
/// as colour, in the cells the catalog says; a party named in efforts
/// without `fte` listed as capacity unknown.
#[test]
fn the_capacity_page_shows_demand_against_capacity() {
    let (_tmp, out) = build(&acme());
    let catalog: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("catalog.json")).unwrap()).unwrap();
    let page = std::fs::read_to_string(out.join("capacity.html")).unwrap();
    let capacity = catalog["capacity"].as_array().unwrap();
    let over: Vec<&str> = capacity
        .iter()
        .filter(|p| !p["overcommitted"].is_null())
        .map(|p| p["party"].as_str().unwrap())
        .collect();
    assert_eq!(over, ["reporting-analysts"]);
    for p in capacity.iter().filter(|p| !p["fte"].is_null()) {
        let id = p["party"].as_str().unwrap();
        let row = &page[page.find(&format!(r#"<tr id="capacity-{id}">"#)).unwrap()..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert_eq!(
            row.matches("<td").count(),
            5,
            "{id}: capacity and 4 checkpoints"
        );
        let marked = row.matches("▲ </span>over</span>").count();
        let judged = p["checkpoints"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["over"] == true)
            .count();
        assert_eq!(marked, judged, "{id}");
        assert!(row.contains(" FTE"), "{id}: units");
    }
    assert!(page.contains("from 2027-04-01: 2.2 FTE asked of 2 FTE"));
    let unknown = &page[page.find(r#"<h2 id="unknown">"#).unwrap()..];
    assert!(unknown.contains("people.html#coe"), "the CoE has no fte");
}

/// The triggers page says each kind of condition in words: a trend and
/// `sla-breached` as well as thresholds and `superseded`.
#[test]
fn the_triggers_page_words_every_kind_of_condition() {
    let (_dir, out) = build(&acme());
    let page = std::fs::read_to_string(out.join("triggers.html")).unwrap();
    assert!(page.contains("is falling over the last 3 periods"), "trend");
    assert!(
        page.contains("when an SLA in force is breached for 2 periods in a row (its own periods)"),
        "sla-breached"
    );
    assert!(page.contains("when a service that replaces it is in operation"));
    assert!(
        !page.contains(" is none "),
        "no condition reads as a missing comparison"
    );
}

/// A fired trend and a fired `sla-breached` are said in words with their
/// values on the triggers page and on the service page (issue 21, item 5);
/// a trigger that did not fire shows its window only.
#[test]
fn fired_trends_and_breaches_are_said_in_words() {
    let (_dir, out) = build(&acme());
    let triggers = std::fs::read_to_string(out.join("triggers.html")).unwrap();
    let fell = "fell in each of the last 3 months: 32% → 27% → 24% → 22% (2026-07 to 2026-10)";
    assert!(triggers.contains(fell), "trend on the triggers page");
    let breached =
        "SLA <code>change-control-sla</code> was breached in each of the last 2 months: ";
    assert!(
        triggers.contains(breached),
        "sla-breached on the triggers page"
    );
    let booking = std::fs::read_to_string(out.join("services/meeting-booking.html")).unwrap();
    assert!(booking.contains(fell), "trend on the service page");
    assert!(
        !booking.contains("SLA <code>meeting-booking-sla</code> was breached"),
        "a trigger that did not fire is not said to have"
    );
    let control = std::fs::read_to_string(out.join("services/change-control.html")).unwrap();
    assert!(
        control.contains(breached),
        "sla-breached on the service page"
    );
    assert!(!control.contains("fell in each"), "its trend did not fire");
}

/// The improvements register lists overdue, open, done (with its effect)
/// and dropped improvements; each has its page; each service shows its own.
#[test]
fn the_improvements_register_shows_state_and_effect() {
    let (_dir, out) = build(&acme());
    let page = std::fs::read_to_string(out.join("improvements.html")).unwrap();
    for id in ["overdue", "open", "done", "dropped"] {
        assert!(page.contains(&format!(r#"<h2 id="{id}">"#)), "{id}");
    }
    assert!(page.contains("▲ </span>overdue"));
    assert!(page.contains("✓ </span>met</span> 4.7 in 2026-Q3 (baseline 4 in 2026-Q2)"));
    assert!(page.contains(r#"href="improvements/tl-refresh.html""#));
    let own = std::fs::read_to_string(out.join("improvements/bt-benefits-dashboard.html")).unwrap();
    assert!(own.contains("Sponsors asked for less to fill in, not more to read"));
    let service = std::fs::read_to_string(out.join("services/benefits-tracking.html")).unwrap();
    assert!(service.contains(r#"<h2 id="improvements">"#));
    assert!(service.contains("../improvements/bt-simpler-capture.html"));
}

/// The service page is laid out as the card (issue 22, item 1): its parts
/// in the card's order, a part with nothing to say left out.
#[test]
fn the_service_page_is_laid_out_as_the_card() {
    let (_tmp, out) = build(&acme());
    let page = std::fs::read_to_string(out.join("services/resource-requests.html")).unwrap();
    let order = [
        "id=\"problem\"",
        "id=\"benefits\"",
        "id=\"offered\"",
        "id=\"ask\"",
        "id=\"scope\"",
        "id=\"exchange\"",
        "id=\"slas\"",
        "id=\"people\"",
        "id=\"resources\"",
        "id=\"case\"",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|part| page.find(part).unwrap_or_else(|| panic!("{part} missing")))
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{order:?} at {at:?}");
    // Mandated groups come before additional ones.
    let mandated = page.find("offer-mandated").unwrap();
    assert!(mandated < page.find("offer-additional").unwrap());
    for words in [
        "Project managers wait days to learn whether they get the people they asked for.",
        "<dt>Lead time</dt><dd>5 working days</dd>",
        "Contractor procurement",
        "<a href=\"mailto:resourcing@acme.example\">Resourcing desk</a>",
        "<a href=\"https://intranet.acme.example/pmo/resourcing\">Request form</a>",
        "criticality-high",
        "Portal form with a weekly allocation meeting",
    ] {
        assert!(page.contains(words), "{words}");
    }
    // A service in strategy with no card: none of its parts, no "none".
    let bare = std::fs::read_to_string(out.join("services/genai-drafting.html")).unwrap();
    for part in [
        "id=\"problem\"",
        "id=\"benefits\"",
        "id=\"scope\"",
        "id=\"exchange\"",
        "id=\"slas\"",
        "id=\"resources\"",
        "id=\"case\"",
        "No SLA.",
    ] {
        assert!(!bare.contains(part), "{part} in a card that has none");
    }
}

/// A gate's page lists what it requires and who passed it lacking it.
#[test]
fn the_gate_page_lists_its_requirements_and_who_lacked_them() {
    let dir = common::project_of(&[
        ("pmo.kdl", MANIFEST),
        (
            "s.kdl",
            r#"gate "g1" { name "G1"; from "strategy"; to "design"; approvers "ann"; must "M"; requires "case" "onboarding"; }
service "x" {
    name "X"; function "f"; description "D"; stage "design"; owner "ann"; objectives "o"
    offer "pm" level="additional"
    link "https://a.example/?a=1&b=2" title="<b>Guide</b>"
    decision "g1" outcome="go" date="2026-09-01" by="ann" { rationale "R"; }
}
"#,
        ),
    ]);
    let (_tmp, out) = build(dir.path());
    let gate = std::fs::read_to_string(out.join("gates/g1.html")).unwrap();
    assert!(gate.contains("a business case, with its costs"), "{gate}");
    assert!(gate.contains("Passed without it"), "{gate}");
    assert!(gate.contains("lacks case, onboarding"), "{gate}");
    let service = std::fs::read_to_string(out.join("services/x.html")).unwrap();
    assert!(
        service.contains(
            "<a href=\"https://a.example/?a=1&amp;b=2\">&lt;b&gt;Guide&lt;&#x2f;b&gt;</a>"
        ),
        "{service}"
    );
}

/// The first cell of each row of the first `<table class="timeline">`
/// after `from`: its dates (`2027-01-05` or `2027-01-05 to 2027-02-28`).
fn timeline_dates(html: &str, from: &str) -> Vec<String> {
    let at = html.find(from).expect("the section");
    let table = &html[at..];
    let table = &table[table
        .find(r#"<table class="timeline">"#)
        .expect("a timeline")..];
    let table = &table[..table.find("</table>").unwrap()];
    table
        .split(r#"<td class="date">"#)
        .skip(1)
        .map(|cell| cell[..cell.find("</td>").unwrap()].to_string())
        .collect()
}

/// A service page shows its rollout as a timeline in date order (phases,
/// communications, trainings), the phase its group is not trained for
/// marked in words, and its champions by group; a customer group page
/// lists what is coming to it from as-of on, in date order, and links the
/// group's own calendar, which the site carries.
#[test]
fn the_rollout_timeline_and_what_is_coming_to_a_group() {
    let (_dir, out) = build(&acme());
    let page = std::fs::read_to_string(out.join("services/estimating-support.html")).unwrap();
    let dates = timeline_dates(&page, r#"id="rollout""#);
    let firsts: Vec<&str> = dates.iter().map(|d| &d[..10]).collect();
    let mut sorted = firsts.clone();
    sorted.sort();
    assert_eq!(firsts, sorted, "{dates:?}");
    assert_eq!(
        dates.len(),
        8,
        "three phases, three communications, two trainings: {dates:?}"
    );
    assert!(dates.contains(&"2027-03-01 to 2027-04-30".to_string()));
    let rollout = &page[page.find(r#"id="rollout""#).unwrap()..];
    let rollout = &rollout[..rollout.find("</section>").unwrap()];
    assert_eq!(
        rollout.matches("Not trained before it starts.").count(),
        1,
        "{rollout}"
    );
    assert!(
        rollout.contains("Done."),
        "the Retail training is past: {rollout}"
    );
    let champions = &rollout[rollout.find(r#"<ul class="champions">"#).unwrap()..];
    assert!(champions.contains(r#"<a href="../customers/programme-managers.html">"#));
    assert!(champions.contains("Sofia Marin"), "{champions}");

    let as_of = "2026-11-01";
    let group = std::fs::read_to_string(out.join("customers/project-managers.html")).unwrap();
    let coming = timeline_dates(&group, r#"id="coming""#);
    assert!(!coming.is_empty());
    let mut sorted = coming.clone();
    sorted.sort_by(|a, b| a[..10].cmp(&b[..10]));
    assert_eq!(coming, sorted);
    // Nothing that ended before as-of: the last day of each is on or after it.
    for d in &coming {
        let last = d.rsplit(' ').next().unwrap();
        assert!(last >= as_of, "{d} ended before {as_of}");
    }
    let section = &group[group.find(r#"id="coming""#).unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    // lessons-learned's Retail phase ended on 2026-10-30; its Manufacturing
    // phase starts on 2026-11-02; estimating-support's Retail phase is
    // under way.
    assert!(!section.contains("2026-08-03"), "{section}");
    assert!(section.contains("2026-11-02 to 2027-01-29"), "{section}");
    assert!(section.contains("2026-09-07 to 2026-11-27"), "{section}");
    assert!(section.contains("Under way."), "{section}");
    assert!(section.contains(r#"href="../export/calendars/project-managers.ics""#));
    let feed = std::fs::read_to_string(out.join("export/calendars/project-managers.ics")).unwrap();
    assert!(feed.contains("UID:communicate.lessons-learned.project-managers.2026-07-20@"));
    assert!(
        !feed.contains("programme-managers.2027"),
        "another group's events"
    );
}

/// The text of an HTML fragment, tags dropped, spaces collapsed.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The part of a page from `start` to the next `end` after it.
fn between<'h>(html: &'h str, start: &str, end: &str) -> &'h str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} not found"));
    let rest = &html[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// The lifecycle board: seven columns in lifecycle order; in each, a card
/// per service sorted by name, with its owner, and the status of a
/// service in operation or transform by shape and word (breached, fired,
/// warned, no data, fine); none for the other stages.
#[test]
fn the_lifecycle_board_shows_each_stage_with_cards_sorted_by_name() {
    let (_dir, out) = build(&acme());
    let catalog = catalog_of(&out);
    let page = std::fs::read_to_string(out.join("lifecycle.html")).unwrap();
    let board = between(
        &page,
        r#"<div class="board">"#,
        r#"<section aria-labelledby="gates">"#,
    );
    let stages = [
        "strategy",
        "design",
        "pilot",
        "implementation",
        "operation",
        "transform",
        "retired",
    ];
    let mut at = 0;
    for stage in stages {
        let found = board.find(&format!(r#"<section class="column stage-{stage}""#));
        let found = found.unwrap_or_else(|| panic!("{stage}"));
        assert!(found >= at, "{stage} out of order");
        at = found;
    }
    let services = catalog["services"].as_array().unwrap();
    let by_id = |id: &str| services.iter().find(|s| s["id"] == id).unwrap();
    let mut statuses = BTreeSet::new();
    for stage in stages {
        let column = between(board, &format!(r#"id="{stage}""#), "</section>");
        let cards: Vec<&str> = column.split(r#"<li class="card">"#).skip(1).collect();
        let names: Vec<String> = cards
            .iter()
            .map(|c| text_of(between(c, r#"<span class="name">"#, "</span>")))
            .collect();
        let mut sorted = names.clone();
        sorted.sort_by_key(|n| n.to_lowercase());
        assert_eq!(names, sorted, "{stage}: sorted by name");
        let expected = services.iter().filter(|s| s["stage"] == stage).count();
        assert_eq!(cards.len(), expected, "{stage}");
        for card in &cards {
            let id = attributes(card, "href")[0]
                .trim_start_matches("services/")
                .trim_end_matches(".html")
                .to_string();
            let service = by_id(&id);
            if let Some(owner) = service["owner"].as_str() {
                assert!(
                    card.contains(&format!("people.html#{owner}")),
                    "{id}: its owner"
                );
            }
            let status = card.contains(r#"<span class="status status-"#);
            let counted = stage == "operation" || stage == "transform";
            assert_eq!(status, counted, "{id}: a status only where health counts");
            if status {
                let start = r#"<span class="status status-"#;
                let rest = &card[card.find(start).unwrap() + start.len()..];
                let class = &rest[..rest.find('"').unwrap()];
                let word = text_of(between(rest, "</svg>", "</span>"));
                statuses.insert((class.to_string(), word));
            }
        }
    }
    // Each status is said in words; the example shows every one.
    let statuses: Vec<(String, String)> = statuses.into_iter().collect();
    let pair = |class: &str, word: &str| (class.to_string(), word.to_string());
    assert_eq!(
        statuses,
        [
            pair("breached", "breached"),
            pair("fine", "fine"),
            pair("fired", "fired"),
            pair("no-data", "no data"),
            pair("warned", "warned"),
        ],
    );
    let change = between(board, r#"href="services/change-control.html""#, "</li>");
    assert!(change.contains("status-breached"), "{change}");
    // The board scrolls in its own box, named, with the hint for narrow screens.
    assert!(page.contains(r#"<div class="scroll-x board-wrap" role="region" aria-label="Lifecycle board" tabindex="0">"#));
    assert!(page.contains(r#"<p class="scroll-hint board-hint">"#));
}

/// People, teams and a function's services are listed by name; a
/// service page marks no tab of the navigation as the current page.
#[test]
fn lists_are_sorted_by_name_and_a_service_page_marks_no_tab() {
    let (_dir, out) = build(&acme());
    let people = std::fs::read_to_string(out.join("people.html")).unwrap();
    let persons = between(&people, r#"id="persons""#, "</table>");
    let names: Vec<String> = persons
        .split(r#"<th scope="row">"#)
        .skip(1)
        .map(|row| text_of(&row[..row.find("<br>").or(row.find("</th>")).unwrap()]))
        .collect();
    assert!(names.len() > 5, "{names:?}");
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names, sorted);

    let schedule = std::fs::read_to_string(out.join("functions/schedule.html")).unwrap();
    let rows = between(&schedule, r#"id="services""#, "</table>");
    let names: Vec<String> = rows
        .split(r#"<tr><th scope="row">"#)
        .skip(1)
        .map(|row| text_of(&row[..row.find("</th>").unwrap()]))
        .collect();
    assert!(names.len() > 2, "{names:?}");
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names, sorted);

    let service = std::fs::read_to_string(out.join("services/risk-log.html")).unwrap();
    let nav = between(&service, r#"<nav class="main-nav""#, "</nav>");
    assert!(!nav.contains("aria-current"), "{nav}");
    let lifecycle = std::fs::read_to_string(out.join("lifecycle.html")).unwrap();
    assert!(lifecycle.contains(r#"<a href="lifecycle.html" aria-current="page">Lifecycle</a>"#));
}

/// The index's function cards: summaries keep their punctuation where
/// Markdown formatting ended ("reviews, health checks"), and a cut falls
/// between words, with an ellipsis.
#[test]
fn summaries_read_as_written_and_are_cut_between_words() {
    let (_dir, out) = build(&acme());
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        index.contains("stage-gate reviews, health checks"),
        "stray space"
    );
    assert!(!index.contains(" ,"), "a space before a comma");
    for summary in index.split(r#"<p class="summary">"#).skip(1) {
        let summary = &summary[..summary.find("</p>").unwrap()];
        if let Some(cut) = summary.strip_suffix('…') {
            let whole = cut.split(' ').next_back().unwrap();
            let words: BTreeSet<&str> = index.split(|c: char| !c.is_alphanumeric()).collect();
            assert!(
                words.contains(whole.trim_matches(|c: char| !c.is_alphanumeric())),
                "{summary}"
            );
            assert!(cut.chars().count() < 160, "{summary}");
        }
    }
}

/// A customer group's page lists a retired service apart, never as
/// mandated: the executives once had the printed status pack.
#[test]
fn a_retired_service_is_not_listed_as_mandated() {
    let (_dir, out) = build(&acme());
    let page = std::fs::read_to_string(out.join("customers/executives.html")).unwrap();
    let mandated = between(&page, r#"<h2 id="mandated">"#, "</section>");
    assert!(
        mandated.contains("services/board-minutes.html"),
        "{mandated}"
    );
    assert!(!mandated.contains("printed-status-pack"), "{mandated}");
    let retired = between(&page, r#"<h2 id="retired">"#, "</section>");
    assert!(
        retired.contains("services/printed-status-pack.html"),
        "{retired}"
    );
    assert!(retired.contains("(was mandated)") && retired.contains("2025-03-31"));
}

/// The SLA page is one register: one table, a row per target with the
/// target and warning level in their units, the latest value and its
/// status, and dates that do not wrap.
#[test]
fn the_sla_page_is_one_register_with_units_status_and_dates() {
    let (_dir, out) = build(&acme());
    let catalog = catalog_of(&out);
    let page = std::fs::read_to_string(out.join("slas.html")).unwrap();
    let register = between(&page, r#"<table class="register">"#, "</table>");
    assert_eq!(page.matches(r#"<table class="register">"#).count(), 1);
    let heads = text_of(between(register, "<thead>", "</thead>"));
    assert_eq!(
        heads,
        "Service SLA Covers Target Warn at Per Latest Status Review by"
    );
    let targets: usize = catalog["services"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["slas"].as_array().unwrap())
        .map(|sla| sla["targets"].as_array().unwrap().len())
        .sum();
    assert_eq!(register.matches("<tr").count() - 1, targets);
    // Units on targets: change control's turnaround is "≤ 5 days", warn at 4 days.
    let change = between(register, r#"id="change-control-sla""#, "</tr>");
    assert!(
        change.contains(r#"<span class="figure">≤ 5 days</span>"#),
        "{change}"
    );
    assert!(
        change.contains(r#"<td class="figure">4 days</td>"#),
        "{change}"
    );
    assert!(change.contains(r#"<span class="badge state-breached">breached</span>"#));
    assert!(
        change.contains(r#"<td rowspan="2" class="date">"#),
        "{change}"
    );
    // Each SLA keeps its anchor (the health page links them).
    for s in catalog["services"].as_array().unwrap() {
        for sla in s["slas"].as_array().unwrap() {
            assert!(register.contains(&format!(r#"id="{}""#, sla["id"].as_str().unwrap())));
        }
    }
    let css = std::fs::read_to_string(out.join("assets/style.css")).unwrap();
    assert!(css.contains(".date, td.date, .figure { white-space: nowrap; }"));
}

/// The dependency graph has a key and the same dependencies as a list;
/// each service is one box (a link named with its stage, the stage
/// written under its name).
#[test]
fn the_dependency_graph_has_a_key_and_a_list() {
    let (_dir, out) = build(&acme());
    let page = std::fs::read_to_string(out.join("dependencies.html")).unwrap();
    assert!(page.contains(r#"<ul class="chart-key" aria-label="Key to the graph">"#));
    let list = between(&page, r#"<section class="graph-list""#, "</section>");
    assert_eq!(list.matches("<li>").count(), 15, "{list}");
    assert!(list.contains(r#"<a href="services/monthly-dashboard.html">Monthly portfolio dashboard</a> relies on <a href="services/plan-maintenance.html">Maintain and update project plans</a>, <a href="services/risk-log.html">Update the risk log</a>, <a href="services/highlight-consolidation.html">Weekly highlight-report consolidation</a>"#), "{list}");
    let svg = between(&page, r#"<svg class="deps""#, "</svg>");
    assert_eq!(
        svg.matches(r#"<text class="stage-label""#).count(),
        svg.matches("<rect ").count()
    );
}
