//! A real editor as the client of `pmoc lsp`: headless Neovim (its own
//! `vim.lsp` client, configured as a user would in a few lines) opens a file
//! of a copy of the example and gets its diagnostics, jumps to a definition,
//! shows a hover and sees a finding come and go as the buffer is edited.
//! What Neovim saw is compared with what `pmoc check --format json` reports
//! and with the example's text, computed here, never written down.
//!
//! The Neovim side is `tests/nvim/init.lua`: each test runs one of its cases
//! in a fresh `nvim --headless --clean -u tests/nvim/init.lua`, which writes
//! what it saw as JSON and quits; Neovim is killed after [`DEADLINE`].
//!
//! The harness is libtest-mimic (`harness = false` in Cargo.toml), as in
//! `tests/browser.rs`: without `nvim` (a user's plain `cargo test`) the tests
//! show as ignored, with a note saying why; with `CI` set they must run, and
//! fail. Written against Debian's Neovim 0.7.2 (`vim.lsp.start_client`).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::{Value, json};

/// How long one Neovim session may take before it is killed.
const DEADLINE: Duration = Duration::from_secs(60);

/// A test: `Err` says what Neovim saw and what was wanted.
type Test = fn() -> Result<(), Failed>;

/// The Neovim tests, by name.
const TESTS: [(&str, Test); 6] = [
    (
        "an_open_file_gets_the_findings_of_pmoc_check",
        an_open_file_gets_the_findings_of_pmoc_check,
    ),
    (
        "definition_jumps_from_an_owner_to_the_person",
        definition_jumps_from_an_owner_to_the_person,
    ),
    ("hover_names_the_entity", hover_names_the_entity),
    (
        "an_edit_in_the_buffer_brings_a_finding_that_goes_when_undone",
        an_edit_in_the_buffer_brings_a_finding_that_goes_when_undone,
    ),
    (
        "the_guide_setup_for_neovim_0_7_works",
        the_guide_setup_for_neovim_0_7_works,
    ),
    (
        "completion_offers_the_people_for_an_owner",
        completion_offers_the_people_for_an_owner,
    ),
];

fn main() -> ExitCode {
    let args = Arguments::from_args();
    // Ignored only outside CI: there a missing Neovim is a failure.
    let why = missing();
    let ignored = why.is_some() && std::env::var_os("CI").is_none();
    if let (true, Some(why)) = (ignored, &why) {
        eprintln!("neovim tests ignored: {why}");
    }
    let trials = TESTS
        .into_iter()
        .map(|(name, test)| Trial::test(name, test).with_ignored_flag(ignored))
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}

/// Why Neovim cannot run here, if it cannot.
fn missing() -> Option<String> {
    let version = Command::new("nvim")
        .arg("--version")
        .stdin(Stdio::null())
        .output();
    match version {
        Ok(o) if o.status.success() => None,
        _ => Some("`nvim` not found (install Debian's `neovim`; .ci/run does)".into()),
    }
}

/// The file of the example the tests open: it has findings and owners.
const FILE: &str = "services/risk.kdl";

/// A copy of the example in a temporary folder, and its canonical path.
fn acme() -> (tempfile::TempDir, PathBuf) {
    common::example_copy("acme")
}

/// Runs the case `case` of `tests/nvim/init.lua` on the project `root` (in a
/// temporary folder, which also holds Neovim's state) and returns what it
/// recorded.
fn nvim(root: &Path, case: &str, args: Value) -> Result<Value, Failed> {
    let pmoc = common::bin();
    // `pmoc` on the PATH, for a setup that names it so (the guide's).
    let mut path = vec![pmoc.parent().unwrap_or(pmoc).to_path_buf()];
    path.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    let dir = root.parent().ok_or("the project has no parent folder")?;
    let out = dir.join("nvim-out.json");
    let config = dir.join("nvim-test.json");
    let test = json!({
        "pmoc": pmoc,
        "root": root,
        "case": case,
        "args": args,
        "out": out,
    });
    fs::write(&config, test.to_string())?;
    let init = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/nvim/init.lua");
    let log = dir.join("nvim-stderr.txt");
    let mut child = Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-i", "NONE", "-u"])
        .arg(&init)
        .current_dir(dir)
        .env("PMOC_NVIM_TEST", &config)
        .env("PATH", std::env::join_paths(path)?)
        // Neovim's log, the LSP log and any state stay in the temporary folder.
        .env("XDG_CONFIG_HOME", dir.join("xdg/config"))
        .env("XDG_DATA_HOME", dir.join("xdg/data"))
        .env("XDG_STATE_HOME", dir.join("xdg/state"))
        .env("XDG_CACHE_HOME", dir.join("xdg/cache"))
        .env("NVIM_LOG_FILE", dir.join("nvim.log"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(fs::File::create(&log)?)
        .spawn()
        .map_err(|e| format!("nvim does not start: {e}"))?;
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "nvim did not finish the case `{case}` in {DEADLINE:?}; its stderr:\n{}",
                fs::read_to_string(&log).unwrap_or_default()
            )
            .into());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stderr = fs::read_to_string(&log).unwrap_or_default();
    let text = fs::read_to_string(&out).map_err(|e| {
        format!("nvim ({status}) wrote no results for `{case}` ({e}); its stderr:\n{stderr}")
    })?;
    let results: Value = serde_json::from_str(&text)?;
    if let Some(error) = results.get("error") {
        let error = error
            .as_str()
            .map_or_else(|| error.to_string(), str::to_string);
        return Err(format!("the case `{case}` failed in nvim: {error}\nstderr:\n{stderr}").into());
    }
    if !results.is_object() {
        return Err(format!("the case `{case}` recorded nothing: {text}").into());
    }
    Ok(results)
}

