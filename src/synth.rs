//! Synthetic portfolios, for benchmarks and scale tests.
//!
//! This module owns [`write_project`]: it writes a realistic, **clean** PMO
//! project of any size — a `pmo.kdl` pinned to `as-of "2026-11-01"`, people,
//! teams, customer groups, objectives, metrics, the six lifecycle gates,
//! retirement triggers, and one file per function under `services/` holding
//! about [`SERVICES_PER_FUNCTION`] services in every lifecycle stage.
//!
//! Every service satisfies every model rule: an owner from design on,
//! objectives while in the pipeline, the stage's block (pilot, rollout,
//! transform, retirement), a `go` decision at a gate leading to its stage
//! taken by one of the gate's approvers with a quorum present, SLAs in force
//! and reviewed after as-of that cover every group of a service in operation
//! or transform, ended SLAs once retired, trigger coverage, and dependencies
//! only on earlier services in operation or transform (so no cycles). A
//! generated project therefore checks with no findings at all: a finding is a
//! bug in the generator or in the checks.
//!
//! The output is deterministic: a fixed-seed LCG per function picks the
//! details, so a given size always gives the same bytes. `pmoc-synth` and the
//! `pipeline` bench drive it.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// The date the generated manifest pins as "today".
pub const AS_OF: &str = "2026-11-01";

/// How many services a generated function holds (the last ones may hold fewer).
pub const SERVICES_PER_FUNCTION: usize = 25;

/// as-of as a month count (`year * 12 + month - 1`); dates are written as
/// months before (negative) or after (positive) it.
const AS_OF_MONTH: i32 = 2026 * 12 + 10;

macro_rules! out {
    ($s:expr) => {
        writeln!($s).expect("writing to a String cannot fail")
    };
    ($s:expr, $($arg:tt)*) => {
        writeln!($s, $($arg)*).expect("writing to a String cannot fail")
    };
}

/// Writes a project of `services` services into `dir` (created if needed;
/// files of the same names are overwritten, others are left alone).
pub fn write_project(dir: &Path, services: usize) -> io::Result<()> {
    let plan = Plan::new(services);
    let services_dir = dir.join("services");
    std::fs::create_dir_all(&services_dir)?;
    std::fs::write(dir.join("pmo.kdl"), manifest(services))?;
    std::fs::write(dir.join("people.kdl"), people(&plan))?;
    std::fs::write(dir.join("teams.kdl"), TEAMS)?;
    std::fs::write(dir.join("customers.kdl"), customers())?;
    std::fs::write(dir.join("objectives.kdl"), objectives())?;
    std::fs::write(dir.join("metrics.kdl"), metrics())?;
    std::fs::write(dir.join("gates.kdl"), GATES)?;
    std::fs::write(dir.join("triggers.kdl"), triggers(&plan))?;
    for function in &plan.functions {
        std::fs::write(
            services_dir.join(format!("{}.kdl", function.id)),
            function_file(function),
        )?;
    }
    Ok(())
}

/// A service of a project that [`write_project`] wrote, for benches that
/// edit one: the file declaring it (relative to the project), its id and
/// its name.
pub struct Sample {
    pub file: String,
    pub id: String,
    pub name: String,
}

/// The first service of the first function file of a generated project.
pub fn sample_service(dir: &Path) -> io::Result<Sample> {
    let mut files: Vec<_> = std::fs::read_dir(dir.join("services"))?
        .map(|e| e.map(|e| e.path()))
        .collect::<io::Result<_>>()?;
    files.sort();
    let first = files
        .first()
        .ok_or_else(|| io::Error::other("no service file"))?;
    let text = std::fs::read_to_string(first)?;
    let quoted = |from: usize, key: &str| -> Option<(usize, String)> {
        let at = text[from..].find(key)? + from + key.len();
        let end = text[at..].find('"')? + at;
        Some((end, text[at..end].to_string()))
    };
    let (after_id, id) = quoted(0, "\nservice \"").ok_or_else(|| io::Error::other("no service"))?;
    let (_, name) = quoted(after_id, "name \"").ok_or_else(|| io::Error::other("no name"))?;
    let file = first
        .strip_prefix(dir)
        .unwrap_or(first)
        .to_string_lossy()
        .into_owned();
    Ok(Sample { file, id, name })
}

// ---------------------------------------------------------------------------
// Randomness and dates

/// A 64-bit LCG (Knuth's MMIX constants): tiny, deterministic, good enough
/// to vary the details.
struct Lcg(u64);

impl Lcg {
    fn new(seed: u64) -> Lcg {
        let mut lcg = Lcg(seed ^ 0x9e37_79b9_7f4a_7c15);
        lcg.next();
        lcg
    }

    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `low..=high`.
    fn range(&mut self, low: i32, high: i32) -> i32 {
        low + self.below((high - low + 1) as usize) as i32
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `k` distinct items of `items`, in the order of `items`.
    fn choose<'a, T>(&mut self, items: &'a [T], k: usize) -> Vec<&'a T> {
        let mut chosen: Vec<usize> = Vec::with_capacity(k);
        while chosen.len() < k.min(items.len()) {
            let i = self.below(items.len());
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        chosen.sort_unstable();
        chosen.into_iter().map(|i| &items[i]).collect()
    }
}

/// The date `months` months from as-of's month, on day `day` (1–28, so
/// always a real date).
fn date(months: i32, day: i32) -> String {
    let m = AS_OF_MONTH + months;
    format!("{:04}-{:02}-{:02}", m / 12, m % 12 + 1, day.clamp(1, 28))
}

// ---------------------------------------------------------------------------
// The plan: which functions, people and services exist

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Strategy,
    Design,
    Pilot,
    Implementation,
    Operation,
    Transform,
    Retired,
}

impl Stage {
    fn as_str(self) -> &'static str {
        match self {
            Stage::Strategy => "strategy",
            Stage::Design => "design",
            Stage::Pilot => "pilot",
            Stage::Implementation => "implementation",
            Stage::Operation => "operation",
            Stage::Transform => "transform",
            Stage::Retired => "retired",
        }
    }

    /// Whether another service in operation may depend on this one.
    fn dependable(self) -> bool {
        matches!(self, Stage::Operation | Stage::Transform)
    }
}

use Stage::*;

