//! A real browser: headless Chromium opens the built example from
//! `file://`, searches for a service, follows the result and finds its SLA
//! table, failing on any console error or exception. Without Chromium (a
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

use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::{Browser, LaunchOptions};
use libtest_mimic::{Arguments, Trial};

const CHROMIUM: &str = "/usr/bin/chromium";

/// The browser tests, by name.
const TESTS: [(&str, fn()); 3] = [
    (
        "search_from_file_url_leads_to_the_sla_table",
        search_from_file_url_leads_to_the_sla_table,
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
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme");
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
