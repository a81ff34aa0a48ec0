//! The language server's message reader (`lsp::frame`) on any bytes: the
//! base protocol's header lines and bodies, read message after message to
//! the input's end, with the real 64 MiB bound and with a bound of 64
//! bytes (so that skipping and resynchronising run too). Never a panic;
//! every refusal is a JSON-RPC error whose id is null, a number or a
//! string; a refusal or a message comes only after at least one header
//! line. An allocation past the bound is a finding with
//! `-malloc_limit_mb` (see README).

#![no_main]

use libfuzzer_sys::fuzz_target;
use pmoc::lsp::frame::{self, Frame};

fuzz_target!(|data: &[u8]| {
    for bound in [frame::MAX_BODY, 64] {
        // A small buffer: lines and bodies cross its edges.
        let mut input = std::io::BufReader::with_capacity(7, data);
        let mut frames = 0usize;
        while let Ok(Some(frame)) = frame::read_bounded(&mut input, bound) {
            frames += 1;
            if let Frame::Refused(refusal) = frame {
                let json: serde_json::Value = serde_json::from_str(&refusal.to_json()).unwrap();
                assert!(json["error"]["code"].is_i64(), "{json}");
                let id = &json["id"];
                assert!(id.is_null() || id.is_number() || id.is_string(), "{json}");
            }
        }
        // Each frame takes a header line and a blank line at least.
        assert!(frames <= data.len() / 2, "{frames} frames of {} bytes", data.len());
    }
});
