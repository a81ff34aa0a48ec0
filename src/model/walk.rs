//! Walking the model generically: every declaration with its kind
//! ([`Model::declarations`]) and every reference with its field
//! ([`Model::references`]). The kinds' lists are spelled out here and in
//! [`Model::append`] / [`Model::retain_declarations`] only; the checks, the
//! catalog and the site go through these walks and the tables of
//! [`crate::base::kind`].

use super::{
    Customer, Function, Gate, Id, Improvement, Metric, Model, Objective, Person, Service, Team,
    Trigger,
};
use crate::base::{EntityKind, Field};

/// A declared entity with a list of its own in the model.
pub trait Entity: Sized {
    const KIND: EntityKind;
    fn id(&self) -> &Id;
    /// The declaration of this kind at position `at` in model order.
    fn at(model: &Model, at: usize) -> Option<&Self>;
}

macro_rules! entities {
    ($($kind:ident: $type:ty => $list:ident),* $(,)?) => {
        $(impl Entity for $type {
            const KIND: EntityKind = EntityKind::$kind;
            fn id(&self) -> &Id {
                &self.id
            }
            fn at(model: &Model, at: usize) -> Option<&Self> {
                let found: &Self = model.$list.get(at)?;
                Some(found)
            }
        })*

        impl Model {
            /// Appends another file's declarations after this one's.
            pub fn append(&mut self, other: Model) {
                if self.pmo.is_none() {
                    self.pmo = other.pmo;
                }
                $(self.$list.extend(other.$list);)*
            }

            /// Keeps the declarations (SLAs included) whose id `keep` accepts.
            pub fn retain_declarations(&mut self, keep: impl Fn(&Id) -> bool) {
                $(self.$list.retain(|x| keep(&x.id));)*
                // A service is shared with the compile cache: copied only
                // when it loses an SLA.
                for service in &mut self.services {
                    if service.slas.iter().any(|x| !keep(&x.id)) {
                        std::sync::Arc::make_mut(service).slas.retain(|x| keep(&x.id));
                    }
                }
            }

            /// The id of a declaration by its kind and place: its position
            /// in its kind's list (an SLA: its service's position, then its
            /// own among the service's SLAs).
            pub(crate) fn id_at(&self, kind: EntityKind, at: usize, sla: usize) -> Option<&Id> {
                match kind {
                    EntityKind::Pmo => self.pmo.as_ref().map(|p| &p.id),
                    EntityKind::Sla => self.services.get(at)?.slas.get(sla).map(|s| &s.id),
                    $(EntityKind::$kind => self.$list.get(at).map(|x| &x.id),)*
                }
            }

            /// Every declaration's kind and id, SLAs included, kind by kind
            /// (in the order of the entity table), each in model order.
            pub fn declarations(&self) -> Vec<(EntityKind, &Id)> {
                let mut all = Vec::new();
                if let Some(pmo) = &self.pmo {
                    all.push((EntityKind::Pmo, &pmo.id));
                }
                $(all.extend(self.$list.iter().map(|x| (EntityKind::$kind, &x.id)));)*
                all.extend(
                    self.services
                        .iter()
                        .flat_map(|s| &s.slas)
                        .map(|sla| (EntityKind::Sla, &sla.id)),
                );
                all.sort_by_key(|(kind, _)| *kind);
                all
            }
        }
    };
}

entities! {
    Person: Person => persons,
    Team: Team => teams,
    Customer: Customer => customers,
    Objective: Objective => objectives,
    Metric: Metric => metrics,
    Function: Function => functions,
    Service: Service => services,
    Gate: Gate => gates,
    Trigger: Trigger => triggers,
    Improvement: Improvement => improvements,
}

/// A reference as written: the field, the id it names, and the declaration
/// that holds it.
#[derive(Debug, Clone, Copy)]
pub struct Reference<'m> {
    pub field: Field,
    /// The id named (with its span).
    pub to: &'m Id,
    /// The id of the declaration that holds the reference (of the kind
    /// `field.from()`).
    pub holder: &'m Id,
    /// For a reference inside a decision: the decision's gate.
    pub decision_at: Option<&'m Id>,
}

/// Collects references for one holder.
struct Refs<'m, 'v> {
    out: &'v mut Vec<Reference<'m>>,
    holder: &'m Id,
    decision_at: Option<&'m Id>,
}

impl<'m> Refs<'m, '_> {
    fn one(&mut self, field: Field, to: Option<&'m Id>) {
        if let Some(to) = to {
            self.out.push(Reference {
                field,
                to,
                holder: self.holder,
                decision_at: self.decision_at,
            });
        }
    }

    fn all(&mut self, field: Field, to: impl IntoIterator<Item = &'m Id>) {
        for to in to {
            self.one(field, Some(to));
        }
    }
}

