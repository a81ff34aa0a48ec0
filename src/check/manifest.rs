//! The manifest's rules that are not the schema's: its `output` folder must
//! not hold sources (`invalid-value`). Compilation knows whether it does
//! (discovery found sources there) and asks this rule for the finding.

use crate::base::{Code, Diagnostic};
use crate::model::Model;

/// The manifest's `output` names a folder that holds sources: each build
/// would replace them, and discovery would leave them out.
pub fn output_with_sources(model: &Model) -> Option<Diagnostic> {
    let output = model.pmo.as_ref()?.output.as_ref()?;
    Some(
        Diagnostic::new(
            Code::InvalidValue,
            output.span,
            format!(
                "`{}` cannot be the output folder: it holds `.kdl` sources, which each build would replace",
                output.value
            ),
        )
        .help("name a folder of its own for the site, such as `site`"),
    )
}