/// A finding as compared: line and column (from 1), code.
type Finding = (u64, u64, String);

/// What `pmoc check --format json` reports for `file` of the project `root`.
fn checked(root: &Path, file: &str) -> Result<Vec<Finding>, Failed> {
    let output = common::pmoc()
        .args(["check", "--format", "json"])
        .arg(root)
        .output()?;
    let report: Value = serde_json::from_slice(&output.stdout)?;
    let all = report["diagnostics"]
        .as_array()
        .ok_or("pmoc check printed no diagnostics list")?;
    let mut findings: Vec<Finding> = all
        .iter()
        .filter(|d| d["file"] == file)
        .map(|d| {
            (
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
                d["code"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    findings.sort();
    Ok(findings)
}

/// The diagnostics Neovim recorded (`init.lua`'s `diagnostics`). The example
/// is ASCII: Neovim's byte column is the character column.
fn seen(list: &Value) -> Result<Vec<Finding>, Failed> {
    let list = list.as_array().ok_or("not a list of diagnostics")?;
    let mut findings: Vec<Finding> = list
        .iter()
        .map(|d| {
            (
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
                d["code"].as_str().unwrap_or("(no code)").to_string(),
            )
        })
        .collect();
    findings.sort();
    Ok(findings)
}

/// The line (from 1) of the first line of `text` holding `needle`, the byte
/// column (from 1) of `needle` in it, and the line.
fn find<'a>(text: &'a str, needle: &str) -> Result<(u64, u64, &'a str), Failed> {
    text.lines()
        .enumerate()
        .find_map(|(i, line)| Some((i as u64 + 1, line.find(needle)? as u64 + 1, line)))
        .ok_or_else(|| format!("`{needle}` is not in the text").into())
}

fn check_eq<T: PartialEq + std::fmt::Debug>(what: &str, got: T, want: T) -> Result<(), Failed> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}:\n  nvim: {got:?}\n  want: {want:?}").into())
    }
}

fn an_open_file_gets_the_findings_of_pmoc_check() -> Result<(), Failed> {
    let (_dir, root) = acme();
    let want = checked(&root, FILE)?;
    if want.is_empty() {
        return Err(format!("pmoc check finds nothing in {FILE}: pick another file").into());
    }
    let results = nvim(&root, "diagnostics", json!({ "file": FILE }))?;
    check_eq(
        "diagnostics of the open file",
        seen(&results["diagnostics"])?,
        want,
    )
}

/// The first `owner "…"` of [`FILE`] and the person it names.
fn first_owner(root: &Path) -> Result<(String, String), Failed> {
    let text = fs::read_to_string(root.join(FILE))?;
    let (_, column, line) = find(&text, "owner \"")?;
    let rest = &line[column as usize - 1 + "owner \"".len()..];
    let id = rest.split('"').next().unwrap_or_default().to_string();
    Ok((format!("owner \"{id}\""), id))
}

fn definition_jumps_from_an_owner_to_the_person() -> Result<(), Failed> {
    let (_dir, root) = acme();
    let (needle, id) = first_owner(&root)?;
    let args = json!({ "file": FILE, "needle": needle, "offset": "owner \"".len() + 1 });
    let results = nvim(&root, "definition", args)?;

    let source = fs::read_to_string(root.join(FILE))?;
    let (from_line, _, _) = find(&source, &needle)?;
    check_eq(
        "the cursor's line before the jump",
        &results["from"]["line"],
        &json!(from_line),
    )?;

    let people = fs::read_to_string(root.join("people.kdl"))?;
    let (line, column, _) = find(&people, &format!("person \"{id}\""))?;
    let to = &results["to"];
    let file = PathBuf::from(to["file"].as_str().unwrap_or_default());
    check_eq(
        "the file jumped to",
        file.canonicalize().unwrap_or(file),
        root.join("people.kdl"),
    )?;
    // The declaration's id, quote included.
    check_eq(
        "the place jumped to (line, column)",
        (to["line"].as_u64(), to["column"].as_u64()),
        (Some(line), Some(column + "person ".len() as u64)),
    )
}