impl Model {
    /// Every reference of the model, declaration by declaration in model
    /// order (a built-in condition is not a reference).
    pub fn references(&self) -> Vec<Reference<'_>> {
        self.references_but(|_| false)
    }

    /// [`Model::references`] but those of the services `skip` names (their
    /// own and those inside them: [`Service::references_into`]).
    pub fn references_but(&self, skip: impl Fn(&Service) -> bool) -> Vec<Reference<'_>> {
        let mut out = Vec::new();
        self.walk_references(&mut out, skip);
        out
    }

    fn walk_references<'m>(
        &'m self,
        out: &mut Vec<Reference<'m>>,
        skip: impl Fn(&Service) -> bool,
    ) {
        use Field::*;
        if let Some(pmo) = &self.pmo {
            let mut r = refs(out, &pmo.id);
            r.one(PmoSponsor, pmo.sponsor.as_ref());
            r.one(PmoHead, pmo.head.as_ref());
        }
        for team in &self.teams {
            refs(out, &team.id).all(TeamMember, &team.members);
        }
        for o in &self.objectives {
            refs(out, &o.id).one(ObjectiveOwner, o.owner.as_ref());
        }
        for f in &self.functions {
            refs(out, &f.id).one(FunctionLead, f.lead.as_ref());
        }
        for s in self.services.iter().filter(|s| !skip(s)) {
            s.walk_references(out);
        }
        for g in &self.gates {
            refs(out, &g.id).all(GateApprovers, &g.approvers);
        }
        for t in &self.triggers {
            let mut r = refs(out, &t.id);
            for a in &t.applies_to {
                r.one(AppliesToFunction, a.function.as_ref());
                r.one(AppliesToService, a.service.as_ref());
            }
            let when = t.when.as_ref().filter(|w| !w.is_built_in());
            r.one(TriggerWhen, when.map(|w| &w.metric));
            r.one(TriggerGate, t.gate.as_ref());
            r.all(TriggerNotify, &t.notify);
        }
        for i in &self.improvements {
            let mut r = refs(out, &i.id);
            r.one(ImprovementService, i.service.as_ref());
            r.all(ImprovementAnswers, &i.answers);
            r.one(ImprovementOwner, i.owner.as_ref());
            r.one(ImprovementExpect, i.expect.as_ref().map(|e| &e.metric));
        }
    }
}

fn refs<'m, 'v>(out: &'v mut Vec<Reference<'m>>, holder: &'m Id) -> Refs<'m, 'v> {
    Refs {
        out,
        holder,
        decision_at: None,
    }
}

impl Service {
    /// The service's references (its own, its SLAs', its decisions'…),
    /// added to `out` in model order.
    pub fn references_into<'m>(&'m self, out: &mut Vec<Reference<'m>>) {
        self.walk_references(out);
    }

    fn walk_references<'m>(&'m self, out: &mut Vec<Reference<'m>>) {
        use Field::*;
        let mut r = refs(out, &self.id);
        r.one(ServiceFunction, self.function.as_ref());
        r.one(ServiceOwner, self.owner.as_ref());
        r.all(ServiceOffer, self.offers.iter().map(|o| &o.customer));
        r.all(ServiceObjectives, &self.objectives);
        r.all(ServiceDependsOn, &self.depends_on);
        r.all(ServiceReplaces, &self.replaces);
        r.all(ServiceKpis, &self.kpis);
        r.one(ServiceSponsor, self.card.sponsor.as_ref());
        if let Some(p) = &self.pilot {
            r.all(PilotGroups, &p.groups);
            r.one(PilotExitGate, p.exit_gate.as_ref());
        }
        if let Some(ro) = &self.rollout {
            r.all(PhaseGroups, ro.phases.iter().flat_map(|p| &p.groups));
            r.one(
                AdoptionTarget,
                ro.adoption_target.as_ref().map(|a| &a.metric),
            );
            r.all(RolloutChampion, ro.champions.iter().map(|c| &c.party));
            r.all(ChampionGroups, ro.champions.iter().flat_map(|c| &c.groups));
            r.all(
                CommunicateTo,
                ro.communications.iter().filter_map(|c| c.to.as_ref()),
            );
            r.all(TrainGroups, ro.trainings.iter().flat_map(|t| &t.groups));
            let feedback = ro.feedback.as_ref();
            r.one(FeedbackMetric, feedback.and_then(|f| f.metric.as_ref()));
            r.one(FeedbackTo, feedback.and_then(|f| f.to.as_ref()));
        }
        if let Some(t) = &self.transform {
            r.one(TransformSuccessor, t.successor.as_ref());
        }
        if let Some(ret) = &self.retirement {
            r.one(RetirementDecidedAt, ret.decided_at.as_ref());
            r.one(RetirementReplacedBy, ret.replaced_by.as_ref());
        }
        for d in &self.decisions {
            let mut r = Refs {
                out: &mut *r.out,
                holder: &self.id,
                decision_at: Some(&d.gate),
            };
            r.one(DecisionGate, Some(&d.gate));
            r.one(DecisionBy, d.by.as_ref());
            r.all(DecisionPresent, &d.present);
        }
        r.all(ServiceEffort, self.efforts.iter().map(|e| &e.party));
        for sla in &self.slas {
            let mut r = refs(&mut *r.out, &sla.id);
            r.all(SlaCustomers, &sla.customers);
            r.all(SlaTarget, sla.targets.iter().map(|t| &t.metric));
            r.one(SlaReportTo, sla.report.as_ref().and_then(|x| x.to.as_ref()));
            r.all(
                SlaEscalateTo,
                sla.escalations.iter().filter_map(|e| e.to.as_ref()),
            );
        }
    }
}