/// The stage of the `j`th service of a function: about half in operation,
/// the rest spread over the pipeline, transform and retired.
const STAGES: [Stage; SERVICES_PER_FUNCTION] = [
    Operation,
    Operation,
    Operation,
    Strategy,
    Operation,
    Design,
    Operation,
    Pilot,
    Operation,
    Implementation,
    Transform,
    Operation,
    Retired,
    Operation,
    Operation,
    Design,
    Pilot,
    Operation,
    Implementation,
    Strategy,
    Operation,
    Retired,
    Transform,
    Operation,
    Retired,
];

/// Special roles in the stage pattern above.
const REPLACED: usize = 12; // retired, replaced by the next service
const REPLACEMENT: usize = 13; // in operation, `replaces` the one before
const PILOT_HELD: usize = 16; // pilot past its review date, held at the exit gate
const STRATEGY_HELD: usize = 19; // strategy, concept held at g1
const TRANSFORMED_BACK: usize = 23; // operation again after a transformation

/// A kind of PMO work: the template of a function.
struct Theme {
    id: &'static str,
    name: &'static str,
    topic: &'static str,
    levels: &'static [&'static str],
}

const THEMES: [Theme; 20] = [
    Theme {
        id: "risk",
        name: "Risk and issue management",
        topic: "risks and issues",
        levels: &["portfolio", "programme", "project"],
    },
    Theme {
        id: "reporting",
        name: "Performance reporting",
        topic: "status and performance reporting",
        levels: &["portfolio", "programme", "project"],
    },
    Theme {
        id: "governance",
        name: "Governance and assurance",
        topic: "governance and assurance",
        levels: &["portfolio", "programme"],
    },
    Theme {
        id: "schedule",
        name: "Planning and scheduling",
        topic: "plans and schedules",
        levels: &["programme", "project"],
    },
    Theme {
        id: "resource",
        name: "Resource management",
        topic: "people and capacity",
        levels: &["portfolio", "programme"],
    },
    Theme {
        id: "portfolio",
        name: "Portfolio prioritisation and balancing",
        topic: "the investment portfolio",
        levels: &["portfolio"],
    },
    Theme {
        id: "capability",
        name: "Capability and centre of excellence",
        topic: "delivery capability",
        levels: &["coe", "project"],
    },
    Theme {
        id: "administration",
        name: "PMO administration",
        topic: "project administration",
        levels: &["programme", "project"],
    },
    Theme {
        id: "benefits",
        name: "Benefits management",
        topic: "benefits realisation",
        levels: &["portfolio", "programme"],
    },
    Theme {
        id: "change",
        name: "Change control",
        topic: "scope and change requests",
        levels: &["programme", "project"],
    },
    Theme {
        id: "finance",
        name: "Project finance and cost control",
        topic: "budgets and forecasts",
        levels: &["portfolio", "programme", "project"],
    },
    Theme {
        id: "quality",
        name: "Quality management",
        topic: "quality and acceptance",
        levels: &["programme", "project"],
    },
    Theme {
        id: "knowledge",
        name: "Knowledge management",
        topic: "lessons and knowledge",
        levels: &["coe"],
    },
    Theme {
        id: "stakeholder",
        name: "Stakeholder engagement",
        topic: "stakeholders and communications",
        levels: &["programme", "project"],
    },
    Theme {
        id: "commercial",
        name: "Commercial and supplier management",
        topic: "suppliers and contracts",
        levels: &["portfolio", "programme"],
    },
    Theme {
        id: "estimating",
        name: "Estimating and cost engineering",
        topic: "estimates",
        levels: &["programme", "project"],
    },
    Theme {
        id: "tooling",
        name: "PPM tools and data",
        topic: "portfolio tools and data",
        levels: &["portfolio", "coe"],
    },
    Theme {
        id: "methods",
        name: "Methods and standards",
        topic: "delivery methods",
        levels: &["coe"],
    },
    Theme {
        id: "training",
        name: "Training and accreditation",
        topic: "training and accreditation",
        levels: &["coe", "project"],
    },
    Theme {
        id: "dependencies",
        name: "Dependency management",
        topic: "cross-project dependencies",
        levels: &["portfolio", "programme"],
    },
];

/// A kind of service: id suffix, title, what it does.
struct Kind {
    id: &'static str,
    title: &'static str,
    does: &'static str,
}

const KINDS: [Kind; SERVICES_PER_FUNCTION] = [
    Kind {
        id: "intake",
        title: "Request intake and triage",
        does: "Every request about {topic} enters through one front door; the PMO checks it is complete and routes it to the right person.",
    },
    Kind {
        id: "log",
        title: "Log upkeep",
        does: "PMO officers keep the log of {topic} current after every review and flag entries past their review date.",
    },
    Kind {
        id: "reviews",
        title: "Periodic reviews",
        does: "A scheduled review of {topic} with each programme, with actions tracked to closure.",
    },
    Kind {
        id: "workshops",
        title: "Facilitated workshops",
        does: "A facilitated workshop on {topic} at the start of a programme or before a major gate.",
    },
    Kind {
        id: "dashboard",
        title: "Monthly dashboard",
        does: "A monthly dashboard of {topic}, drawn from the portfolio tool and checked by the PMO.",
    },
    Kind {
        id: "health-checks",
        title: "Health checks",
        does: "An independent health check of {topic} on request or before a gate, with a short report and recommendations.",
    },
    Kind {
        id: "coaching",
        title: "Coaching",
        does: "One-to-one coaching for project managers on {topic}.",
    },
    Kind {
        id: "templates",
        title: "Templates library",
        does: "Maintained templates and worked examples for {topic}, versioned in the PMO library.",
    },
    Kind {
        id: "audits",
        title: "Compliance audits",
        does: "A sample audit of {topic} against the PMO standards, reported to the Portfolio Board.",
    },
    Kind {
        id: "forecasts",
        title: "Forecasting",
        does: "A rolling forecast of {topic} for the next four quarters.",
    },
    Kind {
        id: "register",
        title: "Central register",
        does: "One central register of {topic} across the portfolio, kept current by the PMO.",
    },
    Kind {
        id: "clinics",
        title: "Drop-in clinics",
        does: "Weekly drop-in clinics where anyone can bring a question about {topic}.",
    },
    Kind {
        id: "packs",
        title: "Board packs",
        does: "The pack on {topic} that the PMO prepares for each board meeting.",
    },
    Kind {
        id: "analytics",
        title: "Analytics",
        does: "Automated analysis of {topic} with a monthly quality score per project.",
    },
    Kind {
        id: "baselines",
        title: "Baseline management",
        does: "Agreeing, recording and re-baselining {topic} under change control.",
    },
    Kind {
        id: "tracking",
        title: "Action tracking",
        does: "Tracking actions on {topic} to closure, with reminders and escalation of overdue items.",
    },
    Kind {
        id: "escalation",
        title: "Escalation route",
        does: "Escalates problems with {topic} beyond a project's tolerance to the programme board, and on to the Portfolio Board.",
    },
    Kind {
        id: "onboarding",
        title: "Onboarding",
        does: "Onboarding for new project staff on how the PMO handles {topic}.",
    },
    Kind {
        id: "standards",
        title: "Standards authoring",
        does: "Writes and maintains the PMO standard for {topic}.",
    },
    Kind {
        id: "surveys",
        title: "Satisfaction surveys",
        does: "A quarterly survey of how well the PMO serves its customers on {topic}.",
    },
    Kind {
        id: "toolkit",
        title: "Self-service toolkit",
        does: "A self-service toolkit on the PMO portal for routine requests about {topic}.",
    },
    Kind {
        id: "helpdesk",
        title: "Helpdesk",
        does: "A helpdesk that answers questions about {topic} within the working day.",
    },
    Kind {
        id: "benchmarks",
        title: "Benchmarking",
        does: "Benchmarks {topic} against peer organisations once a year.",
    },
    Kind {
        id: "retrospectives",
        title: "Retrospectives",
        does: "Facilitated retrospectives on {topic} at the end of each project phase.",
    },
    Kind {
        id: "playbooks",
        title: "Playbooks",
        does: "Step-by-step playbooks for the common situations in {topic}.",
    },
];

