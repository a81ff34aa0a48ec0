//! The value types of the model: the closed sets of words the language
//! accepts (stages, levels, units…) and durations.

/// A closed set of words the language accepts for a value.
pub trait Keyword: Sized + Copy {
    /// Every accepted word, in the order the language lists them.
    const WORDS: &'static [&'static str];
    fn parse(word: &str) -> Option<Self>;
}

/// Defines a keyword enum: the words the language accepts for it, in order.
macro_rules! keywords {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $word:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),* }
            }
        }

        impl Keyword for $name {
            const WORDS: &'static [&'static str] = &[$($word),*];

            fn parse(word: &str) -> Option<$name> {
                match word { $($word => Some($name::$variant),)* _ => None }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "enum": [$($word),*] })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

keywords! {
    /// A lifecycle stage, in lifecycle order.
    Stage {
        Strategy = "strategy", Design = "design", Pilot = "pilot",
        Implementation = "implementation", Operation = "operation",
        Transform = "transform", Retired = "retired",
    }
}

impl Stage {
    /// The stage a word names.
    pub fn parse_word(word: &str) -> Option<Stage> {
        <Stage as Keyword>::parse(word)
    }

    /// Strategy, design, pilot and implementation: ITIL's pipeline.
    pub fn in_pipeline(self) -> bool {
        self < Stage::Operation
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

keywords! {
    /// The organisational level a function or service works at.
    Level { Portfolio = "portfolio", Programme = "programme", Project = "project", Coe = "coe" }
}
keywords! {
    /// How a service is offered to a customer group.
    OfferLevel { Mandated = "mandated", Additional = "additional" }
}
keywords! {
    /// Office structure of the PMO.
    Structure { Single = "single", HubSpoke = "hub-spoke", Decentralised = "decentralised" }
}
keywords! {
    /// A metric's unit, which fixes its valid range.
    Unit { Percent = "percent", Count = "count", Days = "days", Hours = "hours", Score5 = "score5", Nps = "nps" }
}

impl Unit {
    /// The inclusive range a value of this unit may take.
    pub fn range(self) -> (f64, f64) {
        match self {
            Unit::Percent => (0.0, 100.0),
            Unit::Count | Unit::Days | Unit::Hours => (0.0, f64::INFINITY),
            Unit::Score5 => (1.0, 5.0),
            Unit::Nps => (-100.0, 100.0),
        }
    }
}

keywords! {
    /// Which way a metric is better.
    Direction { Higher = "higher", Lower = "lower" }
}
keywords! {
    /// A measurement period.
    Period { Month = "month", Quarter = "quarter", Year = "year" }
}
keywords! {
    /// What an SLA's breach allowance (`budget … per=`) counts over: the
    /// calendar year, the only value.
    AllowancePer { Year = "year" }
}
keywords! {
    /// The calendar an SLA counts time in.
    Calendar { Business = "business", Calendar = "calendar" }
}
keywords! {
    /// The outcome of a gate decision.
    DecisionOutcome { Go = "go", Kill = "kill", Hold = "hold", Recycle = "recycle" }
}
keywords! {
    /// What a trigger asks for when it fires.
    Action { Review = "review", Transform = "transform", Retire = "retire", Notify = "notify" }
}
keywords! {
    /// The comparison of a trigger condition.
    Comparison { Below = "below", Above = "above", AtMost = "at-most", AtLeast = "at-least" }
}
keywords! {
    /// The direction of a trend condition.
    Trend { Falling = "falling", Rising = "rising" }
}
keywords! {
    /// The side of a target that passes.
    BoundKind { AtLeast = "at-least", AtMost = "at-most" }
}
keywords! {
    /// How much the organisation depends on a service (the card's
    /// `criticality`), lowest first: the order `diff` compares by.
    Criticality { Low = "low", Medium = "medium", High = "high", Critical = "critical" }
}
keywords! {
    /// What a gate `requires` of a service that passes it.
    Requirement { Case = "case", Pilot = "pilot", Rollout = "rollout", Onboarding = "onboarding" }
}
keywords! {
    /// A lint level of the manifest.
    LintLevel { Deny = "deny", Warn = "warn", Allow = "allow" }
}
keywords! {
    /// Unit of a duration (long forms, singular).
    DurationUnit {
        Hour = "hour", WorkingDay = "working day", Day = "day", Week = "week",
        Month = "month", Quarter = "quarter", Year = "year",
    }
}

/// A duration such as `2 working days` or `3mo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration {
    pub count: u32,
    pub unit: DurationUnit,
}

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = if self.count == 1 { "" } else { "s" };
        write!(f, "{} {}{plural}", self.count, self.unit)
    }
}

