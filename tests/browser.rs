//! A real browser: headless Chromium opens the built example from
//! `file://`, searches for a service, follows the result and finds its SLA
//! table, failing on any console error or exception. It also checks what
//! a page reader and a phone get: axe-core (vendored in `tests/vendor`)
//! finds nothing serious, the pictures' text has contrast, the search list
//! follows the focus, the lifecycle strip shows its stage at 390 px. Without Chromium (a
//! user's plain `cargo test`) the tests show as ignored, with a note saying
//! why; with `CI` set they must run, and fail.
//!
//! The harness is libtest-mimic (`harness = false` in Cargo.toml): the
//! built-in one cannot mark a test ignored at run time. Each test is a
//! `Trial` in [`TESTS`]; filters and flags work as with `cargo test`
//! (`--ignored` runs them anyway, and they fail without Chromium).

mod common;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use headless_chrome::protocol::cdp::Emulation;
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::{Browser, LaunchOptions};
use libtest_mimic::{Arguments, Trial};

const CHROMIUM: &str = "/usr/bin/chromium";

/// The browser tests, by name.
const TESTS: [(&str, fn()); 11] = [
    (
        "search_from_file_url_leads_to_the_sla_table",
        search_from_file_url_leads_to_the_sla_table,
    ),
    (
        "search_ranks_names_first_and_closes_when_focus_leaves",
        search_ranks_names_first_and_closes_when_focus_leaves,
    ),
    (
        "picture_text_has_contrast_in_light_and_dark",
        picture_text_has_contrast_in_light_and_dark,
    ),
    (
        "the_current_stage_is_in_view_at_phone_width",
        the_current_stage_is_in_view_at_phone_width,
    ),
    (
        "the_change_load_map_scrolls_in_its_box_at_phone_width",
        the_change_load_map_scrolls_in_its_box_at_phone_width,
    ),
    (
        "axe_finds_nothing_serious_or_critical",
        axe_finds_nothing_serious_or_critical,
    ),
    (
        "the_board_is_one_row_wide_and_scrolls_with_a_cue_on_a_phone",
        the_board_is_one_row_wide_and_scrolls_with_a_cue_on_a_phone,
    ),
    (
        "wide_things_scroll_in_their_box_and_every_tab_shows_on_a_phone",
        wide_things_scroll_in_their_box_and_every_tab_shows_on_a_phone,
    ),
    (
        "stage_colours_are_distinct_in_light_and_dark",
        stage_colours_are_distinct_in_light_and_dark,
    ),
    ("a_script_error_is_caught", a_script_error_is_caught),
    (
        "a_served_page_reloads_after_an_edit",
        a_served_page_reloads_after_an_edit,
    ),
];

fn main() -> ExitCode {
    let args = Arguments::from_args();
    // Ignored only outside CI: there a missing browser is a failure.
    let ignored = !Path::new(CHROMIUM).exists() && std::env::var_os("CI").is_none();
    if ignored {
        eprintln!(
            "browser tests ignored: {CHROMIUM} not found (install Debian's `chromium` to run them)"
        );
    }
    let trials = TESTS
        .into_iter()
        .map(|(name, test)| {
            let run = move || {
                test();
                Ok(())
            };
            Trial::test(name, run).with_ignored_flag(ignored)
        })
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}

/// The browser; a test that runs without one fails.
pub fn browser(profile: &Path) -> Browser {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: .ci/run installs it (Debian's `chromium`)"
    );
    let args: Vec<&std::ffi::OsStr> = [
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--allow-file-access-from-files",
    ]
    .iter()
    .map(std::ffi::OsStr::new)
    .collect();
    let options = LaunchOptions::default_builder()
        .path(Some(PathBuf::from(CHROMIUM)))
        .headless(true)
        .sandbox(false)
        .window_size(Some((1280, 900)))
        .user_data_dir(Some(profile.to_path_buf()))
        .args(args)
        .idle_browser_timeout(Duration::from_secs(120))
        .build()
        .expect("launch options");
    Browser::new(options).expect("chromium starts")
}

