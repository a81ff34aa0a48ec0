//! Numbers as people read them in messages, reviews and pages: whole
//! numbers without decimals (`95`, not `95.0`), others to at most two
//! decimals (`96.67`, `2.5`).

/// Whether a number is whole (and small enough to print as an integer).
pub fn is_whole(v: f64) -> bool {
    v.fract() == 0.0 && v.abs() < 1e15
}

/// A number as text: `95`, `2.5`, `96.67`.
pub fn show(v: f64) -> String {
    if is_whole(v) {
        return format!("{}", v as i64);
    }
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(super::show(95.0), "95");
        assert_eq!(super::show(2.5), "2.5");
        assert_eq!(super::show(96.666_666), "96.67");
        assert_eq!(super::show(-20.0), "-20");
        assert_eq!(super::show(4.1), "4.1");
    }
}