impl Duration {
    /// The date this long after `date`: months and years are calendar ones
    /// (the 31st plus a month is the last day of a shorter month), working
    /// days skip weekends, hours are whole days rounded up (`36 hours` is two
    /// days).
    pub fn after(self, date: jiff::civil::Date) -> jiff::civil::Date {
        use jiff::ToSpan;
        let d = self;
        let n = i64::from(d.count);
        let span = match d.unit {
            DurationUnit::Hour => jiff::Span::new().try_days((n + 23) / 24),
            DurationUnit::WorkingDay => {
                let weeks = (n / 5).min(100_000);
                let mut at = date
                    .checked_add((7 * weeks).days())
                    .unwrap_or(jiff::civil::Date::MAX);
                let mut left = n % 5;
                while left > 0 {
                    at = at.tomorrow().unwrap_or(at);
                    if at.weekday().to_monday_one_offset() <= 5 {
                        left -= 1;
                    }
                }
                return at;
            }
            DurationUnit::Day => jiff::Span::new().try_days(n),
            DurationUnit::Week => jiff::Span::new().try_weeks(n),
            DurationUnit::Month => jiff::Span::new().try_months(n),
            DurationUnit::Quarter => jiff::Span::new().try_months(3 * n),
            DurationUnit::Year => jiff::Span::new().try_years(n),
        };
        // A span past jiff's range (`4000000000 years`) ends at the last date.
        span.and_then(|span| date.checked_add(span))
            .unwrap_or(jiff::civil::Date::MAX)
    }
}

/// Full-time equivalents, exact in hundredths (`fte=0.8` is `Fte(80)`):
/// sums and comparisons are integer ones, never floating point.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fte(pub u32);

impl Fte {
    /// One full-time person: a person's `fte` is at most this.
    pub const ONE: Fte = Fte(100);

    /// The sum, saturating (a sum beyond `u32` hundredths is beyond any
    /// capacity anyway).
    pub fn plus(self, other: Fte) -> Fte {
        Fte(self.0.saturating_add(other.0))
    }

    /// The hundredths.
    pub fn hundredths(self) -> u32 {
        self.0
    }

    /// The value as a JSON number would carry it (`0.8`): for outputs
    /// only, never for arithmetic.
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 100.0
    }
}

/// As a person writes it: `4.5`, `0.8`, `1`, `0.05`.
impl std::fmt::Display for Fte {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (whole, cents) = (self.0 / 100, self.0 % 100);
        match cents {
            0 => write!(f, "{whole}"),
            c if c % 10 == 0 => write!(f, "{whole}.{}", c / 10),
            c => write!(f, "{whole}.{c:02}"),
        }
    }
}

impl Trend {
    /// Whether `later` moved this way, strictly, from `earlier`.
    pub fn moved(self, earlier: f64, later: f64) -> bool {
        match self {
            Trend::Falling => later < earlier,
            Trend::Rising => later > earlier,
        }
    }
}

impl Fte {
    /// Reads a decimal number as written (`0.8`, `4.50`, `1_000`, `+2`):
    /// digits, at most two of them after the point. `None` for anything
    /// else (an exponent, a sign, more decimals, a value beyond the type),
    /// so `0.1 + 0.2` is exactly `0.3`.
    pub fn parse(text: &str) -> Option<Fte> {
        let text = text.strip_prefix('+').unwrap_or(text).replace('_', "");
        let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 2 {
            return None;
        }
        if text.contains('.') && frac.is_empty() {
            return None;
        }
        let whole: u32 = whole.parse().ok()?;
        let cents: u32 = format!("{frac:0<2}").parse().ok()?;
        whole.checked_mul(100)?.checked_add(cents).map(Fte)
    }
}