/// Collects console errors, exceptions and failed loads of a tab.
pub fn watch_errors(tab: &headless_chrome::Tab) -> Arc<Mutex<Vec<String>>> {
    let errors = Arc::new(Mutex::new(Vec::new()));
    let sink = errors.clone();
    tab.enable_log().unwrap();
    tab.enable_runtime().unwrap();
    tab.add_event_listener(Arc::new(move |event: &Event| {
        let problem = match event {
            Event::RuntimeExceptionThrown(e) => {
                Some(format!("exception: {:?}", e.params.exception_details.text))
            }
            Event::RuntimeConsoleAPICalled(e) if format!("{:?}", e.params.Type) == "Error" => {
                Some(format!(
                    "console.error: {:?}",
                    e.params.args.first().and_then(|a| a.value.clone())
                ))
            }
            Event::LogEntryAdded(e) if format!("{:?}", e.params.entry.level) == "Error" => Some(
                format!("log: {} {:?}", e.params.entry.text, e.params.entry.url),
            ),
            _ => None,
        };
        if let Some(p) = problem {
            sink.lock().unwrap().push(p);
        }
    }))
    .unwrap();
    errors
}

fn search_from_file_url_leads_to_the_sla_table() {
    let tmp = tempfile::tempdir().unwrap();
    let browser = browser(&tmp.path().join("profile"));
    let out = tmp.path().join("site");
    let example = common::example("acme");
    common::build_into(&example, &out);

    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(20));
    let errors = watch_errors(&tab);
    let index = format!("file://{}/index.html", out.display());
    tab.navigate_to(&index)
        .unwrap()
        .wait_until_navigated()
        .unwrap();

    tab.wait_for_element("#search-input")
        .unwrap()
        .click()
        .unwrap();
    tab.type_str("update the risk log").unwrap();
    let result = tab.wait_for_element("#search-results a").unwrap();
    let text = result.get_inner_text().unwrap();
    assert!(text.contains("Update the risk log"), "first result: {text}");
    result.click().unwrap();
    let url = wait_for_url(&tab, "/services/risk-log.html");
    assert!(url.ends_with("/services/risk-log.html"), "landed on {url}");

    let table = tab
        .wait_for_element("#slas ~ .table-wrap table, section[aria-labelledby=slas] table")
        .unwrap();
    let sla = table.get_inner_text().unwrap();
    assert!(
        sla.contains("risk-log-sla") && sla.contains("95"),
        "SLA table: {sla}"
    );

    // The pages work without JavaScript too: the search form stays hidden and
    // nothing else depends on scripts; here the script ran, so it is shown.
    let shown = tab
        .evaluate("document.querySelector('form.search').hidden", false)
        .unwrap();
    assert_eq!(shown.value, Some(serde_json::json!(false)));

    let errors = errors.lock().unwrap();
    assert!(errors.is_empty(), "console errors: {errors:#?}");
}

/// The example built into a temporary folder: (the folder, the site in it).
fn built_example() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let example = common::example("acme");
    common::build_into(&example, &out);
    (tmp, out)
}

/// Opens a page of a built site and waits for it to load.
fn open(tab: &headless_chrome::Tab, site: &Path, page: &str) {
    tab.navigate_to(&format!("file://{}/{page}", site.display()))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
}

/// Evaluates an expression that gives (or promises) a JSON string.
fn evaluate_json(tab: &headless_chrome::Tab, expression: &str) -> serde_json::Value {
    let result = tab.evaluate(expression, true).unwrap();
    let Some(serde_json::Value::String(json)) = result.value else {
        panic!("`{expression:.80}` gave {result:?}");
    };
    serde_json::from_str(&json).unwrap()
}

/// Sets the tab's viewport width and its colour scheme (`light`, `dark`).
fn emulate(tab: &headless_chrome::Tab, width: u32, scheme: &str) {
    tab.call_method(Emulation::SetDeviceMetricsOverride {
        width,
        height: 900,
        device_scale_factor: 1.0,
        mobile: false,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    })
    .unwrap();
    tab.call_method(Emulation::SetEmulatedMedia {
        media: None,
        features: Some(vec![Emulation::MediaFeature {
            name: "prefers-color-scheme".into(),
            value: scheme.into(),
        }]),
    })
    .unwrap();
}

/// One service of the example in each stage, strategy to retired.
const A_SERVICE_IN_EACH_STAGE: [&str; 7] = [
    "genai-drafting",
    "risk-strategy",
    "quantitative-risk",
    "estimating-support",
    "risk-log",
    "benefits-tracking",
    "printed-status-pack",
];