const DIVISIONS: [&str; 10] = [
    "Retail",
    "Manufacturing",
    "Technology",
    "Logistics",
    "Energy",
    "Health",
    "Finance",
    "Public Sector",
    "Telecoms",
    "Construction",
];

const FIRST_NAMES: [&str; 24] = [
    "Ada", "Bilal", "Chloe", "Dmitri", "Esther", "Farid", "Greta", "Hiro", "Ines", "Jonah", "Kemi",
    "Luca", "Maya", "Nikhil", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera",
    "Wen", "Zofia",
];

const LAST_NAMES: [&str; 29] = [
    "Abbott",
    "Bauer",
    "Castro",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Osei",
    "Petrov",
    "Quist",
    "Rahman",
    "Silva",
    "Thornton",
    "Ueda",
    "Varga",
    "Walsh",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Adeyemi",
    "Brennan",
    "Costa",
];

/// The customer groups: id, name, head count.
const CUSTOMERS: [(&str, &str, u32); 8] = [
    ("executives", "Executive committee", 12),
    ("sponsors", "Business sponsors", 40),
    ("programme-managers", "Programme managers", 18),
    ("project-managers", "Project managers", 120),
    ("project-teams", "Project team members", 900),
    ("line-managers", "Line managers (resource owners)", 75),
    ("finance-partners", "Finance business partners", 10),
    ("change-managers", "Business change managers", 25),
];

const OBJECTIVES: [(&str, &str, &str, &str); 6] = [
    (
        "predictable-delivery",
        "90% of projects land within 10% of their baseline dates",
        "coo",
        "FY2027",
    ),
    (
        "faster-decisions",
        "Portfolio decisions within one board cycle of a complete business case",
        "cfo",
        "FY2027",
    ),
    (
        "self-service",
        "Half of routine PMO requests handled self-service",
        "cio",
        "FY2027",
    ),
    (
        "capability-uplift",
        "P3M3 maturity level 3 in every division",
        "head-of-pmo",
        "FY2028",
    ),
    (
        "benefits-visibility",
        "Every major investment reports benefits realisation quarterly",
        "cfo",
        "FY2027",
    ),
    (
        "lower-overhead",
        "PMO cost below 2% of the change budget",
        "cfo",
        "FY2028",
    ),
];

/// Metrics: id, name, unit, direction, cadence.
const METRICS: [(&str, &str, &str, &str, &str); 14] = [
    (
        "adoption-pct",
        "Adoption (active users / target group)",
        "percent",
        "higher",
        "month",
    ),
    (
        "on-time-pct",
        "Outputs issued by their deadline",
        "percent",
        "higher",
        "month",
    ),
    (
        "currency-pct",
        "Plans and logs updated within the period",
        "percent",
        "higher",
        "month",
    ),
    (
        "data-quality-pct",
        "Dashboard entries complete and current",
        "percent",
        "higher",
        "month",
    ),
    (
        "sla-attainment-pct",
        "SLA targets met",
        "percent",
        "higher",
        "month",
    ),
    (
        "requests-count",
        "Requests received",
        "count",
        "higher",
        "month",
    ),
    (
        "overdue-actions",
        "Actions past their due date",
        "count",
        "lower",
        "month",
    ),
    (
        "turnaround-days",
        "Request turnaround",
        "days",
        "lower",
        "month",
    ),
    (
        "response-hours",
        "Time to first response",
        "hours",
        "lower",
        "month",
    ),
    (
        "coaching-hours",
        "Coaching hours delivered",
        "hours",
        "higher",
        "month",
    ),
    (
        "forecast-accuracy-pct",
        "Forecast accuracy",
        "percent",
        "higher",
        "quarter",
    ),
    (
        "csat-score",
        "Customer satisfaction (survey mean)",
        "score5",
        "higher",
        "quarter",
    ),
    ("nps", "Net promoter score", "nps", "higher", "quarter"),
    (
        "exec-value-rating",
        "Executives' rating of PMO value",
        "score5",
        "higher",
        "year",
    ),
];

/// SLA targets: metric, bound, target, warn (on the passing side, in range).
const TARGETS: [(&str, &str, &str, &str); 12] = [
    ("on-time-pct", "at-least", "95", "97"),
    ("currency-pct", "at-least", "90", "95"),
    ("data-quality-pct", "at-least", "85", "90"),
    ("sla-attainment-pct", "at-least", "90", "95"),
    ("adoption-pct", "at-least", "60", "70"),
    ("overdue-actions", "at-most", "5", "3"),
    ("turnaround-days", "at-most", "10", "8"),
    ("response-hours", "at-most", "8", "4"),
    ("coaching-hours", "at-least", "20", "25"),
    ("forecast-accuracy-pct", "at-least", "80", "85"),
    ("csat-score", "at-least", "4.0", "4.2"),
    ("nps", "at-least", "10", "20"),
];

