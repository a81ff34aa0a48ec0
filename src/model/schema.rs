//! The language's schema as data (section 3 of the reference): every block
//! the language has, at its path of node names from the top, with the
//! values it takes as arguments, its properties and its child nodes; for
//! each, whether it is required, whether it repeats, and what value it
//! holds.
//!
//! One table, three readers: `lower` decides from it which names are
//! unknown (and what to suggest instead), `fmt` orders fields by it, and
//! the language server completes names and values from it. Lowering
//! asserts in debug builds that it reads no name the table lacks, and the
//! tests below lower a document written from the table alone and check
//! that every name of it is read, every value sample accepted and every
//! required field reported missing when left out, so the two cannot drift.

use crate::base::{Code, EntityKind, Expect};

use super::values::{
    Action, AllowancePer, Calendar, Criticality, DecisionOutcome, Direction, Keyword, Level,
    OfferLevel, Period, Requirement, Stage, Structure, Unit,
};

/// What a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// Free text.
    Text,
    /// The id a declaration declares.
    Id,
    /// A reference to a declared entity.
    Ref(Expect),
    /// A trigger's condition: a metric, or a built-in condition
    /// (`superseded`, `sla-breached`).
    Condition,
    /// One of a closed set of words.
    Word(&'static [&'static str]),
    /// `YYYY-MM-DD`.
    Date,
    /// `2 working days`, `4h`…
    Duration,
    /// A number.
    Number,
    /// A whole number of 1 or more.
    Positive,
    /// A whole number of 0 or more.
    Count,
    /// Full-time equivalents: a number > 0 with at most two decimals.
    Fte,
    /// Service hours: `24x7` or `Mon-Fri 09:00-17:30`.
    Hours,
    /// An IANA time zone.
    TimeZone,
    /// A glob of project paths.
    Glob,
    /// The site's base URL.
    Url,
    /// A service's `link`: an `http:`, `https:` or `mailto:` address.
    Link,
    /// A folder inside the project.
    Folder,
    /// `K of N` periods.
    Window,
    /// A lintable rule code.
    LintCode,
}

impl Value {
    /// A valid example of the value, as KDL: what a completion inserts as
    /// its placeholder and what the schema's tests write.
    pub fn sample(self) -> String {
        let quoted = |s: &str| format!("\"{s}\"");
        match self {
            Value::Word(words) => quoted(words.first().copied().unwrap_or_default()),
            Value::LintCode => quoted(self.words().first().copied().unwrap_or_default()),
            _ => self.plain_sample().to_string(),
        }
    }

    fn plain_sample(self) -> &'static str {
        match self {
            Value::Text => "\"…\"",
            Value::Id | Value::Ref(_) | Value::Condition => "\"x\"",
            Value::Word(_) | Value::LintCode => "\"\"",
            Value::Date => "\"2026-01-01\"",
            Value::Duration => "\"2 working days\"",
            Value::Number | Value::Positive | Value::Count => "1",
            Value::Fte => "0.5",
            Value::Hours => "\"Mon-Fri 09:00-17:30\"",
            Value::TimeZone => "\"Europe/London\"",
            Value::Glob => "\"drafts/**\"",
            Value::Url => "\"/\"",
            Value::Link => "\"https://intranet.example/pmo\"",
            Value::Folder => "\"site\"",
            Value::Window => "\"4 of 6\"",
        }
    }

    /// What it refers to, if it refers to declared entities.
    pub fn refers_to(self) -> Option<Expect> {
        match self {
            Value::Ref(expect) => Some(expect),
            Value::Condition => Some(Expect::Kind(EntityKind::Metric)),
            _ => None,
        }
    }

    /// The words it may be, when it is a closed set (rule codes included),
    /// or besides the ids it refers to.
    pub fn words(self) -> Vec<&'static str> {
        match self {
            Value::Condition => super::BUILT_IN_CONDITIONS.to_vec(),
            Value::Word(words) => words.to_vec(),
            Value::LintCode => Code::ALL
                .iter()
                .filter(|c| c.is_lintable())
                .map(|c| c.as_str())
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// A property or a child node of a block.
#[derive(Debug, Clone, Copy)]
pub struct Item {
    pub name: &'static str,
    /// The value it holds (a child node's arguments, a property's value).
    /// A child that is a block of its own holds what its [`Block`] says.
    pub value: Option<Value>,
    /// Required: its absence is `missing-field`. For alternatives, the
    /// first of the group says it for the group (one of them is required).
    pub required: bool,
    /// It may be written several times (a child node) or hold several
    /// values (`customers "a" "b"`).
    pub many: bool,
    /// An alternative to the item before it (`at-least` or `at-most`): the
    /// same rank in `fmt`'s order; one of the group is required when the
    /// group's first item says so.
    pub or_previous: bool,
}

/// A block: a node that has properties or child nodes.
#[derive(Debug)]
pub struct Block {
    /// Node names from the top-level declaration to this node.
    pub path: &'static [&'static str],
    /// Its arguments, if it takes any.
    pub args: Option<Item>,
    pub properties: &'static [Item],
    pub children: &'static [Item],
    /// `fmt` sorts its children in table order (not `lints`, where the last
    /// level given to a code wins).
    pub sorted: bool,
}