/// For every text of the page's pictures: the shape it stands on (the
/// circle, rect or polygon beside it, else the page), that it lies wholly
/// inside that shape, and its contrast (WCAG relative luminance) against
/// what is behind it, opacity composed over the page. Gives
/// `{checked, problems}` as JSON.
const PICTURE_CONTRAST: &str = r#"(() => {
  const rgb = c => { const m = c.match(/[\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; };
  const over = (top, a, under) => ({ r: top.r * a + under.r * (1 - a), g: top.g * a + under.g * (1 - a), b: top.b * a + under.b * (1 - a) });
  const lum = c => [c.r, c.g, c.b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (x, y) => { const [hi, lo] = [lum(x), lum(y)].sort((p, q) => q - p); return (hi + 0.05) / (lo + 0.05); };
  const alpha = el => { let a = 1; for (let e = el; e && e.tagName !== 'svg'; e = e.parentElement) a *= Number(getComputedStyle(e).opacity); return a; };
  const page = rgb(getComputedStyle(document.body).backgroundColor);
  const problems = [];
  let checked = 0;
  for (const t of document.querySelectorAll('svg text')) {
    if (!t.getClientRects().length) continue;
    checked++;
    const shape = t.parentElement.querySelector(':scope > circle, :scope > rect, :scope > polygon');
    let behind = page;
    if (shape) {
      const s = getComputedStyle(shape);
      behind = over(rgb(s.fill), alpha(shape) * Number(s.fillOpacity), page);
      const b = t.getBBox();
      const corners = [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height], [b.x + b.width, b.y + b.height]];
      const out = corners.find(([x, y]) => !shape.isPointInFill(new DOMPoint(x, y)));
      if (out) problems.push(`"${t.textContent}" spills out of its ${shape.tagName} at ${out.map(v => v.toFixed(1))}`);
    }
    const fill = rgb(getComputedStyle(t).fill);
    const r = ratio(over(fill, fill.a * alpha(t), behind), behind);
    if (r < 4.5) problems.push(`"${t.textContent}" (${t.closest('[class]').getAttribute('class')}): ${r.toFixed(2)}:1`);
  }
  return JSON.stringify({ checked, problems });
})()"#;

/// Every text in the pictures (the stage map, the dependency graph, the
/// lifecycle strip with each stage current, the attainment charts of the
/// health page and of a service) lies on its own shape and reads at 4.5:1
/// or more against it, in light and in dark mode.
fn picture_text_has_contrast_in_light_and_dark() {
    let (tmp, site) = built_example();
    let browser = browser(&tmp.path().join("profile"));
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(20));
    let mut pages = vec![
        "index.html".to_string(),
        "dependencies.html".to_string(),
        "health.html".to_string(),
        "roadmap.html".to_string(),
        "services/change-control.html".to_string(),
    ];
    pages.extend(A_SERVICE_IN_EACH_STAGE.map(|id| format!("services/{id}.html")));
    let mut problems = Vec::new();
    for scheme in ["light", "dark"] {
        emulate(&tab, 1280, scheme);
        for page in &pages {
            open(&tab, &site, page);
            let found = evaluate_json(&tab, PICTURE_CONTRAST);
            assert!(found["checked"].as_u64() > Some(6), "{page}: {found}");
            for p in found["problems"].as_array().unwrap() {
                problems.push(format!("{page} ({scheme}): {}", p.as_str().unwrap()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The current chevron of the lifecycle strip, the strip's figure, the
/// viewport and the page's scroll width, in CSS pixels, as JSON.
const STRIP_BOXES: &str = r#"(() => {
  const box = el => { const r = el.getBoundingClientRect(); return { left: r.left, right: r.right }; };
  return JSON.stringify({
    current: box(document.querySelector('svg.lifecycle .current polygon')),
    figure: box(document.querySelector('figure.strip')),
    viewport: innerWidth,
    visible: document.documentElement.clientWidth,
    page: document.documentElement.scrollWidth,
  });
})()"#;

/// At phone width (390 px) a service page's lifecycle strip shows its
/// current stage whole, in every stage: in operation (past the middle) and
/// retired (the last) were cut off at the right edge.
fn the_current_stage_is_in_view_at_phone_width() {
    let (tmp, site) = built_example();
    let browser = browser(&tmp.path().join("profile"));
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(20));
    emulate(&tab, 390, "light");
    for id in A_SERVICE_IN_EACH_STAGE {
        open(&tab, &site, &format!("services/{id}.html"));
        let b = evaluate_json(&tab, STRIP_BOXES);
        let px = |v: &serde_json::Value| v.as_f64().unwrap();
        let (left, right) = (px(&b["current"]["left"]), px(&b["current"]["right"]));
        assert_eq!(px(&b["viewport"]), 390.0, "{b}");
        let visible = px(&b["visible"]);
        assert!(
            left >= px(&b["figure"]["left"]).max(0.0)
                && right <= px(&b["figure"]["right"]).min(visible),
            "{id}: the current stage is out of view: {b}"
        );
        assert!(
            px(&b["page"]) <= visible,
            "{id}: the page scrolls sideways: {b}"
        );
    }
}

/// The change-load heat map's box and table, the viewport and the page's
/// scroll width, in CSS pixels, as JSON.
const HEAT_BOXES: &str = r#"(() => {
  const wrap = document.querySelector('.heat-wrap');
  return JSON.stringify({
    wrap: wrap.getBoundingClientRect().right,
    wrap_scroll: wrap.scrollWidth,
    wrap_width: wrap.clientWidth,
    visible: document.documentElement.clientWidth,
    page: document.documentElement.scrollWidth,
    wider: Array.from(document.querySelectorAll('body *'))
      .filter(e => !e.closest('.heat-wrap, nav.main-nav') && e.getBoundingClientRect().right > document.documentElement.clientWidth)
      .map(e => e.tagName + '.' + e.className).slice(0, 5),
  });
})()"#;

