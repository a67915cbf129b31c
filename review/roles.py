from registry.models import Role

ROLE_PERMISSIONS = {
    # The unit's clocks, for those who answer for them; team members see their
    # inspection's clocks on the case page through the inspection.
    Role.COMPLAINT_OFFICER: ["registry.view_legalclock", "registry.view_dashboard"],
    Role.SUPERVISOR: ["registry.view_legalclock", "registry.view_dashboard"],
    Role.AUDITOR: ["registry.view_legalclock", "registry.view_dashboard"],
}
