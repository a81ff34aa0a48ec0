//! `pmoc-synth DIR N`: writes a synthetic, clean project of N services into
//! DIR (see `pmoc_synth::write_project`), for benchmarks and scale tests.
//! Exit 0 when written, 1 when DIR cannot be written, 2 on bad arguments.

use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage: pmoc-synth DIR N   (N: the number of services, e.g. 1000)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, n] = args.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let Ok(n) = n.parse::<usize>() else {
        eprintln!("pmoc-synth: `{n}` is not a number of services\n{USAGE}");
        return ExitCode::from(2);
    };
    match pmoc_synth::write_project(Path::new(dir), n) {
        Ok(()) => {
            eprintln!("wrote a project of {n} services to {dir}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("pmoc-synth: cannot write to `{dir}`: {e}");
            ExitCode::FAILURE
        }
    }
}