/// At phone width (390 px) the change-load map scrolls sideways inside its
/// box, never the page; at 1280 px, in light and dark, it fits.
fn the_change_load_map_scrolls_in_its_box_at_phone_width() {
    let (tmp, site) = built_example();
    let browser = browser(&tmp.path().join("profile"));
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(20));
    for (width, scheme) in [
        (390, "light"),
        (390, "dark"),
        (1280, "light"),
        (1280, "dark"),
    ] {
        emulate(&tab, width, scheme);
        open(&tab, &site, "change-load.html");
        let b = evaluate_json(&tab, HEAT_BOXES);
        let px = |v: &serde_json::Value| v.as_f64().unwrap();
        assert!(
            px(&b["page"]) <= px(&b["visible"]),
            "{width} px: the page scrolls sideways: {b}"
        );
        assert!(px(&b["wrap"]) <= px(&b["visible"]), "{width} px: {b}");
        if width == 390 {
            assert!(
                px(&b["wrap_scroll"]) > px(&b["wrap_width"]),
                "the map scrolls in its box: {b}"
            );
        }
    }
}

/// The search widget's state: whether the list shows, the focused
/// element, the results (title and whole text), the status line.
const SEARCH_STATE: &str = r#"JSON.stringify({
  shown: !document.getElementById('search-results').hidden,
  focus: document.activeElement.closest('#search-results') ? 'result'
    : document.activeElement.id || document.activeElement.className || document.activeElement.tagName,
  results: Array.from(document.querySelectorAll('#search-results a'))
    .map(a => ({ title: a.querySelector('.title').textContent, text: a.textContent })),
  status: document.getElementById('search-status').textContent,
})"#;

/// Polls the search widget (up to 10 s) until `done` holds of its state.
fn search_state(
    tab: &headless_chrome::Tab,
    done: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let mut state = serde_json::Value::Null;
    for _ in 0..100 {
        state = evaluate_json(tab, SEARCH_STATE);
        if done(&state) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    state
}

/// "risk" lists the services whose names hold the word before the entries
/// that have it only in their id or summary; a result says its kind apart
/// from its title; the list closes when focus leaves the widget and on
/// Escape (which clears the box only once the list is closed), and opens
/// again when the box is focused.
fn search_ranks_names_first_and_closes_when_focus_leaves() {
    let (tmp, site) = built_example();
    let browser = browser(&tmp.path().join("profile"));
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(20));
    let errors = watch_errors(&tab);
    open(&tab, &site, "index.html");
    tab.wait_for_element("#search-input")
        .unwrap()
        .click()
        .unwrap();
    tab.type_str("risk").unwrap();
    let state = search_state(&tab, |s| {
        s["status"].as_str().is_some_and(|t| t.ends_with("results"))
    });
    assert_names_come_first(&state);
    assert_the_list_follows_the_focus(&tab);

    let errors = errors.lock().unwrap();
    assert!(errors.is_empty(), "console errors: {errors:#?}");
}

/// The results for "risk": the entries whose titles hold the word first,
/// the services among them; each result says its kind apart from its title.
fn assert_names_come_first(state: &serde_json::Value) {
    let titles: Vec<&str> = state["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    let has_word = |t: &str| {
        t.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "risk")
    };
    let names: Vec<&str> = titles.iter().copied().take_while(|t| has_word(t)).collect();
    // The function named exactly `risk`, then the risk log (its id begins
    // with the word), before names that merely hold it.
    assert_eq!(
        titles.get(1),
        Some(&"Update the risk log"),
        "results: {titles:?}"
    );
    for name in [
        "Update the risk log",
        "Risk workshops",
        "Quantitative schedule risk analysis",
    ] {
        assert!(
            names.contains(&name),
            "{name} is not among the first results: {titles:?}"
        );
    }
    assert!(
        titles[names.len()..].iter().all(|t| !has_word(t)),
        "a title with the word after one without: {titles:?}"
    );
    let risk_log = state["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == "Update the risk log")
        .unwrap();
    assert!(
        risk_log["text"]
            .as_str()
            .unwrap()
            .starts_with("Update the risk log, service: PMO support"),
        "kind and title run together: {risk_log}"
    );
}

