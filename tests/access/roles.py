"""The role dimension of the access matrix: who is asked, and how a row declares what each
role gets.

Every row of tests/test_access_matrix.py names an `Access`: the cases (below) that get
the row's `ok` status, the status everyone else of the object's unit gets (`refused`),
and per-case exceptions. Most rows take a family default (`TEAM`, `HANDLERS`, ...) and
add exceptions with `.but(...)`, each with a comment saying why.

A user of another unit with the same role gets what `Access.other` derives: the row's
`other` status where the role's counterpart in the object's unit is let in, else the same
refusal (a 404 where the row's `other` is one: the object is not even visible).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from registry.models import Role


@dataclass(frozen=True)
class Case:
    key: str  # the name rows use
    role: str  # the only role the persona holds
    unit: str
    username: str
    position: str  # where the persona stands towards the world's objects


# Hà Nội (unit 01) owns every object of the world: one persona per role, two where an
# object permission makes the difference.
OWN_CASES = (
    Case("inspector", Role.INSPECTOR, "01", "ines", "a member (not the lead) of every team"),
    Case("inspector_off", Role.INSPECTOR, "01", "ivan", "on none of the world's inspections"),
    Case("team_lead", Role.TEAM_LEAD, "01", "tam", "leads other teams, none of the world's"),
    Case("officer", Role.COMPLAINT_OFFICER, "01", "olga", "granted w.complaint's identity"),
    Case("officer_plain", Role.COMPLAINT_OFFICER, "01", "otto", "no grant, no assignment"),
    Case("supervisor", Role.SUPERVISOR, "01", "bob", "supervises the unit"),
    Case("custodian", Role.IDENTITY_CUSTODIAN, "01", "cora", "decides the unit's requests"),
    Case("auditor", Role.AUDITOR, "01", "audrey", "reads the audit trail"),
    Case("admin", Role.ADMIN, "01", "quantri", "is_staff, the admin site"),
    Case("national", Role.SUPERVISOR, "TW", "nadia", "a supervisor of the national body"),
)

# Hồ Chí Minh City (unit 79): the same roles, on none of Hà Nội's objects. `like` is the
# Hà Nội case whose answer the other unit's persona starts from.
OTHER_CASES = (
    (Case("inspector", Role.INSPECTOR, "79", "hcm_inspector", "other unit"), "inspector_off"),
    (Case("team_lead", Role.TEAM_LEAD, "79", "hcm_lead", "other unit"), "team_lead"),
    (Case("officer", Role.COMPLAINT_OFFICER, "79", "oscar", "other unit"), "officer_plain"),
    (Case("supervisor", Role.SUPERVISOR, "79", "hcm_supervisor", "other unit"), "supervisor"),
    (Case("custodian", Role.IDENTITY_CUSTODIAN, "79", "hcm_custodian", "other unit"), "custodian"),
    (Case("auditor", Role.AUDITOR, "79", "hcm_auditor", "other unit"), "auditor"),
    (Case("admin", Role.ADMIN, "79", "hcm_admin", "other unit"), "admin"),
)

OWN_KEYS = frozenset(case.key for case in OWN_CASES)
OTHER_KEYS = frozenset(case.key for case, _ in OTHER_CASES)
_EMPTY: Mapping[str, int] = MappingProxyType({})


def _success(status: int) -> bool:
    return status < 400


@dataclass(frozen=True)
class Access:
    allow: frozenset[str]
    refused: int = 404
    exceptions: Mapping[str, int] = field(default_factory=lambda: _EMPTY)
    other_exceptions: Mapping[str, int] = field(default_factory=lambda: _EMPTY)

    def __post_init__(self):
        unknown = (self.allow | set(self.exceptions)) - OWN_KEYS
        unknown |= set(self.other_exceptions) - OTHER_KEYS
        if unknown:
            raise ValueError(f"Unknown role cases: {sorted(unknown)}")

    def but(self, *, refused: int | None = None, **statuses: int) -> "Access":
        """These Hà Nội cases get these statuses (and the others `refused`, if given)."""
        return replace(
            self,
            refused=self.refused if refused is None else refused,
            exceptions=MappingProxyType({**self.exceptions, **statuses}),
        )

    def but_other(self, **statuses: int) -> "Access":
        """These cases of another unit get these statuses."""
        merged = MappingProxyType({**self.other_exceptions, **statuses})
        return replace(self, other_exceptions=merged)

    def own(self, key: str, ok: int) -> int:
        if key in self.exceptions:
            return self.exceptions[key]
        return ok if key in self.allow else self.refused

    def other(self, key: str, like: str, ok: int, other: int) -> int:
        if key in self.other_exceptions:
            return self.other_exceptions[key]
        counterpart = self.own(like, ok)
        if counterpart == ok or _success(counterpart):
            return other
        # Refused in its own unit: here too, and with a 404 where the object is one of
        # another unit's (it is not even visible).
        return 404 if other == 404 else counterpart


def allow(*keys: str, refused: int = 404) -> Access:
    return Access(frozenset(keys), refused)


EVERYONE = allow(*OWN_KEYS)
# A list answers with what the user may see (restricted by `visible_to`): an empty page or
# list for a role without the model permission, not a 403.
OWN_LIST = EVERYONE
NOBODY = allow()  # the object is one person's (alice's): every other user is refused
# Reference data any staff member may record (the custodian and the auditor record nothing).
RECORDERS = EVERYONE.but(custodian=403, auditor=403)
# The inspector's field tools (the quantity sampling plan).
FIELD_TOOLS = RECORDERS.but(officer=403, officer_plain=403)

# Inspections and everything reached through one (findings, photos, samples, minutes,
# violation records, decisions, measures, follow-ups): the team on its inspection (object
# permissions), the unit's supervisors and national supervisors (`view_inspection` and
# `change_inspection` by role). Others do not even see the inspection: 404.
# Supervisors may also write the team's records (findings, samples, minutes drafts, ...):
# they hold `change_inspection` for the unit (inspections/roles.py), a deliberate choice.
# A plain member may do whatever the team may: drafting and signing violation records,
# recording payments, closing; the lead alone signs the minutes and reports a failed test
# (the rows say so), as the code checks (inspections/minutes.py, violations/followup.py).
TEAM = allow("inspector", "supervisor", "national")
# What the agency (a supervisor) decides on an inspection a member sees: 403 for the member.
AGENCY = allow("supervisor", "national").but(inspector=403)
# The team lead alone (alice, the row's `ok` user): a member or a supervisor sees but may not.
LEAD_ONLY = TEAM.but(inspector=403, supervisor=403, national=403)

# Plans: every inspector role reads the unit's plans; team leads draft and submit them,
# supervisors approve.
PLAN_READERS = allow("inspector", "inspector_off", "team_lead", "supervisor", "national")
PLANNERS = allow("team_lead", "supervisor", "national", refused=403)
PLAN_SUBMITTERS = PLAN_READERS.but(inspector=403, inspector_off=403)
PLAN_APPROVERS = PLAN_SUBMITTERS.but(team_lead=403)
INSPECTION_CREATORS = allow("supervisor", "national", refused=403)

# Reports: the unit's complaint officers and supervisors, and national supervisors.
HANDLERS = allow("officer", "officer_plain", "supervisor", "national")
# What only a supervisor does with reports an officer sees (an inspection from them, a
# retention hold): 403 for the officer.
SUPERVISORS_OF_REPORTS = allow("supervisor", "national").but(officer=403, officer_plain=403)
# The reporter's identity: only the handler the custodian approved (olga), not even her
# supervisor.
GRANTED_HANDLER = allow("officer")
CUSTODIANS = allow("custodian")
# Protection requests (docs/protection.md): the unit's identity custodians and supervisors,
# and national supervisors; never the report's handler (whistleblower.ProtectionQuerySet),
# and an officer holds no right on them: 404.
PROTECTORS = allow("custodian", "supervisor", "national")
# Whether the report's handler learns that one exists: a supervisor decides (the custodian
# sees the request, 403).
PROTECTION_INFORMERS = PROTECTORS.but(custodian=403)
# Notices between units (violations/notices.py): the receiving unit's supervisors and team
# leads hold `violations.view_notice` and `react_notice` (violations/roles.py); national
# staff see every unit's notice. Another unit's notice is a 404, even to its handlers.
NOTICE_READERS = allow("team_lead", "supervisor", "national")
# The national body's overview of the notices, and its decision to send them: a national
# supervisor only (403 to everyone else, of any unit).
NATIONAL_ONLY = allow("national", refused=403)
# Case review (dashboard, exports, clocks): officers, supervisors and auditors hold
# `registry.view_dashboard` (review/roles.py): the auditor's is read-only oversight, and the
# case export lists only reports the user sees (none for an auditor).
REVIEWERS = allow("officer", "officer_plain", "supervisor", "national", "auditor", refused=403)
AUDITORS = allow("auditor", "admin")
# Resetting a lost second factor: administrators (registry.change_user), for their
# unit's staff; every other role 403. Another unit's administrator sees an empty list
# and no request of this unit (404).
FACTOR_RESETTERS = allow("admin", refused=403).but_other(admin=404)
ADMIN_SITE = allow("admin", refused=302).but_other(admin=200)  # the admin site is not per unit
# A role's home page is the user's own: any user holding the role has one.
ROLE_HOME = allow("team_lead").but_other(team_lead=200)
