//! Calendar periods of observation: a month (`2026-06`), a quarter
//! (`2026-Q2`) or a year (`2026`), as a run of whole months, so that a finer
//! period can be found inside a coarser one.

use std::fmt;

use jiff::civil::Date;

use crate::model::Period;

/// One calendar period: `len` months from the absolute month `start`
/// (year × 12 + month − 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PeriodKey {
    start: i32,
    kind: Period,
}

fn months(kind: Period) -> i32 {
    match kind {
        Period::Month => 1,
        Period::Quarter => 3,
        Period::Year => 12,
    }
}

impl PeriodKey {
    /// Parses `2026-06`, `2026-Q2` or `2026` (four-digit years, from 0001).
    pub fn parse(s: &str) -> Option<PeriodKey> {
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Option<i32> {
            let part = b.get(r)?;
            part.iter()
                .all(u8::is_ascii_digit)
                .then(|| std::str::from_utf8(part).ok()?.parse().ok())?
        };
        // There is no year 0000: the calendar starts at 0001.
        let year = digits(0..4).filter(|&y| y >= 1)?;
        let (kind, index) = match b.len() {
            4 => (Period::Year, 1),
            7 if b[4] == b'-' && b[5] != b'Q' => (Period::Month, digits(5..7)?),
            7 if b[4] == b'-' && b[5] == b'Q' => (Period::Quarter, digits(6..7)?),
            _ => return None,
        };
        let count = 12 / months(kind);
        (1..=count).contains(&index).then_some(PeriodKey {
            start: year * 12 + (index - 1) * months(kind),
            kind,
        })
    }

    /// The period of `kind` that holds `date`.
    pub fn containing(date: Date, kind: Period) -> PeriodKey {
        let month = i32::from(date.year()) * 12 + i32::from(date.month()) - 1;
        let len = months(kind);
        PeriodKey {
            start: month - month.rem_euclid(len),
            kind,
        }
    }

    /// The last complete period before `as_of`: the one holding `as_of` is
    /// still open.
    pub fn last_complete(as_of: Date, kind: Period) -> PeriodKey {
        PeriodKey::containing(as_of, kind).previous()
    }

    pub fn kind(self) -> Period {
        self.kind
    }

    pub fn previous(self) -> PeriodKey {
        self.back(1)
    }

    /// The period after this one.
    pub fn next(self) -> PeriodKey {
        self.back(-1)
    }

    /// The period `n` periods before this one.
    pub fn back(self, n: i32) -> PeriodKey {
        PeriodKey {
            start: self.start - n * months(self.kind),
            kind: self.kind,
        }
    }

    /// The `n` periods that end with this one, oldest first.
    pub fn window(self, n: usize) -> Vec<PeriodKey> {
        let n = n.min(1200) as i32;
        (0..n).rev().map(|i| self.back(i)).collect()
    }

    fn end(self) -> i32 {
        self.start + months(self.kind)
    }

    /// The months the period covers: (its first, as year × 12 + month −
    /// 1, and how many), to place periods of any length on one time axis.
    pub fn months(self) -> (i32, i32) {
        (self.start, months(self.kind))
    }

    /// Whether this period lies inside `other` (or is it).
    pub fn within(self, other: PeriodKey) -> bool {
        self.start >= other.start && self.end() <= other.end()
    }

    /// The periods of `kind` (finer or equal) that make up this one.
    pub fn parts(self, kind: Period) -> Vec<PeriodKey> {
        let len = months(kind);
        (self.start..self.end())
            .step_by(len as usize)
            .map(|start| PeriodKey { start, kind })
            .collect()
    }

    fn year(self) -> i32 {
        self.start.div_euclid(12)
    }

    fn month(self) -> i32 {
        self.start.rem_euclid(12) + 1
    }

    /// The first day of the period.
    pub fn first_day(self) -> Date {
        Date::new(self.year() as i16, self.month() as i8, 1).unwrap_or(Date::MIN)
    }
}

impl fmt::Display for PeriodKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            Period::Month => write!(f, "{:04}-{:02}", self.year(), self.month()),
            Period::Quarter => write!(f, "{:04}-Q{}", self.year(), (self.month() - 1) / 3 + 1),
            Period::Year => write!(f, "{:04}", self.year()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn parses_and_prints() {
        for s in [
            "2026-06", "2026-01", "2026-12", "2026-Q1", "2026-Q4", "2026",
        ] {
            assert_eq!(PeriodKey::parse(s).unwrap().to_string(), s);
        }
        for bad in [
            "2026-13", "2026-00", "2026-Q5", "2026-Q0", "26-06", "2026-6", "2026-q2", "x",
        ] {
            assert!(PeriodKey::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_period_holding_as_of_is_open() {
        let as_of = date(2026, 11, 1);
        assert_eq!(
            PeriodKey::last_complete(as_of, Period::Month).to_string(),
            "2026-10"
        );
        assert_eq!(
            PeriodKey::last_complete(as_of, Period::Quarter).to_string(),
            "2026-Q3"
        );
        assert_eq!(
            PeriodKey::last_complete(as_of, Period::Year).to_string(),
            "2025"
        );
        let jan = date(2026, 1, 15);
        assert_eq!(
            PeriodKey::last_complete(jan, Period::Month).to_string(),
            "2025-12"
        );
    }

    #[test]
    fn windows_and_parts() {
        let oct = PeriodKey::parse("2026-10").unwrap();
        let w: Vec<String> = oct.window(3).iter().map(|p| p.to_string()).collect();
        assert_eq!(w, ["2026-08", "2026-09", "2026-10"]);
        let q3 = PeriodKey::parse("2026-Q3").unwrap();
        let parts: Vec<String> = q3
            .parts(Period::Month)
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(parts, ["2026-07", "2026-08", "2026-09"]);
        assert!(PeriodKey::parse("2026-08").unwrap().within(q3));
        assert!(!oct.within(q3));
        assert_eq!(q3.first_day(), date(2026, 7, 1));
    }
}