fn hover_names_the_entity() -> Result<(), Failed> {
    let (_dir, root) = acme();
    let (needle, id) = first_owner(&root)?;
    let people = fs::read_to_string(root.join("people.kdl"))?;
    let (_, _, line) = find(&people, &format!("person \"{id}\""))?;
    let name = line
        .split("name=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or_else(|| format!("no name for {id} in people.kdl"))?;
    let args = json!({ "file": FILE, "needle": needle, "offset": "owner \"".len() + 1 });
    let results = nvim(&root, "hover", args)?;
    let lines: Vec<&str> = results["hover"]
        .as_array()
        .ok_or("no hover lines")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let text = lines.join("\n");
    if text.trim().is_empty() || !text.contains(&id) || !text.contains(name) {
        return Err(format!("the hover of `{needle}` should name {id} ({name}):\n{text}").into());
    }
    Ok(())
}

fn an_edit_in_the_buffer_brings_a_finding_that_goes_when_undone() -> Result<(), Failed> {
    let (_dir, root) = acme();
    let (needle, _) = first_owner(&root)?;
    let text = fs::read_to_string(root.join(FILE))?;
    let (line, _, old) = find(&text, &needle)?;
    let replacement = old.replace(&needle, "owner \"nobody-by-that-id\"");

    // What pmoc check says of the edited text, on disk in a second copy.
    let (_other, edited_root) = acme();
    let edited_text = text.replacen(old, &replacement, 1);
    fs::write(edited_root.join(FILE), edited_text)?;
    let want_edited = checked(&edited_root, FILE)?;
    let want = checked(&root, FILE)?;
    if !want_edited.iter().any(|f| f.0 == line && !want.contains(f)) {
        return Err(format!("pmoc check finds nothing new at line {line} after the edit").into());
    }

    let args = json!({ "file": FILE, "needle": needle, "replacement": replacement });
    let results = nvim(&root, "edit", args)?;
    check_eq("before the edit", seen(&results["before"])?, want.clone())?;
    check_eq("after the edit", seen(&results["edited"])?, want_edited)?;
    check_eq(
        "after putting the line back",
        seen(&results["restored"])?,
        want,
    )
}

/// The first block of Lua after `heading` in docs/guide.md.
fn readme_lua(heading: &str) -> Result<String, Failed> {
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/guide.md"))?;
    let after = readme
        .split_once(heading)
        .ok_or_else(|| format!("docs/guide.md has no `{heading}`"))?
        .1;
    let block = after
        .split_once("```lua\n")
        .and_then(|(_, rest)| rest.split_once("\n```"))
        .ok_or_else(|| format!("no Lua block after `{heading}` in docs/guide.md"))?
        .0;
    Ok(block.to_string())
}

/// docs/guide.md's setup for Neovim 0.7, as a user pastes it, with nothing else:
/// a `.kdl` file opened after it gets its filetype, the server and the
/// findings of `pmoc check`.
fn the_guide_setup_for_neovim_0_7_works() -> Result<(), Failed> {
    let (_dir, root) = acme();
    let setup = root.parent().ok_or("no parent")?.join("setup.lua");
    fs::write(&setup, readme_lua("**Neovim 0.7 and later**")?)?;
    let want = checked(&root, FILE)?;
    let results = nvim(&root, "setup", json!({ "file": FILE, "setup": setup }))?;
    check_eq("the filetype", &results["filetype"], &json!("kdl"))?;
    check_eq("the clients attached", &results["clients"], &json!(1))?;
    check_eq("the diagnostics", seen(&results["diagnostics"])?, want)
}

/// A half-written `owner "` completes with the people of `people.kdl`.
fn completion_offers_the_people_for_an_owner() -> Result<(), Failed> {
    let (_dir, root) = acme();
    let (needle, _) = first_owner(&root)?;
    let people = fs::read_to_string(root.join("people.kdl"))?;
    let mut want: Vec<String> = people
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("person \""))
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect();
    want.sort();
    let args = json!({ "file": FILE, "needle": needle, "replacement": "    owner \"" });
    let results = nvim(&root, "completion", args)?;
    let mut got: Vec<String> = results["labels"]
        .as_array()
        .ok_or("no labels")?
        .iter()
        .filter_map(|l| l.as_str().map(str::to_string))
        .collect();
    got.sort();
    check_eq("completion of `owner \"`", got, want)
}
