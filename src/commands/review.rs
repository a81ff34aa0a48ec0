//! `pmoc review`: compile, then print the operations review
//! ([`crate::emit::review`]) as text, Markdown or JSON. A project with
//! errors gets its diagnostics (as `check` prints them) and no review.
//! Exit 0; 1 on errors or, with `--fail-on-fired`, when a trigger fired;
//! 2 when it cannot run.

use std::process::ExitCode;

use crate::cli::{Format, ReviewArgs, ReviewFormat};
use crate::compile::{self, Options};
use crate::emit::review;

pub fn run(args: &ReviewArgs) -> ExitCode {
    if let Some(dir) = &args.metrics
        && !dir.is_dir()
    {
        return super::fatal(format!(
            "the metrics folder `{}` is not a folder that can be read",
            dir.display()
        ));
    }
    let options = Options {
        metrics: args.metrics.clone(),
        ..Options::default()
    };
    let compiled = match compile::compile(&args.path, &options) {
        Ok(c) => c,
        Err(e) => return super::fatal(e),
    };
    if compiled.error_count() > 0 {
        super::check::report(&compiled, Format::Human);
        eprintln!("error: the project has errors; no review was made");
        return ExitCode::from(1);
    }
    let review = review::build(&compiled);
    let printed = match args.format {
        ReviewFormat::Text => review::text(&review),
        ReviewFormat::Markdown => review::markdown(&review),
        ReviewFormat::Json => review::to_json(&review),
    };
    print!("{printed}");
    if args.fail_on_fired && review.fired() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
