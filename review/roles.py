from registry.models import Role

ROLE_PERMISSIONS = {
    # The unit's clocks, for those who answer for them; team members see their
    # inspection's clocks on the case page through the inspection.
    Role.COMPLAINT_OFFICER: ["review.view_legalclock", "review.view_dashboard"],
    Role.SUPERVISOR: ["review.view_legalclock", "review.view_dashboard"],
    Role.AUDITOR: ["review.view_legalclock", "review.view_dashboard"],
}
