//! Shared vocabulary of every phase: source files and spans ([`source`]),
//! diagnostics as plain data ([`diag`]) and the table of rule codes ([`rules`]).

pub mod diag;
pub mod rules;
pub mod source;

pub use diag::{Diagnostic, Label, Severity};
pub use rules::Code;
pub use source::{FileId, SourceFile, SourceMap, Span, Spanned};