impl Block {
    /// The child or property named `name`.
    pub fn child(&self, name: &str) -> Option<&'static Item> {
        self.children.iter().find(|i| i.name == name)
    }

    pub fn property(&self, name: &str) -> Option<&'static Item> {
        self.properties.iter().find(|i| i.name == name)
    }

    /// The block of the child node `name`, if that child is a block.
    pub fn block_of(&self, name: &str) -> Option<&'static Block> {
        // Every block by its parent's path and its own name, made once:
        // lowering asks this for each child node it reads.
        type Children =
            rustc_hash::FxHashMap<(&'static [&'static str], &'static str), &'static Block>;
        static CHILDREN: std::sync::LazyLock<Children> = std::sync::LazyLock::new(|| {
            let mut children = Children::default();
            for b in BLOCKS {
                if let Some((name, parent)) = b.path.split_last() {
                    children.entry((parent, *name)).or_insert(b);
                }
            }
            children
        });
        CHILDREN.get(&(self.path, name)).copied()
    }

    /// The kind this block declares, if it is a declaration.
    pub fn declares(&self) -> Option<EntityKind> {
        match self.path {
            [keyword] => EntityKind::from_keyword(keyword),
            ["service", "sla"] => Some(EntityKind::Sla),
            _ => None,
        }
    }
}

/// The block at `path`, if there is one.
pub fn block(path: &[&str]) -> Option<&'static Block> {
    BLOCKS.iter().find(|b| b.path == path)
}

/// The block a top-level declaration opens.
pub fn top(keyword: &str) -> Option<&'static Block> {
    BLOCKS
        .iter()
        .find(|b| b.path.len() == 1 && b.path[0] == keyword)
}

const fn item(name: &'static str, value: Value) -> Item {
    Item {
        name,
        value: Some(value),
        required: false,
        many: false,
        or_previous: false,
    }
}

/// A child that is a block of its own (its [`Block`] says what it holds).
const fn nested(name: &'static str) -> Item {
    Item {
        name,
        value: None,
        required: false,
        many: false,
        or_previous: false,
    }
}

impl Item {
    const fn required(mut self) -> Item {
        self.required = true;
        self
    }

    const fn many(mut self) -> Item {
        self.many = true;
        self
    }

    const fn or_previous(mut self) -> Item {
        self.or_previous = true;
        self
    }
}

const PARTY: Value = Value::Ref(Expect::Party);

const fn to(kind: EntityKind) -> Value {
    Value::Ref(Expect::Kind(kind))
}

/// The stages an effort may name: every one but `retired` (the last).
const EFFORT_STAGES: &[&str] = Stage::WORDS.split_at(Stage::WORDS.len() - 1).0;

/// The id every declaration takes as its first argument.
const DECLARES: Option<Item> = Some(item("id", Value::Id).required());

const fn at(
    path: &'static [&'static str],
    args: Option<Item>,
    properties: &'static [Item],
    children: &'static [Item],
) -> Block {
    Block {
        path,
        args,
        properties,
        children,
        sorted: true,
    }
}

