from registry.models import Role

ROLE_PERMISSIONS = {
    Role.SUPERVISOR: [
        "violations.view_violationrecord",
        "violations.view_penaltydecision",
        "violations.approve_penaltydecision",
        "violations.view_productalert",
        "violations.publish_productalert",
        # Notices between units (violations/notices.py): a national supervisor also
        # sends them by decision.
        "violations.view_notice",
        "violations.react_notice",
        "violations.send_notice",
    ],
    Role.TEAM_LEAD: ["violations.view_notice", "violations.react_notice"],
}
