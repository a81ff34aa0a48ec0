//! `pmoc review`: compile, then print the operations review
//! ([`crate::review`]) as text, Markdown or JSON. A project with
//! errors gets its diagnostics (as `check` prints them) and no review.
//! Exit 0; 1 on errors or, with `--fail-on-fired`, when a trigger fired;
//! 2 when it cannot run.

use std::process::ExitCode;

use crate::cli::{ReviewArgs, ReviewFormat};
use crate::compile::Options;
use crate::review;

pub fn run(args: &ReviewArgs) -> ExitCode {
    let options = Options {
        metrics: args.metrics.clone(),
        as_of: args.as_of,
        ..Options::default()
    };
    let (compiled, _) =
        match super::compile_clean(&args.path, &options, args.quiet, "no review was made") {
            Ok(c) => c,
            Err(code) => return code,
        };
    let settings = review::Settings {
        horizon: args.horizon,
        since: args.since,
    };
    let review = review::build_with(&compiled, &settings);
    let printed = match args.format {
        ReviewFormat::Text => crate::emit::human::for_terminal(&review::text(&review)).into_owned(),
        ReviewFormat::Markdown => {
            crate::emit::human::for_terminal(&review::markdown(&review)).into_owned()
        }
        ReviewFormat::Json => review::to_json(&review),
    };
    print!("{printed}");
    if args.fail_on_fired && review.fired() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
