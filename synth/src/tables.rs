//! The fixed tables the generator draws from: kinds of work and service,
//! names, customer groups, objectives, metrics, SLA targets and the people
//! who approve at the gates.

use crate::SERVICES_PER_FUNCTION;

/// A kind of PMO work: the template of a function.
pub(crate) struct Theme {
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
    pub(crate) topic: &'static str,
    pub(crate) levels: &'static [&'static str],
}

pub(crate) const THEMES: [Theme; 20] = [
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
pub(crate) struct Kind {
    pub(crate) id: &'static str,
    pub(crate) title: &'static str,
    pub(crate) does: &'static str,
}

pub(crate) const KINDS: [Kind; SERVICES_PER_FUNCTION] = [
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

pub(crate) const DIVISIONS: [&str; 10] = [
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

pub(crate) const FIRST_NAMES: [&str; 24] = [
    "Ada", "Bilal", "Chloe", "Dmitri", "Esther", "Farid", "Greta", "Hiro", "Ines", "Jonah", "Kemi",
    "Luca", "Maya", "Nikhil", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera",
    "Wen", "Zofia",
];

pub(crate) const LAST_NAMES: [&str; 29] = [
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
pub(crate) const CUSTOMERS: [(&str, &str, u32); 8] = [
    ("executives", "Executive committee", 12),
    ("sponsors", "Business sponsors", 40),
    ("programme-managers", "Programme managers", 18),
    ("project-managers", "Project managers", 120),
    ("project-teams", "Project team members", 900),
    ("line-managers", "Line managers (resource owners)", 75),
    ("finance-partners", "Finance business partners", 10),
    ("change-managers", "Business change managers", 25),
];

pub(crate) const OBJECTIVES: [(&str, &str, &str, &str); 6] = [
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
pub(crate) const METRICS: [(&str, &str, &str, &str, &str); 14] = [
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
pub(crate) const TARGETS: [(&str, &str, &str, &str); 12] = [
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

pub(crate) const KPIS: [&str; 10] = [
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
pub(crate) const PMO_LEADERSHIP: [&str; 4] = [
    "head-of-pmo",
    "portfolio-manager",
    "governance-lead",
    "coe-lead",
];
pub(crate) const DESIGN_AUTHORITY: [&str; 4] =
    ["cio", "governance-lead", "coe-lead", "reporting-lead"];
pub(crate) const PORTFOLIO_BOARD: [&str; 4] = ["cfo", "coo", "cio", "head-of-pmo"];
pub(crate) const SPOKE_LEADS: [&str; 3] =
    ["spoke-lead-north", "spoke-lead-south", "spoke-lead-west"];

/// The fixed people: id, name, title.
pub(crate) const STAFF: [(&str, &str, &str); 11] = [
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