/// Focus on a result keeps the list; focus leaving the widget closes it,
/// coming back opens it; Escape closes it.
fn assert_the_list_follows_the_focus(tab: &headless_chrome::Tab) {
    use headless_chrome::browser::tab::ModifierKey;
    tab.press_key("ArrowDown").unwrap();
    let state = search_state(tab, |s| s["focus"] != "search-input");
    assert_eq!(
        (&state["shown"], &state["focus"]),
        (&true.into(), &"result".into()),
        "{state}"
    );
    tab.press_key("ArrowUp").unwrap();
    tab.press_key_with_modifiers("Tab", Some(&[ModifierKey::Shift]))
        .unwrap();
    let state = search_state(tab, |s| s["focus"] == "brand");
    assert_eq!(
        (&state["shown"], &state["focus"]),
        (&false.into(), &"brand".into()),
        "{state}"
    );
    // Back in the box, the list shows again; Escape closes it.
    tab.find_element("#search-input").unwrap().click().unwrap();
    let state = search_state(tab, |s| s["shown"] == true);
    assert_eq!(state["shown"], true, "{state}");
    tab.press_key("Escape").unwrap();
    let state = search_state(tab, |s| s["shown"] == false);
    assert_eq!(
        (&state["shown"], &state["focus"]),
        (&false.into(), &"search-input".into()),
        "{state}"
    );
    // Tab past the last result leaves the widget: the list closes.
    tab.press_key("ArrowDown").unwrap();
    tab.evaluate(
        "document.querySelector('#search-results li:last-child a').focus()",
        false,
    )
    .unwrap();
    tab.press_key("Tab").unwrap();
    let state = search_state(tab, |s| s["shown"] == false);
    assert_eq!(state["shown"], false, "{state}");
    assert_eq!(state["focus"], "A", "a link of the navigation: {state}");
    assert!(
        !state["results"].as_array().unwrap().is_empty(),
        "closed, not emptied: {state}"
    );
}

/// axe-core, vendored and pinned (`tests/vendor/axe-core/README.md`).
const AXE: &str = include_str!("vendor/axe-core/axe.min.js");

/// axe's violations of impact serious or critical on the open page, one
/// line per rule and element.
fn axe_serious(tab: &headless_chrome::Tab) -> Vec<String> {
    if tab.evaluate("typeof axe", false).unwrap().value != Some("object".into()) {
        tab.evaluate(AXE, false).unwrap();
    }
    let found = evaluate_json(
        tab,
        "axe.run(document, { resultTypes: ['violations'] }).then(r => JSON.stringify(\
           r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')\
             .flatMap(v => v.nodes.map(n => `${v.id} (${v.impact}): ${v.help}: \
               ${n.target.join(' ')}: ${n.failureSummary.replace(/\\s+/g, ' ')}`))))",
    );
    serde_json::from_value(found).unwrap()
}

/// axe-core finds no violation of impact serious or critical on the pages
/// with pictures, charts, tables and lists (and on the index with search
/// results open, on the triggers page with every list unfolded), in light
/// and dark mode, wide and at phone width. All are listed.
fn axe_finds_nothing_serious_or_critical() {
    let (tmp, site) = built_example();
    let browser = browser(&tmp.path().join("profile"));
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(60));
    let pages = [
        "index.html",
        "services/risk-log.html",
        "dependencies.html",
        "health.html",
        "slas.html",
        "services/change-control.html",
        "services/stage-gate-reviews.html",
        "customers/project-managers.html",
        "triggers.html",
        "roadmap.html",
        "capacity.html",
        "change-load.html",
        "improvements.html",
        "improvements/tl-refresh.html",
        "services/benefits-tracking.html",
        "gates/g5-transform-or-retire.html",
        // The adoption chart against its plan, and KPIs charted.
        "services/estimating-support.html",
        "services/meeting-booking.html",
        // The lifecycle board, the register of SLAs, lists by name, a
        // group with a retired service.
        "lifecycle.html",
        "people.html",
        "functions/schedule.html",
        "customers/executives.html",
    ];
    let mut violations = Vec::new();
    for (width, scheme) in [
        (1280, "light"),
        (1280, "dark"),
        (390, "light"),
        (390, "dark"),
    ] {
        emulate(&tab, width, scheme);
        let mut found = |page: &str, tab: &headless_chrome::Tab| {
            for v in axe_serious(tab) {
                violations.push(format!("{page} ({width} px, {scheme}): {v}"));
            }
        };
        for page in pages {
            open(&tab, &site, page);
            found(page, &tab);
        }
        // The triggers page with its folded lists open.
        open(&tab, &site, "triggers.html");
        tab.evaluate(
            "document.querySelectorAll('details').forEach(d => d.open = true)",
            false,
        )
        .unwrap();
        found("triggers.html, unfolded", &tab);
        // The search results, open.
        open(&tab, &site, "index.html");
        tab.wait_for_element("#search-input")
            .unwrap()
            .click()
            .unwrap();
        tab.type_str("risk").unwrap();
        tab.wait_for_element("#search-results li").unwrap();
        found("index.html, searching", &tab);
    }
    assert!(
        violations.is_empty(),
        "{} serious or critical axe violations:\n{}",
        violations.len(),
        violations.join("\n")
    );
}