impl Comparison {
    /// Whether `value` compares so with `threshold` (`below` and `above`
    /// are strict).
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Comparison::Below => value < threshold,
            Comparison::Above => value > threshold,
            Comparison::AtMost => value <= threshold,
            Comparison::AtLeast => value >= threshold,
        }
    }

    /// The comparison in words: `below`, `at most`.
    pub fn in_words(self) -> &'static str {
        match self {
            Comparison::Below => "below",
            Comparison::Above => "above",
            Comparison::AtMost => "at most",
            Comparison::AtLeast => "at least",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn fte_is_exact_in_hundredths() {
        let f = |s| Fte::parse(s).map(|f| f.to_string());
        assert_eq!(f("0.8").as_deref(), Some("0.8"));
        assert_eq!(f("4.50").as_deref(), Some("4.5"));
        assert_eq!(f("0.05").as_deref(), Some("0.05"));
        assert_eq!(f("1").as_deref(), Some("1"));
        assert_eq!(f("1_000.25").as_deref(), Some("1000.25"));
        for bad in [
            "0.001",
            "-1",
            "1e2",
            "0x10",
            ".5",
            "5.",
            "#inf",
            "99999999999",
        ] {
            assert_eq!(Fte::parse(bad), None, "{bad}");
        }
        let tenth = Fte::parse("0.1").unwrap();
        let fifth = Fte::parse("0.2").unwrap();
        assert_eq!(tenth.plus(fifth), Fte::parse("0.3").unwrap());
    }

    fn after(count: u32, unit: DurationUnit, from: jiff::civil::Date) -> jiff::civil::Date {
        Duration { count, unit }.after(from)
    }

    /// A duration past the calendar's range (`--horizon "4000000000
    /// years"`, a huge `min-age`) ends at its last day, never a panic.
    #[test]
    fn durations_too_long_for_the_calendar_end_at_its_last_day() {
        let date = jiff::civil::date(2026, 11, 1);
        for unit in [
            DurationUnit::Hour,
            DurationUnit::WorkingDay,
            DurationUnit::Day,
            DurationUnit::Week,
            DurationUnit::Month,
            DurationUnit::Quarter,
            DurationUnit::Year,
        ] {
            let d = Duration {
                count: u32::MAX,
                unit,
            };
            // Working days are counted in at most 100 000 weeks.
            if unit != DurationUnit::WorkingDay {
                assert_eq!(d.after(date), jiff::civil::Date::MAX, "{unit}");
            }
            assert!(d.after(date) > date, "{unit}");
        }
    }

    /// `min-age` arithmetic: calendar months (clamped to the month's end),
    /// working days skipping weekends, hours as whole days rounded up.
    #[test]
    fn durations_after_a_date() {
        assert_eq!(
            after(1, DurationUnit::Month, date(2026, 1, 31)),
            date(2026, 2, 28)
        );
        assert_eq!(
            after(1, DurationUnit::Month, date(2024, 1, 31)),
            date(2024, 2, 29)
        );
        assert_eq!(
            after(6, DurationUnit::Month, date(2026, 5, 1)),
            date(2026, 11, 1)
        );
        assert_eq!(
            after(1, DurationUnit::Quarter, date(2026, 11, 30)),
            date(2027, 2, 28)
        );
        assert_eq!(
            after(1, DurationUnit::Year, date(2024, 2, 29)),
            date(2025, 2, 28)
        );
        // Friday + 1 working day is Monday.
        assert_eq!(
            after(1, DurationUnit::WorkingDay, date(2026, 11, 27)),
            date(2026, 11, 30)
        );
        assert_eq!(
            after(5, DurationUnit::WorkingDay, date(2026, 11, 27)),
            date(2026, 12, 4)
        );
        assert_eq!(
            after(36, DurationUnit::Hour, date(2026, 11, 1)),
            date(2026, 11, 3)
        );
        assert_eq!(
            after(24, DurationUnit::Hour, date(2026, 11, 1)),
            date(2026, 11, 2)
        );
    }
}
