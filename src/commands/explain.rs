//! `pmoc explain CODE`: the reference page of a rule code.

use std::process::ExitCode;

use crate::base::Code;
use crate::base::diag::did_you_mean;

pub fn run(code: Option<&str>) -> ExitCode {
    let Some(name) = code else {
        for code in Code::ALL {
            println!("{:<28} {}", code.as_str(), code.summary());
        }
        return ExitCode::SUCCESS;
    };
    match Code::from_name(name) {
        Some(code) => {
            print!("{}", code.doc());
            ExitCode::SUCCESS
        }
        None => {
            let hint = did_you_mean(name, Code::ALL.iter().map(|c| c.as_str()))
                .map(|h| format!("{h}\n"))
                .unwrap_or_default();
            let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
            eprintln!(
                "error: `{name}` is not a rule code\n{hint}valid codes: {}",
                codes.join(", ")
            );
            ExitCode::from(2)
        }
    }
}