/// The lifecycle board: its columns' boxes, its scroll box, the fade at
/// its edges (the mask's stops), the hint's display and the page's
/// scroll width, as JSON.
const BOARD: &str = r#"(() => {
  const wrap = document.querySelector('.board-wrap');
  const cols = Array.from(document.querySelectorAll('.board .column')).map(c => {
    const r = c.getBoundingClientRect(); return { top: r.top, left: r.left, right: r.right };
  });
  const s = getComputedStyle(wrap);
  return JSON.stringify({
    cols,
    wrap_right: wrap.getBoundingClientRect().right,
    scroll: wrap.scrollWidth, width: wrap.clientWidth,
    cue_right: s.getPropertyValue('--cue-right'), cue_left: s.getPropertyValue('--cue-left'),
    hint: getComputedStyle(document.querySelector('.board-hint')).display,
    visible: document.documentElement.clientWidth,
    page: document.documentElement.scrollWidth,
  });
})()"#;

/// At 1280 px the board's seven columns stand in one row, in view; at
/// 390 px the board scrolls sideways in its own box (never the page),
/// says so above it, and its right edge fades out (the scroll-driven
/// cue), the left too once scrolled, the right no more at the end.
fn the_board_is_one_row_wide_and_scrolls_with_a_cue_on_a_phone() {
    let (tmp, site) = built_example();
    let browser = browser(&tmp.path().join("profile"));
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(20));
    let px = |v: &serde_json::Value| v.as_f64().unwrap();
    for scheme in ["light", "dark"] {
        emulate(&tab, 1280, scheme);
        open(&tab, &site, "lifecycle.html");
        let b = evaluate_json(&tab, BOARD);
        let cols = b["cols"].as_array().unwrap();
        assert_eq!(cols.len(), 7, "{b}");
        assert!(
            cols.iter().all(|c| px(&c["top"]) == px(&cols[0]["top"])),
            "one row: {b}"
        );
        assert!(
            px(&cols[6]["right"]) <= px(&b["visible"]),
            "all in view: {b}"
        );
        assert!(
            px(&b["scroll"]) <= px(&b["width"]),
            "nothing to scroll: {b}"
        );
        assert_eq!(b["hint"], "none", "{b}");
        assert_eq!(
            b["cue_right"], "0px",
            "no fade where nothing overflows: {b}"
        );

        emulate(&tab, 390, scheme);
        open(&tab, &site, "lifecycle.html");
        let b = evaluate_json(&tab, BOARD);
        assert!(
            px(&b["page"]) <= px(&b["visible"]),
            "the page scrolls sideways: {b}"
        );
        assert!(
            px(&b["scroll"]) > px(&b["width"]) * 2.0,
            "the board scrolls: {b}"
        );
        assert_eq!(b["hint"], "block", "{b}");
        assert_eq!(
            (b["cue_left"].as_str(), b["cue_right"].as_str()),
            (Some("0px"), Some("48px")),
            "{b}"
        );
        tab.evaluate(
            "document.querySelector('.board-wrap').scrollLeft = 400",
            false,
        )
        .unwrap();
        let b = evaluate_json(&tab, BOARD);
        assert_eq!(
            (b["cue_left"].as_str(), b["cue_right"].as_str()),
            (Some("48px"), Some("48px")),
            "{b}"
        );
        tab.evaluate(
            "document.querySelector('.board-wrap').scrollLeft = 1e6",
            false,
        )
        .unwrap();
        let b = evaluate_json(&tab, BOARD);
        assert_eq!(b["cue_right"], "0px", "the end reached: {b}");
    }
}

