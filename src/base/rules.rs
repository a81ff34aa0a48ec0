//! The table of rule codes: one row per code with its default severity, its
//! family and its reference page (`docs/rules/<code>.md`, compiled in and
//! printed by `pmoc explain`). Everything that names a code goes through
//! [`Code`], so the table is the one place a code is spelled.

use super::Severity;

/// The family a rule belongs to; model families match the modules of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Syntax,
    Schema,
    References,
    Dependencies,
    Slas,
    Lifecycle,
    Gates,
    Triggers,
    Metrics,
    Capacity,
    Roadmap,
    Change,
    Decisions,
    Allowance,
    Improvements,
    Adoption,
    Card,
    Onboarding,
}

macro_rules! codes {
    ($($variant:ident $name:literal $severity:ident $family:ident;)*) => {
        /// A rule code of section 4 of the language.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            /// Every code, in the order of the specification.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as written in output and in `lints`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            pub fn family(self) -> Family {
                match self { $(Code::$variant => Family::$family,)* }
            }

            /// The reference page (Markdown) of the code.
            pub fn doc(self) -> &'static str {
                match self { $(Code::$variant => include_str!(concat!("../../docs/rules/", $name, ".md")),)* }
            }
        }
    };
}

codes! {
    KdlSyntax "kdl-syntax" Error Syntax;
    UnknownNode "unknown-node" Error Schema;
    UnknownProperty "unknown-property" Error Schema;
    MissingField "missing-field" Error Schema;
    DuplicateField "duplicate-field" Error Schema;
    WrongType "wrong-type" Error Schema;
    InvalidValue "invalid-value" Error Schema;
    InvalidId "invalid-id" Error Schema;
    MisplacedPmo "misplaced-pmo" Error Schema;
    DuplicateId "duplicate-id" Error References;
    UnknownReference "unknown-reference" Error References;
    WrongReferenceKind "wrong-reference-kind" Error References;
    EmptyFunction "empty-function" Warning References;
    NoOffer "no-offer" Error References;
    LevelNotInFunction "level-not-in-function" Error References;
    DependencyCycle "dependency-cycle" Error Dependencies;
    DependsOnPipeline "depends-on-pipeline" Error Dependencies;
    DependsOnRetired "depends-on-retired" Error Dependencies;
    UnitMismatch "unit-mismatch" Error Slas;
    WarnInverted "warn-inverted" Error Slas;
    SlaForeignCustomer "sla-foreign-customer" Error Slas;
    MandatedWithoutSla "mandated-without-sla" Error Slas;
    SlaReviewOverdue "sla-review-overdue" Warning Slas;
    OperationNeedsSla "operation-needs-sla" Error Slas;
    OwnerRequired "owner-required" Error Lifecycle;
    PipelineUnaligned "pipeline-unaligned" Warning Lifecycle;
    PilotIncomplete "pilot-incomplete" Error Lifecycle;
    PilotOverdue "pilot-overdue" Warning Lifecycle;
    RolloutMissing "rollout-missing" Error Lifecycle;
    TransformIncomplete "transform-incomplete" Error Lifecycle;
    RetiredIncomplete "retired-incomplete" Error Lifecycle;
    RetiredSlaOpen "retired-sla-open" Error Lifecycle;
    StageWithoutGo "stage-without-go" Error Gates;
    DecisionContradictsStage "decision-contradicts-stage" Error Gates;
    DecisionIncomplete "decision-incomplete" Error Gates;
    DecisionUnauthorised "decision-unauthorised" Error Gates;
    GateNoMust "gate-no-must" Error Gates;
    GateBadTransition "gate-bad-transition" Error Gates;
    OwnerApprovesOwn "owner-approves-own" Warning Gates;
    NoTriggerCoverage "no-trigger-coverage" Warning Triggers;
    TriggerMetricCadence "trigger-metric-cadence" Error Triggers;
    TriggerFired "trigger-fired" Warning Metrics;
    InsufficientData "insufficient-data" Warning Metrics;
    ObservationsAfterAsOf "observations-after-as-of" Warning Metrics;
    MetricsCsv "metrics-csv" Error Metrics;
    CapacityOvercommitted "capacity-overcommitted" Warning Capacity;
    EffortMissing "effort-missing" Warning Capacity;
    PlanSlipped "plan-slipped" Warning Roadmap;
    PlanOrder "plan-order" Warning Roadmap;
    PlanBeforeDependency "plan-before-dependency" Warning Roadmap;
    ObjectiveExpired "objective-expired" Warning Roadmap;
    ChangeSaturation "change-saturation" Warning Change;
    DecisionOverdue "decision-overdue" Warning Decisions;
    HoldExpired "hold-expired" Warning Decisions;
    BudgetExhausted "budget-exhausted" Warning Allowance;
    BudgetBurning "budget-burning" Warning Allowance;
    ImprovementOverdue "improvement-overdue" Warning Improvements;
    ImprovementNoEffect "improvement-no-effect" Warning Improvements;
    AdoptionBehindPlan "adoption-behind-plan" Warning Adoption;
    AdoptionMissed "adoption-missed" Warning Adoption;
    ValueUnstated "value-unstated" Warning Card;
    GateRequirementMissing "gate-requirement-missing" Warning Card;
    OnboardingGap "onboarding-gap" Warning Onboarding;
    FeedbackMissing "feedback-missing" Warning Onboarding;
}

impl Code {
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == name)
    }

    /// Syntax and schema diagnostics are always errors: `lints` cannot touch them.
    pub fn is_lintable(self) -> bool {
        !matches!(self.family(), Family::Syntax | Family::Schema)
    }

    /// The one-sentence summary of the reference page: its first paragraph
    /// after the `Severity:`/`Family:` lines.
    pub fn summary(self) -> &'static str {
        self.doc()
            .split("\n\n")
            .map(str::trim)
            .find(|p| !p.is_empty() && !p.starts_with('#') && !p.starts_with("Severity:"))
            .unwrap_or("")
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_page_that_names_it() {
        for code in Code::ALL {
            let first = code.doc().lines().next().unwrap_or("");
            assert_eq!(first, format!("# {code}"), "docs/rules/{code}.md");
            assert!(!code.summary().is_empty(), "{code} has no summary");
        }
    }
}