const KPIS: [&str; 10] = [
    "on-time-pct",
    "currency-pct",
    "data-quality-pct",
    "adoption-pct",
    "requests-count",
    "overdue-actions",
    "turnaround-days",
    "response-hours",
    "csat-score",
    "nps",
];

/// Approvers of each gate (people, members of approving teams below).
const PMO_LEADERSHIP: [&str; 4] = [
    "head-of-pmo",
    "portfolio-manager",
    "governance-lead",
    "coe-lead",
];
const DESIGN_AUTHORITY: [&str; 4] = ["cio", "governance-lead", "coe-lead", "reporting-lead"];
const PORTFOLIO_BOARD: [&str; 4] = ["cfo", "coo", "cio", "head-of-pmo"];
const SPOKE_LEADS: [&str; 3] = ["spoke-lead-north", "spoke-lead-south", "spoke-lead-west"];

/// The fixed people: id, name, title.
const STAFF: [(&str, &str, &str); 11] = [
    ("cfo", "Morgan Ellis", "Chief Financial Officer"),
    ("coo", "Priya Raman", "Chief Operating Officer"),
    ("cio", "Tomasz Becker", "Chief Information Officer"),
    ("head-of-pmo", "Jane Doe", "Head of PMO"),
    ("portfolio-manager", "Amir Haddad", "Portfolio Manager"),
    (
        "governance-lead",
        "Lena Novak",
        "Governance and Assurance Lead",
    ),
    ("coe-lead", "Nadia Karim", "Centre of Excellence Lead"),
    ("reporting-lead", "Raj Patel", "Reporting Lead"),
    ("spoke-lead-north", "Marco Bianchi", "Spoke PMO Lead, North"),
    ("spoke-lead-south", "Yuki Tanaka", "Spoke PMO Lead, South"),
    ("spoke-lead-west", "Kwame Mensah", "Spoke PMO Lead, West"),
];

struct Person {
    id: String,
    name: String,
    title: String,
}

struct ServicePlan {
    id: String,
    kind: &'static Kind,
    stage: Stage,
}

struct FunctionPlan {
    index: usize,
    id: String,
    name: String,
    theme: &'static Theme,
    /// The function lead and two service managers: ids into `Plan::people`.
    people: [String; 3],
    services: Vec<ServicePlan>,
    /// A service in operation of the previous function, for cross-function
    /// dependencies.
    upstream: Option<String>,
}

struct Plan {
    people: Vec<Person>,
    functions: Vec<FunctionPlan>,
}

impl Plan {
    fn new(services: usize) -> Plan {
        let count = services.div_ceil(SERVICES_PER_FUNCTION);
        let mut people = Vec::new();
        let mut functions: Vec<FunctionPlan> = Vec::with_capacity(count);
        for f in 0..count {
            let theme = &THEMES[f % THEMES.len()];
            let round = f / THEMES.len();
            let (id, name) = if round == 0 {
                (theme.id.to_string(), theme.name.to_string())
            } else {
                let division = match DIVISIONS.get(round - 1) {
                    Some(d) => d.to_string(),
                    None => format!("Region {round}"),
                };
                (
                    format!("{}-{}", theme.id, round + 1),
                    format!("{}, {division}", theme.name),
                )
            };
            let titles = [
                format!("{} Lead", theme.name),
                format!("{} Manager", theme.name),
                format!("{} Analyst", theme.name),
            ];
            let ids: [String; 3] = std::array::from_fn(|k| {
                let person = person(3 * f + k, &titles[k]);
                let id = person.id.clone();
                people.push(person);
                id
            });
            // Even spread: the first `services % count` functions get one more.
            let size = services / count + usize::from(f < services % count);
            let services = (0..size)
                .map(|j| ServicePlan {
                    id: format!("{id}-{}", KINDS[j].id),
                    kind: &KINDS[j],
                    stage: STAGES[j],
                })
                .collect();
            let upstream = functions.last().map(|p| p.services[0].id.clone());
            functions.push(FunctionPlan {
                index: f,
                id,
                name,
                theme,
                people: ids,
                services,
                upstream,
            });
        }
        Plan { people, functions }
    }
}

/// The `k`th generated person: unique ids from first and last names.
fn person(k: usize, title: &str) -> Person {
    let first = FIRST_NAMES[k % FIRST_NAMES.len()];
    let last = LAST_NAMES[(k / FIRST_NAMES.len()) % LAST_NAMES.len()];
    let round = k / (FIRST_NAMES.len() * LAST_NAMES.len());
    let suffix = if round == 0 {
        String::new()
    } else {
        format!("-{}", round + 1)
    };
    Person {
        id: format!("{}-{}{suffix}", first.to_lowercase(), last.to_lowercase()),
        name: format!("{first} {last}"),
        title: title.to_string(),
    }
}

// ---------------------------------------------------------------------------
// The shared files

fn manifest(services: usize) -> String {
    let mut s = String::new();
    out!(
        s,
        "// A synthetic PMO of {services} services, written by `pmoc-synth`."
    );
    out!(s, "pmo \"synth-pmo\" {{");
    out!(s, "    name \"Synthetic Group PMO\"");
    out!(s, "    mandate \"\"\"");
    out!(
        s,
        "        Help the group deliver its strategy predictably: give the executive the"
    );
    out!(
        s,
        "        portfolio view it needs to decide, and retire what no longer earns its keep."
    );
    out!(s, "        \"\"\"");
    out!(s, "    sponsor \"cfo\"");
    out!(s, "    head \"head-of-pmo\"");
    out!(s, "    structure \"hub-spoke\"");
    out!(s, "    as-of \"{AS_OF}\"");
    out!(s, "    site {{");
    out!(s, "        title \"Synthetic PMO services\"");
    out!(s, "        base-url \"/\"");
    out!(s, "    }}");
    out!(s, "    output \"site\"");
    out!(s, "}}");
    s
}

fn people(plan: &Plan) -> String {
    let mut s = String::new();
    out!(s, "// The PMO hub, executive sponsors and spoke leads.");
    for (id, name, title) in STAFF {
        out!(
            s,
            "person \"{id}\" name=\"{name}\" email=\"{id}@synth.example\" title=\"{title}\""
        );
    }
    out!(s, "\n// Function leads and service managers.");
    for p in &plan.people {
        out!(
            s,
            "person \"{}\" name=\"{}\" email=\"{}@synth.example\" title=\"{}\"",
            p.id,
            p.name,
            p.id,
            p.title
        );
    }
    s
}