/// On a page: the elements wider than the screen outside a scroll box
/// (there must be none), each scroll box that overflows and whether its
/// right edge fades, the tabs of the navigation out of view.
const OVERFLOW: &str = r#"(() => {
  const visible = document.documentElement.clientWidth;
  const boxes = Array.from(document.querySelectorAll('.table-wrap, .scroll-x, figure.picture:not(.strip)'));
  const scrolls = el => boxes.some(b => b !== el && b.contains(el));
  return JSON.stringify({
    page: document.documentElement.scrollWidth, visible,
    wider: Array.from(document.querySelectorAll('main *'))
      .filter(e => !scrolls(e) && !e.closest('figure.strip') && e.getBoundingClientRect().right > visible + 0.5)
      .map(e => e.tagName + '.' + e.className).slice(0, 5),
    boxes: boxes.filter(b => b.scrollWidth > b.clientWidth + 1)
      .map(b => ({ what: b.tagName + '.' + b.className, cue: getComputedStyle(b).getPropertyValue('--cue-right') })),
    tabs_hidden: Array.from(document.querySelectorAll('nav.main-nav a'))
      .filter(a => { const r = a.getBoundingClientRect(); return r.right > visible || r.left < 0 || r.width === 0; })
      .map(a => a.textContent),
  });
})()"#;