/// Every block, in the order of the language reference.
pub const BLOCKS: &[Block] = {
    use EntityKind::*;
    use Value::{Date, Duration, Number, Positive, Text};
    &[
        at(
            &["pmo"],
            DECLARES,
            &[],
            &[
                item("name", Text).required(),
                item("mandate", Text).required(),
                item("sponsor", PARTY).required(),
                item("head", PARTY),
                item("structure", Value::Word(Structure::WORDS)),
                item("as-of", Date),
                nested("site"),
                item("output", Value::Folder),
                item("exclude", Value::Glob).many(),
                nested("lints"),
            ],
        ),
        at(
            &["pmo", "site"],
            None,
            &[],
            &[item("title", Text), item("base-url", Value::Url)],
        ),
        Block {
            sorted: false,
            ..at(
                &["pmo", "lints"],
                None,
                &[],
                &[
                    item("deny", Value::LintCode).many(),
                    item("warn", Value::LintCode).many(),
                    item("allow", Value::LintCode).many(),
                ],
            )
        },
        at(
            &["person"],
            DECLARES,
            &[
                item("name", Text).required(),
                item("email", Text),
                item("title", Text),
                item("fte", Value::Fte),
            ],
            &[],
        ),
        at(
            &["team"],
            DECLARES,
            &[item("name", Text).required(), item("fte", Value::Fte)],
            &[item("member", to(Person)).many()],
        ),
        at(
            &["customer"],
            DECLARES,
            &[
                item("name", Text).required(),
                item("size", Value::Count),
                item("change-capacity", Positive),
            ],
            &[],
        ),
        at(
            &["objective"],
            DECLARES,
            &[
                item("title", Text).required(),
                item("owner", PARTY),
                item("period", Text),
                item("priority", Positive),
                item("from", Date),
                item("until", Date),
            ],
            &[],
        ),
        at(
            &["metric"],
            DECLARES,
            &[
                item("name", Text).required(),
                item("unit", Value::Word(Unit::WORDS)).required(),
                item("direction", Value::Word(Direction::WORDS)).required(),
                item("cadence", Value::Word(Period::WORDS)).required(),
            ],
            &[],
        ),
        at(
            &["function"],
            DECLARES,
            &[],
            &[
                item("name", Text).required(),
                item("description", Text),
                item("levels", Value::Word(Level::WORDS)).required().many(),
                item("lead", PARTY),
            ],
        ),
        at(
            &["service"],
            DECLARES,
            &[],
            &[
                item("name", Text).required(),
                item("function", to(Function)).required(),
                item("description", Text).required(),
                item("stage", Value::Word(Stage::WORDS)).required(),
                nested("plan").many(),
                item("owner", to(Person)),
                nested("effort").many(),
                item("level", Value::Word(Level::WORDS)),
                nested("offer").many(),
                item("objectives", to(Objective)).many(),
                item("depends-on", to(Service)).many(),
                item("replaces", to(Service)).many(),
                item("kpis", to(Metric)).many(),
                item("channel", Text),
                // The card (language 1.1, section 8).
                item("problem", Text),
                item("benefits", Text).many(),
                item("includes", Text).many(),
                item("excludes", Text).many(),
                item("inputs", Text).many(),
                item("outputs", Text).many(),
                item("lead-time", Text),
                item("criticality", Value::Word(Criticality::WORDS)),
                item("sponsor", PARTY),
                nested("link").many(),
                nested("case"),
                nested("sla").many(),
                nested("pilot"),
                nested("rollout"),
                nested("transform"),
                nested("retirement"),
                nested("decision").many(),
            ],
        ),
        at(
            &["service", "effort"],
            Some(item("party", PARTY).required()),
            &[
                item("fte", Value::Fte).required(),
                item("stage", Value::Word(EFFORT_STAGES)),
            ],
            &[],
        ),
        at(
            &["service", "plan"],
            Some(item("stage", Value::Word(Stage::WORDS)).required()),
            &[item("by", Date).required()],
            &[],
        ),
        at(
            &["service", "link"],
            Some(item("url", Value::Link).required()),
            &[item("title", Text)],
            &[],
        ),
        at(
            &["service", "case"],
            None,
            &[],
            &[
                item("benefit", Text).required().many(),
                item("cost", Text).required().many(),
                item("option", Text).many(),
                item("recommendation", Text),
            ],
        ),
        at(
            &["service", "offer"],
            Some(item("customers", to(Customer)).required().many()),
            &[item("level", Value::Word(OfferLevel::WORDS)).required()],
            &[],
        ),
        at(
            &["service", "sla"],
            DECLARES,
            &[],
            &[
                item("customers", to(Customer)).many(),
                item("period", Value::Word(Period::WORDS)).required(),
                item("calendar", Value::Word(Calendar::WORDS)),
                nested("hours"),
                nested("target").required().many(),
                nested("budget"),
                item("respond-within", Duration),
                nested("report").required(),
                nested("escalate").required().many(),
                item("review-by", Date).required(),
                item("starts", Date),
                item("ends", Date),
            ],
        ),
        at(
            &["service", "sla", "budget"],
            None,
            &[
                item("breaches", Value::Count).required(),
                item("per", Value::Word(AllowancePer::WORDS)),
            ],
            &[],
        ),
        at(
            &["service", "sla", "hours"],
            Some(item("hours", Value::Hours).required()),
            &[item("tz", Value::TimeZone)],
            &[],
        ),
        at(
            &["service", "sla", "target"],
            Some(item("metric", to(Metric)).required()),
            &[
                item("at-least", Number).required(),
                item("at-most", Number).or_previous(),
                item("warn", Number),
            ],
            &[],
        ),
        at(
            &["service", "sla", "report"],
            None,
            &[
                item("every", Value::Word(Period::WORDS)),
                item("to", PARTY).required(),
            ],
            &[],
        ),
        at(
            &["service", "sla", "escalate"],
            None,
            &[
                item("after", Duration).required(),
                item("to", PARTY).required(),
            ],
            &[],
        ),
        at(
            &["service", "pilot"],
            None,
            &[],
            &[
                item("scope", Text),
                item("groups", to(Customer)).many(),
                item("start", Date),
                item("review", Date),
                item("success", Text),
                item("exit-gate", to(Gate)),
            ],
        ),
        at(
            &["service", "rollout"],
            None,
            &[],
            &[
                nested("phase").many(),
                nested("adoption-target"),
                nested("communicate").many(),
                nested("train").many(),
                nested("champion").many(),
                nested("feedback"),
            ],
        ),
        at(
            &["service", "rollout", "phase"],
            Some(item("name", Text).required()),
            &[
                item("start", Date),
                item("end", Date),
                item("groups", to(Customer)),
            ],
            &[],
        ),
        at(
            &["service", "rollout", "adoption-target"],
            Some(item("metric", to(Metric)).required()),
            &[
                item("at-least", Number).required(),
                item("at-most", Number).or_previous(),
                item("by", Date),
                item("from", Number),
            ],
            &[],
        ),
        // The onboarding plan (section 9 of version 1.1): one champion per
        // group, what is told to whom and when, who is trained by when,
        // and the feedback loop.
        at(
            &["service", "rollout", "champion"],
            Some(item("party", PARTY).required()),
            &[item("groups", to(Customer))],
            &[],
        ),
        at(
            &["service", "rollout", "communicate"],
            Some(item("message", Text).required()),
            &[
                item("to", to(Customer)).required(),
                item("on", Date).required(),
                item("channel", Text),
            ],
            &[],
        ),
        at(
            &["service", "rollout", "train"],
            Some(item("training", Text).required()),
            &[
                item("groups", to(Customer)).required(),
                item("by", Date).required(),
            ],
            &[],
        ),
        at(
            &["service", "rollout", "feedback"],
            None,
            &[
                item("every", Value::Word(Period::WORDS)).required(),
                item("metric", to(Metric)),
                item("to", PARTY),
            ],
            &[],
        ),
        at(
            &["service", "transform"],
            None,
            &[],
            &[
                item("changes", Text),
                item("target-date", Date),
                item("successor", to(Service)),
            ],
        ),
        at(
            &["service", "retirement"],
            None,
            &[],
            &[
                item("date", Date),
                item("reason", Text),
                item("decided-at", to(Gate)),
                item("replaced-by", to(Service)),
            ],
        ),
        at(
            &["service", "decision"],
            Some(item("gate", to(Gate)).required()),
            &[
                item("outcome", Value::Word(DecisionOutcome::WORDS)).required(),
                item("date", Date).required(),
                item("by", PARTY).required(),
            ],
            &[
                item("present", to(Person)).many(),
                item("rationale", Text),
                item("revisit", Date),
            ],
        ),
        at(
            &["gate"],
            DECLARES,
            &[],
            &[
                item("name", Text).required(),
                item("from", Value::Word(Stage::WORDS)).required(),
                item("to", Value::Word(Stage::WORDS)).required().many(),
                item("approvers", PARTY).required().many(),
                item("quorum", Positive),
                item("must", Text).many(),
                nested("should").many(),
                item("deliverable", Text).many(),
                item("decide-within", Duration),
                item("requires", Value::Word(Requirement::WORDS)).many(),
            ],
        ),
        at(
            &["gate", "should"],
            Some(item("criterion", Text).required()),
            &[item("weight", Positive)],
            &[],
        ),
        at(
            &["trigger"],
            DECLARES,
            &[],
            &[
                nested("applies-to").required().many(),
                nested("when").required(),
                item("min-age", Duration),
                item("action", Value::Word(Action::WORDS)).required(),
                item("gate", to(Gate)),
                item("notify", PARTY).many(),
            ],
        ),
        at(
            &["trigger", "applies-to"],
            None,
            &[
                // One of the three is required: the lowering says so itself.
                item("stage", Value::Word(Stage::WORDS)),
                item("function", to(Function)),
                item("service", to(Service)),
            ],
            &[],
        ),
        at(
            &["trigger", "when"],
            Some(item("metric", Value::Condition).required()),
            &[
                item("below", Number).required(),
                item("above", Number).or_previous(),
                item("at-most", Number).or_previous(),
                item("at-least", Number).or_previous(),
                item("falling", Positive).or_previous(),
                item("rising", Positive).or_previous(),
                item("for", Positive),
                item("within", Value::Window).or_previous(),
            ],
            &[],
        ),
        at(
            &["improvement"],
            DECLARES,
            &[],
            &[
                item("title", Text).required(),
                item("service", to(Service)).required(),
                item("answers", to(Trigger)).many(),
                item("owner", to(Person)).required(),
                item("due", Date).required(),
                // How an improvement ends: one of the two.
                nested("dropped"),
                item("done", Date).or_previous(),
                nested("expect"),
            ],
        ),
        at(
            &["improvement", "dropped"],
            Some(item("date", Date).required()),
            &[item("reason", Text).required()],
            &[],
        ),
        at(
            &["improvement", "expect"],
            Some(item("metric", to(Metric)).required()),
            &[
                item("at-least", Number).required(),
                item("at-most", Number).or_previous(),
                item("by", Date).required(),
            ],
            &[],
        ),
    ]
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_unique_and_nested_children_have_blocks() {
        for (i, b) in BLOCKS.iter().enumerate() {
            assert!(BLOCKS[..i].iter().all(|o| o.path != b.path), "{:?}", b.path);
            for child in b.children {
                assert_eq!(
                    child.value.is_none(),
                    b.block_of(child.name).is_some(),
                    "{:?} {}",
                    b.path,
                    child.name
                );
            }
            if b.path.len() > 1 {
                let parent = block(&b.path[..b.path.len() - 1]).expect("a parent block");
                assert!(parent.child(b.path[b.path.len() - 1]).is_some());
            }
        }
        for kind in EntityKind::top_level() {
            assert!(top(kind.keyword()).is_some(), "{kind:?}");
        }
    }

    #[test]
    fn names_are_unique_in_a_block() {
        for b in BLOCKS {
            for items in [b.properties, b.children] {
                for (i, it) in items.iter().enumerate() {
                    assert!(items[..i].iter().all(|o| o.name != it.name), "{:?}", b.path);
                }
            }
        }
    }
}