const TEAMS: &str = r#"// Teams that take decisions together.
team "portfolio-board" name="Portfolio Board" {
    member "cfo" "coo" "cio" "head-of-pmo"
}

team "pmo-leadership" name="PMO Leadership Team" {
    member "head-of-pmo"
    member "portfolio-manager"
    member "governance-lead"
    member "coe-lead"
}

team "design-authority" name="Service Design Authority" {
    member "cio" "governance-lead" "coe-lead" "reporting-lead"
}

team "spoke-leads" name="Spoke PMO Leads" {
    member "spoke-lead-north" "spoke-lead-south" "spoke-lead-west"
}
"#;

fn customers() -> String {
    let mut s = String::from("// Customer groups; `size` is the head count.\n");
    for (id, name, size) in CUSTOMERS {
        out!(s, "customer \"{id}\" name=\"{name}\" size={size}");
    }
    s
}

fn objectives() -> String {
    let mut s = String::from("// Strategic objectives.\n");
    for (id, title, owner, period) in OBJECTIVES {
        out!(
            s,
            "objective \"{id}\" title=\"{title}\" owner=\"{owner}\" period=\"{period}\""
        );
    }
    s
}

fn metrics() -> String {
    let mut s = String::from("// Metrics the PMO observes.\n");
    for (id, name, unit, direction, cadence) in METRICS {
        out!(
            s,
            "metric \"{id}\" name=\"{name}\" unit=\"{unit}\" direction=\"{direction}\" cadence=\"{cadence}\""
        );
    }
    s
}

const GATES: &str = r#"// Governance gates: strategy -> design -> pilot -> implementation ->
// operation -> transform | retired, and back from transform to operation.

gate "g1-concept" {
    name "Concept"
    from "strategy"
    to "design"
    approvers "pmo-leadership"
    quorum 2
    must "A named customer group needs the service, or is mandated to use it"
    must "The service supports at least one strategic objective"
    should "Can be designed with existing PMO headcount" weight=2
    deliverable "One-page service concept"
}

gate "g2-pilot-ready" {
    name "Pilot ready"
    from "design"
    to "pilot"
    approvers "design-authority"
    quorum 2
    must "Service owner named and accountable"
    must "Pilot scope, groups and success criteria agreed"
    should "Draft SLA targets set against observable metrics" weight=3
    deliverable "Service design document"
    deliverable "Pilot plan"
}

gate "g3-go-live" {
    name "Go-live"
    from "pilot"
    to "implementation"
    approvers "portfolio-board"
    quorum 3
    must "Pilot success criteria met"
    must "Rollout plan with phases, champions and an adoption target"
    should "Fits next quarter's PMO capacity" weight=2
    deliverable "Pilot evaluation report"
    deliverable "Rollout plan"
}

gate "g4-service-acceptance" {
    name "Service acceptance"
    from "implementation"
    to "operation"
    approvers "head-of-pmo" "coo"
    quorum 2
    must "SLA agreed with every mandated customer group"
    must "At least one retirement trigger applies to the service"
    deliverable "Signed SLA"
}

gate "g5-transform-or-retire" {
    name "Transform or retire"
    from "operation"
    to "transform" "retired"
    approvers "portfolio-board"
    quorum 3
    must "Impact assessment covering every dependent service and customer group"
    must "Customers given notice of the change"
    should "A replacement or successor service is named" weight=3
    deliverable "Impact assessment"
}

gate "g6-transform-complete" {
    name "Transformation complete"
    from "transform"
    to "operation"
    approvers "portfolio-board"
    must "Transform changes delivered and SLA re-baselined"
    deliverable "Transformation closure report"
}
"#;

fn triggers(plan: &Plan) -> String {
    let mut s = String::from(
        r#"// Retirement and transformation triggers. The stage-wide ones cover every
// service in operation; each function adds its own.

trigger "low-adoption" {
    applies-to stage="operation"
    when "adoption-pct" below=30 for=3
    min-age "6 months"
    action "review"
    gate "g5-transform-or-retire"
    notify "head-of-pmo"
}

trigger "low-satisfaction" {
    applies-to stage="operation"
    applies-to stage="transform"
    when "csat-score" below=3.0 for=2
    action "review"
    gate "g5-transform-or-retire"
    notify "head-of-pmo" "pmo-leadership"
}

trigger "chronic-sla-breach" {
    applies-to stage="operation"
    when "sla-attainment-pct" below=90 within="4 of 6"
    min-age "3mo"
    action "transform"
    gate "g5-transform-or-retire"
    notify "portfolio-board"
}

trigger "superseded-by-successor" {
    applies-to stage="operation"
    applies-to stage="transform"
    when "superseded"
    action "retire"
    gate "g5-transform-or-retire"
    notify "portfolio-board"
}

trigger "low-value-rating" {
    applies-to stage="operation"
    when "exec-value-rating" at-most=2 for=1
    min-age "2y"
    action "review"
    gate "g5-transform-or-retire"
    notify "head-of-pmo" "cfo"
}
"#,
    );
    for f in &plan.functions {
        let lead = &f.people[0];
        out!(s, "\ntrigger \"{}-no-demand\" {{", f.id);
        out!(s, "    applies-to function=\"{}\"", f.id);
        out!(s, "    when \"requests-count\" at-most=0 for=6");
        out!(s, "    min-age \"1y\"");
        out!(s, "    action \"retire\"");
        out!(s, "    gate \"g5-transform-or-retire\"");
        out!(s, "    notify \"{lead}\"");
        out!(s, "}}");
        let in_operation: Vec<&ServicePlan> = f
            .services
            .iter()
            .filter(|sv| sv.stage == Operation)
            .take(2)
            .collect();
        if in_operation.len() == 2 {
            out!(s, "\ntrigger \"{}-slow-turnaround\" {{", f.id);
            for sv in in_operation {
                out!(s, "    applies-to service=\"{}\"", sv.id);
            }
            out!(s, "    when \"turnaround-days\" above=10 within=\"2 of 3\"");
            out!(s, "    action \"review\"");
            out!(s, "    notify \"{lead}\" \"{}\"", f.people[1]);
            out!(s, "}}");
        }
        if f.index % 2 == 0 {
            out!(s, "\ntrigger \"{}-detractors\" {{", f.id);
            out!(
                s,
                "    applies-to function=\"{}\" stage=\"operation\"",
                f.id
            );
            out!(s, "    when \"nps\" below=-20 for=2");
            out!(s, "    action \"notify\"");
            out!(s, "    notify \"{lead}\" \"spoke-leads\"");
            out!(s, "}}");
        }
    }
    s
}

