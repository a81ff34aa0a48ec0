//! The integration tests, one module a subject, in one test binary: each
//! binary links the whole library, so one binary builds far faster than one
//! a file. The tests with their own harness (`browser`, `backstage`,
//! `nvim`: Cargo.toml's `[[test]]`) and `architecture` (which reads the
//! sources and links nothing of pmoc) stay separate binaries. A module's
//! tests run alone with a filter: `cargo test --test it fmt::`.

#[path = "../common/mod.rs"]
mod common;
#[path = "../common/plain.rs"]
mod plain;

mod lsp_client;
mod rng;

mod cache;
mod cli;
mod diff;
mod engine_walk;
mod export;
mod fmt;
mod hostile;
mod init;
mod kdl_spec;
mod lsp;
mod lsp_actions;
mod lsp_burst;
mod lsp_complete;
mod lsp_random;
mod lsp_rename;
mod lsp_workspace;
mod metrics;
mod review;
mod rules;
mod serve;
mod site;
mod slips;
mod tree;
mod tree_v1;
