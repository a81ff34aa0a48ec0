//! Shared vocabulary of every phase: source files and spans ([`source`]),
//! diagnostics as plain data ([`diag`]), the table of rule codes
//! ([`rules`]) and the tables of entity kinds and of the references between
//! them ([`kind`]), the addresses a link may take ([`link`]), and the
//! token that cancels a compilation in progress ([`cancel`]).

pub mod cancel;
pub mod diag;
pub mod kind;
pub mod link;
pub mod number;
pub mod rules;
pub mod source;

pub use diag::{Diagnostic, Edit, Fix, Label, Severity};
pub use kind::{EntityKind, Expect, Field};
pub use rules::Code;
pub use source::{FileId, SourceFile, SourceMap, Span, Spanned};