// ---------------------------------------------------------------------------
// One function's file

fn function_file(f: &FunctionPlan) -> String {
    let mut rng = Lcg::new(f.index as u64);
    let mut s = String::new();
    out!(s, "function \"{}\" {{", f.id);
    out!(s, "    name \"{}\"", f.name);
    out!(s, "    description \"\"\"");
    out!(
        s,
        "        Everything the PMO does about {}: from the front door for requests",
        f.theme.topic
    );
    out!(
        s,
        "        to the standards, reports and reviews that keep projects on track."
    );
    out!(s, "        \"\"\"");
    let levels: Vec<String> = f.theme.levels.iter().map(|l| format!("\"{l}\"")).collect();
    out!(s, "    levels {}", levels.join(" "));
    out!(s, "    lead \"{}\"", f.people[0]);
    out!(s, "}}");
    for (j, service) in f.services.iter().enumerate() {
        s.push('\n');
        write_service(&mut s, f, j, service, &mut rng);
    }
    s
}

/// A gate decision recorded on a service.
struct Decision<'a> {
    gate: &'a str,
    outcome: &'a str,
    date: String,
    by: &'a str,
    present: Vec<&'a str>,
    rationale: &'a str,
    revisit: Option<String>,
}

impl<'a> Decision<'a> {
    fn go(
        gate: &'a str,
        date: String,
        by: &'a str,
        present: Vec<&'a str>,
        rationale: &'a str,
    ) -> Decision<'a> {
        Decision {
            gate,
            outcome: "go",
            date,
            by,
            present,
            rationale,
            revisit: None,
        }
    }

    fn outcome(self, outcome: &'a str) -> Decision<'a> {
        Decision { outcome, ..self }
    }

    fn hold(self, revisit: String) -> Decision<'a> {
        Decision {
            outcome: "hold",
            revisit: Some(revisit),
            ..self
        }
    }

    fn write(&self, s: &mut String) {
        out!(
            s,
            "    decision \"{}\" outcome=\"{}\" date=\"{}\" by=\"{}\" {{",
            self.gate,
            self.outcome,
            self.date,
            self.by
        );
        let present: Vec<String> = self.present.iter().map(|p| format!("\"{p}\"")).collect();
        out!(s, "        present {}", present.join(" "));
        out!(s, "        rationale \"{}\"", self.rationale);
        if let Some(revisit) = &self.revisit {
            out!(s, "        revisit \"{revisit}\"");
        }
        out!(s, "    }}");
    }
}

/// `k` of a team's people, enough for any quorum up to `k`.
fn attendees<'a>(rng: &mut Lcg, team: &[&'a str], k: usize) -> Vec<&'a str> {
    rng.choose(team, k).into_iter().copied().collect()
}

struct Sla<'a> {
    id: String,
    customers: Option<Vec<&'a str>>,
    review_by: String,
    ends: Option<String>,
}

fn write_sla(s: &mut String, sla: &Sla, f: &FunctionPlan, owner: &str, rng: &mut Lcg) {
    out!(s, "\n    sla \"{}\" {{", sla.id);
    if let Some(customers) = &sla.customers {
        let list: Vec<String> = customers.iter().map(|c| format!("\"{c}\"")).collect();
        out!(s, "        customers {}", list.join(" "));
    }
    let period = *rng.pick(&["month", "month", "quarter"]);
    out!(s, "        period \"{period}\"");
    if rng.chance(50) {
        out!(s, "        calendar \"business\"");
        out!(
            s,
            "        hours \"Mon-Fri 09:00-17:30\" tz=\"Europe/London\""
        );
    }
    let count = 1 + rng.below(2);
    for (metric, bound, target, warn) in rng.choose(&TARGETS, count) {
        out!(
            s,
            "        target \"{metric}\" {bound}={target} warn={warn}"
        );
    }
    if rng.chance(60) {
        out!(
            s,
            "        respond-within \"{}\"",
            rng.pick(&["4h", "1 working day", "2 working days", "5 working days"])
        );
    }
    let report_to = *rng.pick(&["pmo-leadership", "portfolio-board", "head-of-pmo"]);
    out!(s, "        report every=\"{period}\" to=\"{report_to}\"");
    out!(
        s,
        "        escalate after=\"2 working days\" to=\"{owner}\""
    );
    if owner != f.people[0] {
        out!(
            s,
            "        escalate after=\"5 working days\" to=\"{}\"",
            f.people[0]
        );
    }
    out!(s, "        escalate after=\"2 weeks\" to=\"head-of-pmo\"");
    out!(s, "        review-by \"{}\"", sla.review_by);
    if let Some(ends) = &sla.ends {
        out!(s, "        ends \"{ends}\"");
    }
    out!(s, "    }}");
}

