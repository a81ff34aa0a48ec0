//! The plan: which functions, people and services exist, and in which stage.

use pmoc::model::Stage::{
    self, Design, Implementation, Operation, Pilot, Retired, Strategy, Transform,
};

use crate::SERVICES_PER_FUNCTION;
use crate::tables::{DIVISIONS, FIRST_NAMES, KINDS, Kind, LAST_NAMES, THEMES, Theme};

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
pub(crate) const REPLACED: usize = 12; // retired, replaced by the next service
pub(crate) const REPLACEMENT: usize = 13; // in operation, `replaces` the one before
pub(crate) const PILOT_HELD: usize = 16; // pilot past its review date, held at the exit gate
pub(crate) const STRATEGY_HELD: usize = 19; // strategy, concept held at g1
pub(crate) const TRANSFORMED_BACK: usize = 23; // operation again after a transformation

pub(crate) struct Person {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) title: String,
}

pub(crate) struct ServicePlan {
    pub(crate) id: String,
    pub(crate) kind: &'static Kind,
    pub(crate) stage: Stage,
}

pub(crate) struct FunctionPlan {
    pub(crate) index: usize,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) theme: &'static Theme,
    /// The function lead and two service managers: ids into `Plan::people`.
    pub(crate) people: [String; 3],
    pub(crate) services: Vec<ServicePlan>,
    /// A service in operation of the previous function, for cross-function
    /// dependencies.
    pub(crate) upstream: Option<String>,
}

/// Whether another service may depend on a service in `stage`: only on
/// one in operation or transform.
pub(crate) fn dependable(stage: Stage) -> bool {
    matches!(stage, Operation | Transform)
}

pub(crate) struct Plan {
    pub(crate) people: Vec<Person>,
    pub(crate) functions: Vec<FunctionPlan>,
}

impl Plan {
    pub(crate) fn new(services: usize) -> Plan {
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
