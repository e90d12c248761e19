//! Need-to-know. A user sees an incident only as a member of one of its
//! headquarters, as a global reader, or as an administrator; a stranger is
//! told the incident does not exist. Log entries follow their release
//! marking. The store asks these same rules, in SQL form, so that lists and
//! counts never include what the viewer may not see.

use crate::ids::*;
use crate::vocab::*;

#[derive(Debug, Clone, PartialEq)]
pub struct Membership {
    pub incident: IncidentId,
    pub hq: HqId,
    pub role: RoleName,
    pub capabilities: Vec<Capability>,
}

/// The signed-in user as the rules see them.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    pub user: UserId,
    pub username: String,
    pub display_name: String,
    pub global_role: Option<GlobalRole>,
    pub memberships: Vec<Membership>,
}

impl Principal {
    pub fn is_admin(&self) -> bool {
        self.global_role == Some(GlobalRole::Admin)
    }

    pub fn can_open_incident(&self) -> bool {
        matches!(
            self.global_role,
            Some(GlobalRole::Admin | GlobalRole::Officer)
        )
    }

    /// Who may register and regrade sources: whoever may open incidents or
    /// write to some incident's log.
    pub fn may_grade_sources(&self) -> bool {
        self.can_open_incident()
            || self
                .memberships
                .iter()
                .any(|m| m.capabilities.contains(&Capability::LogWrite))
    }

    pub fn is_member(&self, incident: IncidentId) -> bool {
        self.memberships.iter().any(|m| m.incident == incident)
    }

    pub fn can_see_incident(&self, incident: IncidentId) -> bool {
        matches!(
            self.global_role,
            Some(GlobalRole::Admin | GlobalRole::Reader)
        ) || self.is_member(incident)
    }

    /// The headquarters of `incident` this user belongs to.
    pub fn hqs_in(&self, incident: IncidentId) -> Vec<HqId> {
        self.memberships
            .iter()
            .filter(|m| m.incident == incident)
            .map(|m| m.hq)
            .collect()
    }

    pub fn role_in(&self, hq: HqId) -> Option<&RoleName> {
        self.memberships
            .iter()
            .find(|m| m.hq == hq)
            .map(|m| &m.role)
    }

    /// May act with `cap` in headquarters `hq`.
    pub fn can(&self, hq: HqId, cap: Capability) -> bool {
        self.is_admin()
            || self
                .memberships
                .iter()
                .any(|m| m.hq == hq && m.capabilities.contains(&cap))
    }

    /// May act with `cap` somewhere in the incident; the HQ to act from.
    pub fn can_in_incident(&self, incident: IncidentId, cap: Capability) -> bool {
        self.is_admin()
            || self
                .memberships
                .iter()
                .any(|m| m.incident == incident && m.capabilities.contains(&cap))
    }

    /// The rule for one log entry.
    pub fn can_read_entry(
        &self,
        incident: IncidentId,
        origin: HqId,
        release: Release,
        released_to: &[HqId],
    ) -> bool {
        if self.is_admin() {
            return true;
        }
        if !self.can_see_incident(incident) {
            return false;
        }
        if release >= Release::Incident {
            return true;
        }
        let mine = self.hqs_in(incident);
        mine.contains(&origin) || released_to.iter().any(|h| mine.contains(h))
    }

    /// The same rule in a form the store turns into SQL.
    pub fn entry_filter(&self, incident: IncidentId) -> EntryFilter {
        if self.is_admin() {
            EntryFilter::All
        } else {
            EntryFilter::Restricted {
                hqs: self.hqs_in(incident),
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum EntryFilter {
    All,
    /// Entries released to the whole incident or wider, plus those of these
    /// HQs or released to them.
    Restricted {
        hqs: Vec<HqId>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(incident: IncidentId, hq: HqId, role: &str) -> Principal {
        let role = RoleName::parse("role", role).unwrap();
        Principal {
            user: UserId::new(),
            username: "u".into(),
            display_name: "U".into(),
            global_role: None,
            memberships: vec![Membership {
                incident,
                hq,
                capabilities: role.builtin_capabilities().unwrap(),
                role,
            }],
        }
    }

    #[test]
    fn stranger_sees_nothing_member_sees_by_marking() {
        let (inc, mofa, lima) = (IncidentId::new(), HqId::new(), HqId::new());
        let m = member(inc, mofa, "analyst");
        let stranger = member(IncidentId::new(), HqId::new(), "head");
        assert!(m.can_see_incident(inc));
        assert!(!stranger.can_see_incident(inc));
        assert!(!stranger.can_read_entry(inc, mofa, Release::Public, &[]));
        assert!(m.can_read_entry(inc, lima, Release::Incident, &[]));
        assert!(!m.can_read_entry(inc, lima, Release::Hq, &[]));
        assert!(m.can_read_entry(inc, lima, Release::Hq, &[mofa]));
        assert!(m.can_read_entry(inc, mofa, Release::Hq, &[]));
    }

    #[test]
    fn analyst_cannot_record_decisions() {
        let (inc, hq) = (IncidentId::new(), HqId::new());
        assert!(!member(inc, hq, "analyst").can(hq, Capability::DecisionRecord));
        assert!(member(inc, hq, "scribe").can(hq, Capability::DecisionRecord));
        assert!(!member(inc, hq, "head").can(HqId::new(), Capability::LogWrite));
    }
}