fn write_service(s: &mut String, f: &FunctionPlan, j: usize, sv: &ServicePlan, rng: &mut Lcg) {
    let stage = sv.stage;
    let owner = f.people[j % 3].as_str();
    let topic = f.theme.topic;
    out!(s, "service \"{}\" {{", sv.id);
    out!(s, "    name \"{}: {}\"", sv.kind.title, topic);
    out!(s, "    function \"{}\"", f.id);
    out!(
        s,
        "    description \"{}\"",
        sv.kind.does.replace("{topic}", topic)
    );
    out!(s, "    stage \"{}\"", stage.as_str());
    if stage != Strategy || rng.chance(50) {
        out!(s, "    owner \"{owner}\"");
    }
    out!(s, "    level \"{}\"", rng.pick(f.theme.levels));

    // Offers: one to three groups; the first is usually mandated.
    let count = 1 + rng.below(3);
    let groups: Vec<&str> = rng
        .choose(&CUSTOMERS, count)
        .into_iter()
        .map(|c| c.0)
        .collect();
    for (k, group) in groups.iter().enumerate() {
        let mandated = if k == 0 {
            rng.chance(60)
        } else {
            rng.chance(25)
        };
        let level = if mandated { "mandated" } else { "additional" };
        out!(s, "    offer \"{group}\" level=\"{level}\"");
    }

    let in_pipeline = matches!(stage, Strategy | Design | Pilot);
    if in_pipeline || rng.chance(30) {
        let k = 1 + rng.below(2);
        let list: Vec<String> = rng
            .choose(&OBJECTIVES, k)
            .into_iter()
            .map(|o| format!("\"{}\"", o.0))
            .collect();
        out!(s, "    objectives {}", list.join(" "));
    }

    // Dependencies: only on earlier services in operation or transform (of
    // this function, or the previous function's first service), so there
    // are no cycles and nothing depends on the pipeline or on the retired.
    if stage != Retired {
        let mut eligible: Vec<&str> = f.upstream.iter().map(String::as_str).collect();
        eligible.extend(
            f.services[..j]
                .iter()
                .filter(|e| e.stage.dependable())
                .map(|e| e.id.as_str()),
        );
        let recent = &eligible[eligible.len().saturating_sub(6)..];
        let k = rng.below(3).min(recent.len());
        if k > 0 {
            let list: Vec<String> = rng
                .choose(recent, k)
                .into_iter()
                .map(|d| format!("\"{d}\""))
                .collect();
            out!(s, "    depends-on {}", list.join(" "));
        }
    }
    if j == REPLACEMENT {
        out!(s, "    replaces \"{}\"", f.services[REPLACED].id);
    }
    let k = 1 + rng.below(2);
    let kpis: Vec<String> = rng
        .choose(&KPIS, k)
        .into_iter()
        .map(|m| format!("\"{m}\""))
        .collect();
    out!(s, "    kpis {}", kpis.join(" "));
    if rng.chance(40) {
        out!(s, "    channel \"Raise a request on the PMO portal\"");
    }

    // SLAs: in force and reviewed after as-of while the service runs (one
    // SLA for every group, or two that split the groups between them);
    // ended once it is retired; sometimes agreed ahead of go-live.
    let running = matches!(stage, Operation | Transform);
    let early = stage == Implementation && rng.chance(50);
    if running || early {
        let split = groups.len() >= 2 && rng.chance(40);
        let review_by = date(rng.range(1, 12), rng.range(1, 28));
        if split {
            let (a, b) = groups.split_at(groups.len() / 2);
            for (n, part) in [a, b].into_iter().enumerate() {
                let sla = Sla {
                    id: format!("{}-sla-{}", sv.id, n + 1),
                    customers: Some(part.to_vec()),
                    review_by: review_by.clone(),
                    ends: None,
                };
                write_sla(s, &sla, f, owner, rng);
            }
        } else {
            let sla = Sla {
                id: format!("{}-sla", sv.id),
                customers: None,
                review_by,
                ends: None,
            };
            write_sla(s, &sla, f, owner, rng);
        }
    }

    let day = rng.range(1, 28);
    match stage {
        Strategy => {
            if j == STRATEGY_HELD {
                out!(s);
                Decision::go(
                    "g1-concept",
                    date(-2, day),
                    "pmo-leadership",
                    attendees(rng, &PMO_LEADERSHIP, 3),
                    "Promising, but no customer group has committed to a pilot yet.",
                )
                .hold(date(2, day))
                .write(s);
            }
        }
        Design => {
            out!(s);
            Decision::go(
                "g1-concept",
                date(-rng.range(1, 6), day),
                "pmo-leadership",
                attendees(rng, &PMO_LEADERSHIP, 3),
                "A named customer group asked for it and it supports a strategic objective.",
            )
            .write(s);
        }
        Pilot => {
            let held = j == PILOT_HELD;
            let (start, review) = if held {
                (date(-7, 1), date(-1, 15))
            } else {
                (date(-rng.range(1, 3), 1), date(rng.range(1, 4), day))
            };
            out!(s, "\n    pilot {{");
            out!(
                s,
                "        scope \"Two programmes in the {} division\"",
                DIVISIONS[j % DIVISIONS.len()]
            );
            out!(s, "        groups \"{}\"", groups[0]);
            out!(s, "        start \"{start}\"");
            out!(s, "        review \"{review}\"");
            out!(
                s,
                "        success \"80% of pilot users rate the service useful\""
            );
            out!(s, "        exit-gate \"g3-go-live\"");
            out!(s, "    }}");
            out!(s);
            Decision::go(
                "g1-concept",
                date(-12, day),
                "pmo-leadership",
                attendees(rng, &PMO_LEADERSHIP, 2),
                "Programme boards asked for it.",
            )
            .write(s);
            Decision::go(
                "g2-pilot-ready",
                date(-8, day),
                "design-authority",
                attendees(rng, &DESIGN_AUTHORITY, 3),
                "Design agreed; two programmes volunteered for the pilot.",
            )
            .write(s);
            if held {
                // The review date has passed: the hold at the exit gate says
                // when the go-live decision will be taken.
                Decision::go(
                    "g3-go-live",
                    date(-1, 20),
                    "portfolio-board",
                    attendees(rng, &PORTFOLIO_BOARD, 3),
                    "Only one pilot programme has finished; hold until the second reports.",
                )
                .hold(date(1, 8))
                .write(s);
            }
        }
        Implementation => {
            let start = -rng.range(1, 3);
            out!(s, "\n    rollout {{");
            for (n, group) in groups.iter().enumerate() {
                let n = n as i32;
                out!(
                    s,
                    "        phase \"Wave {}\" start=\"{}\" end=\"{}\" groups=\"{group}\"",
                    n + 1,
                    date(start + 3 * n, 1),
                    date(start + 3 * n + 2, 28)
                );
            }
            out!(
                s,
                "        adoption-target \"adoption-pct\" at-least={} by=\"{}\"",
                10 * rng.range(4, 8),
                date(9, 28)
            );
            out!(s, "        champion \"{}\"", rng.pick(&SPOKE_LEADS));
            out!(s, "    }}");
            out!(s);
            Decision::go(
                "g1-concept",
                date(-18, day),
                "pmo-leadership",
                attendees(rng, &PMO_LEADERSHIP, 3),
                "Largest cause of slippage in the last lessons review.",
            )
            .write(s);
            Decision::go(
                "g2-pilot-ready",
                date(-12, day),
                "design-authority",
                attendees(rng, &DESIGN_AUTHORITY, 2),
                "Method published; two projects volunteered.",
            )
            .write(s);
            let board = 3 + rng.below(2);
            Decision::go(
                "g3-go-live",
                date(start - 1, day),
                "portfolio-board",
                attendees(rng, &PORTFOLIO_BOARD, board),
                "Both pilot projects met the success criteria.",
            )
            .write(s);
        }
        Operation => {
            out!(s);
            let accept = |rng: &mut Lcg, s: &mut String, months: i32| {
                let mut present = vec!["head-of-pmo", "coo"];
                if rng.chance(50) {
                    present.push(owner);
                }
                let by = *rng.pick(&["head-of-pmo", "coo"]);
                Decision::go(
                    "g4-service-acceptance",
                    date(months, day),
                    by,
                    present,
                    "SLA agreed with every mandated group; triggers in place.",
                )
                .write(s);
            };
            if j == TRANSFORMED_BACK {
                accept(rng, s, -34);
                Decision::go(
                    "g5-transform-or-retire",
                    date(-14, day),
                    "portfolio-board",
                    attendees(rng, &PORTFOLIO_BOARD, 3),
                    "Manual effort no longer scales; transform onto the portfolio tool.",
                )
                .write(s);
                Decision::go(
                    "g6-transform-complete",
                    date(-3, day),
                    "portfolio-board",
                    attendees(rng, &PORTFOLIO_BOARD, 2),
                    "Changes delivered and the SLA re-baselined.",
                )
                .write(s);
            } else if rng.chance(25) {
                Decision::go(
                    "g1-concept",
                    date(-30, day),
                    "pmo-leadership",
                    attendees(rng, &PMO_LEADERSHIP, 2),
                    "Sponsors asked for one way of doing this.",
                )
                .write(s);
                Decision::go(
                    "g2-pilot-ready",
                    date(-26, day),
                    "design-authority",
                    attendees(rng, &DESIGN_AUTHORITY, 3),
                    "Design and pilot plan agreed.",
                )
                .write(s);
                Decision::go(
                    "g3-go-live",
                    date(-22, day),
                    "portfolio-board",
                    attendees(rng, &PORTFOLIO_BOARD, 4),
                    "Pilot met its success criteria.",
                )
                .write(s);
                accept(rng, s, -16);
            } else {
                let months = -rng.range(12, 36);
                accept(rng, s, months);
            }
        }
        Transform => {
            out!(s, "\n    transform {{");
            out!(
                s,
                "        changes \"Move {topic} onto the portfolio tool and make routine requests self-service\""
            );
            out!(s, "        target-date \"{}\"", date(rng.range(2, 8), 28));
            if let Some(successor) = f.services.get(STRATEGY_HELD) {
                out!(s, "        successor \"{}\"", successor.id);
            }
            out!(s, "    }}");
            out!(s);
            Decision::go(
                "g4-service-acceptance",
                date(-30, day),
                "head-of-pmo",
                vec!["head-of-pmo", "coo"],
                "Catalogue baseline.",
            )
            .write(s);
            let board = 3 + rng.below(2);
            Decision::go(
                "g5-transform-or-retire",
                date(-rng.range(1, 6), day),
                "portfolio-board",
                attendees(rng, &PORTFOLIO_BOARD, board),
                "Spreadsheets cannot scale to next year's portfolio; transform the service.",
            )
            .write(s);
        }
        Retired => {
            let retired = -rng.range(3, 20);
            let ended = date(retired, 28);
            // The SLA it had while it ran, closed on the retirement date.
            if rng.chance(60) {
                let sla = Sla {
                    id: format!("{}-sla", sv.id),
                    customers: None,
                    review_by: date(retired - 2, 28),
                    ends: Some(ended.clone()),
                };
                write_sla(s, &sla, f, owner, rng);
            }
            out!(s, "\n    retirement {{");
            out!(s, "        date \"{ended}\"");
            out!(
                s,
                "        reason \"Demand fell away once the portfolio tool covered {topic}.\""
            );
            out!(s, "        decided-at \"g5-transform-or-retire\"");
            if j == REPLACED
                && let Some(successor) = f.services.get(REPLACEMENT)
            {
                out!(s, "        replaced-by \"{}\"", successor.id);
            }
            out!(s, "    }}");
            out!(s);
            Decision::go(
                "g4-service-acceptance",
                date(retired - 30, day),
                "coo",
                vec!["head-of-pmo", "coo"],
                "Catalogue baseline.",
            )
            .write(s);
            // A kill counts as go for a move to retired.
            let outcome = *rng.pick(&["kill", "go"]);
            Decision::go(
                "g5-transform-or-retire",
                date(retired - 1, day),
                "portfolio-board",
                attendees(rng, &PORTFOLIO_BOARD, 3),
                "Requests fell to a handful a month; retire the service.",
            )
            .outcome(outcome)
            .write(s);
        }
    }
    out!(s, "}}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(services: usize) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        write_project(dir.path(), services).expect("the project is written");
        let compiled =
            crate::compile::compile(dir.path(), &Default::default()).expect("the project compiles");
        let found: Vec<String> = compiled
            .diagnostics
            .iter()
            .map(|d| {
                let at = crate::emit::Location::of(d.span, &compiled.sources);
                format!(
                    "{}:{}:{}: {}[{}]: {}",
                    at.file,
                    at.line,
                    at.column,
                    d.severity.as_str(),
                    d.code.as_str(),
                    d.message
                )
            })
            .collect();
        assert!(
            found.is_empty(),
            "{} findings in a generated project of {services} services:\n{}",
            found.len(),
            found.join("\n")
        );
        assert_eq!(compiled.model.services.len(), services);
    }

    #[test]
    fn a_generated_project_is_clean() {
        check(200);
    }

    #[test]
    fn odd_sizes_are_clean_too() {
        // Uneven functions, a lone service, and more than one round of themes.
        for services in [0, 1, 13, 26, 523] {
            check(services);
        }
    }

    #[test]
    fn output_is_deterministic() {
        let read = |dir: &Path| {
            let mut files: Vec<(String, String)> = walkdir::WalkDir::new(dir)
                .into_iter()
                .map(|e| e.expect("an entry"))
                .filter(|e| e.file_type().is_file())
                .map(|e| {
                    let name = e.path().strip_prefix(dir).unwrap().display().to_string();
                    (name, std::fs::read_to_string(e.path()).unwrap())
                })
                .collect();
            files.sort();
            files
        };
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        write_project(a.path(), 60).unwrap();
        write_project(b.path(), 60).unwrap();
        assert_eq!(read(a.path()), read(b.path()));
    }
}