/// At 390 px, in light and dark: the page never scrolls sideways; what is
/// wider (the function × stage map, the SLA register, the board, tables)
/// scrolls in its own box with its right edge fading; every tab of the
/// navigation is in view (Health and Plan included).
fn wide_things_scroll_in_their_box_and_every_tab_shows_on_a_phone() {
    let (tmp, site) = built_example();
    let browser = browser(&tmp.path().join("profile"));
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(20));
    let px = |v: &serde_json::Value| v.as_f64().unwrap();
    let mut problems = Vec::new();
    for scheme in ["light", "dark"] {
        emulate(&tab, 390, scheme);
        for (page, wide) in [
            ("index.html", Some("FIGURE.picture")),
            ("slas.html", Some("DIV.table-wrap register")),
            ("lifecycle.html", Some("DIV.scroll-x board-wrap")),
            ("dependencies.html", Some("FIGURE.picture wide")),
            ("health.html", None),
            ("people.html", None),
            ("services/change-control.html", None),
            ("customers/executives.html", None),
        ] {
            open(&tab, &site, page);
            let b = evaluate_json(&tab, OVERFLOW);
            let at = format!("{page} ({scheme})");
            if px(&b["page"]) > px(&b["visible"]) {
                problems.push(format!("{at}: the page scrolls sideways: {b}"));
            }
            if !b["wider"].as_array().unwrap().is_empty() {
                problems.push(format!("{at}: wider than the screen: {}", b["wider"]));
            }
            if !b["tabs_hidden"].as_array().unwrap().is_empty() {
                problems.push(format!("{at}: tabs out of view: {}", b["tabs_hidden"]));
            }
            let boxes = b["boxes"].as_array().unwrap();
            for scroller in boxes {
                if scroller["cue"] != "48px" {
                    problems.push(format!("{at}: no cue on {scroller}"));
                }
            }
            if let Some(wide) = wide
                && !boxes.iter().any(|s| s["what"] == wide)
            {
                problems.push(format!("{at}: {wide} does not scroll: {b}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The seven stage colours, as the page computes them, in CIELAB.
const STAGE_COLOURS: &str = r#"(() => {
  const probe = document.createElement('span');
  document.body.append(probe);
  const lab = c => {
    const [r, g, b] = c.match(/[\d.]+/g).slice(0, 3).map(v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    const f = t => t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116;
    const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047), y = f(0.2126 * r + 0.7152 * g + 0.0722 * b), z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
    return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
  };
  const out = {};
  for (const s of ['strategy', 'design', 'pilot', 'implementation', 'operation', 'transform', 'retired']) {
    probe.style.color = `var(--${s})`;
    out[s] = lab(getComputedStyle(probe).color);
  }
  probe.remove();
  return JSON.stringify(out);
})()"#;

/// Every pair of stage colours is at least 20 apart (CIE76 ΔE) in light
/// and in dark mode: pilot and operation no longer look alike. (The
/// colour is never the only cue: the board, badges, map and graph name
/// the stage.)
fn stage_colours_are_distinct_in_light_and_dark() {
    let (tmp, site) = built_example();
    let browser = browser(&tmp.path().join("profile"));
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(20));
    let mut problems = Vec::new();
    for scheme in ["light", "dark"] {
        emulate(&tab, 1280, scheme);
        open(&tab, &site, "lifecycle.html");
        let colours = evaluate_json(&tab, STAGE_COLOURS);
        let colours = colours.as_object().unwrap();
        let lab = |s: &str| -> Vec<f64> {
            colours[s]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect()
        };
        let names: Vec<&String> = colours.keys().collect();
        for (i, a) in names.iter().enumerate() {
            for b in &names[i + 1..] {
                let d = lab(a)
                    .iter()
                    .zip(lab(b))
                    .map(|(p, q)| (p - q).powi(2))
                    .sum::<f64>()
                    .sqrt();
                if d < 20.0 {
                    problems.push(format!("{scheme}: {a} and {b} are {d:.1} apart"));
                }
            }
        }
        // Each column of the board names its stage.
        let named = tab
            .evaluate("Array.from(document.querySelectorAll('.board .column .stage-name')).map(e => e.textContent).join(',')", false)
            .unwrap();
        assert_eq!(
            named.value,
            Some("Strategy,Design,Pilot,Implementation,Operation,Transform,Retired".into())
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Waits (up to 10 s) for the tab's URL to end with `suffix`; returns the URL.
pub fn wait_for_url(tab: &headless_chrome::Tab, suffix: &str) -> String {
    for _ in 0..100 {
        let url = tab.get_url();
        if url.ends_with(suffix) {
            return url;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    tab.get_url()
}

/// The error watch itself catches errors: a theme whose script throws.
fn a_script_error_is_caught() {
    let tmp = tempfile::tempdir().unwrap();
    let browser = browser(&tmp.path().join("profile"));
    let project = tmp.path().join("p");
    std::fs::create_dir_all(project.join("theme/assets")).unwrap();
    std::fs::write(project.join("pmo.kdl"), "pmo \"p\" { name \"P\"; mandate \"M\"; sponsor \"ann\"; as-of \"2026-11-01\" }\nperson \"ann\" name=\"Ann\"\n").unwrap();
    std::fs::write(
        project.join("theme/assets/search.js"),
        "console.error('boom'); undefinedFunction();\n",
    )
    .unwrap();
    let out = tmp.path().join("site");
    common::build_into(&project, &out);
    let tab = browser.new_tab().unwrap();
    let errors = watch_errors(&tab);
    tab.navigate_to(&format!("file://{}/index.html", out.display()))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    for _ in 0..50 {
        if errors.lock().unwrap().len() >= 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let errors = errors.lock().unwrap();
    assert!(
        errors.iter().any(|e| e.contains("console.error")),
        "{errors:?}"
    );
    assert!(errors.iter().any(|e| e.contains("exception")), "{errors:?}");
}

/// `pmoc serve` in the browser: an edit reloads the open page by itself.
fn a_served_page_reloads_after_an_edit() {
    let tmp = tempfile::tempdir().unwrap();
    let browser = browser(&tmp.path().join("profile"));
    let dir = common::project();
    let served = common::Served::start(dir.path(), &[]);
    served.wait_for("/services/keep.html", "the first build", |s, _| s == 200);
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(20));
    let errors = watch_errors(&tab);
    let url = format!("http://127.0.0.1:{}/services/keep.html", served.port);
    tab.navigate_to(&url)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    assert_eq!(
        tab.wait_for_element("h1")
            .unwrap()
            .get_inner_text()
            .unwrap(),
        "Keep the lights on"
    );
    // A mark that only survives as long as the page is not reloaded.
    tab.evaluate("window.__notReloaded = true", false).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(
        dir.path().join("services/keep.kdl"),
        common::service("keep", "Reloaded by itself"),
    )
    .unwrap();
    let mut h1 = String::new();
    for _ in 0..100 {
        std::thread::sleep(Duration::from_millis(100));
        if let Ok(el) = tab.find_element("h1") {
            h1 = el.get_inner_text().unwrap_or_default();
            if h1 == "Reloaded by itself" {
                break;
            }
        }
    }
    assert_eq!(
        h1, "Reloaded by itself",
        "the page reloaded with the new name"
    );
    let mark = tab
        .evaluate("window.__notReloaded === true", false)
        .unwrap();
    assert_eq!(
        mark.value,
        Some(serde_json::json!(false)),
        "it was a reload, not an in-place edit"
    );
    let errors = errors.lock().unwrap();
    assert!(errors.is_empty(), "console errors: {errors:#?}");
}
