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
    /// The calendar an SLA counts time in.
    Calendar { Business = "business", Calendar = "calendar" }
}
keywords! {
    /// The outcome of a gate decision.
    Outcome { Go = "go", Kill = "kill", Hold = "hold", Recycle = "recycle" }
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
    /// The side of a target that passes.
    BoundKind { AtLeast = "at-least", AtMost = "at-most" }
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
            DurationUnit::Hour => ((n + 23) / 24).days(),
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
            DurationUnit::Day => n.days(),
            DurationUnit::Week => n.weeks(),
            DurationUnit::Month => n.months(),
            DurationUnit::Quarter => (3 * n).months(),
            DurationUnit::Year => n.years(),
        };
        date.checked_add(span).unwrap_or(jiff::civil::Date::MAX)
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

    fn after(count: u32, unit: DurationUnit, from: jiff::civil::Date) -> jiff::civil::Date {
        Duration { count, unit }.after(from)
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
