//! What the JSON outputs share: numbers serialized as people write them
//! (`95`, not `95.0`), pretty JSON newline-terminated, and JSON Schemas
//! (draft 2020-12) derived from the types, so a schema cannot drift from its
//! output.

use schemars::JsonSchema;
use serde::Serialize;

use crate::base::number::is_whole;

/// Whole numbers as integers, others as they are (`serialize_with`).
pub(crate) fn number<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if is_whole(*v) {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(*v)
    }
}

/// [`number`] for an optional value.
pub(crate) fn optional_number<S: serde::Serializer>(
    v: &Option<f64>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => number(v, s),
        None => s.serialize_none(),
    }
}

/// A value as pretty JSON, newline-terminated.
pub fn pretty<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = serde_json::to_string_pretty(value).expect("serializable");
    out.push('\n');
    out
}

/// [`pretty`] into `out`, as it is serialized.
pub fn pretty_to<T: Serialize + ?Sized>(
    out: &mut dyn std::io::Write,
    value: &T,
) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    out.write_all(b"\n")
}

/// The JSON Schema (2020-12) of a type, pretty and newline-terminated.
pub fn schema_of<T: JsonSchema>() -> String {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    pretty(&generator.into_root_schema_for::<T>())
}
