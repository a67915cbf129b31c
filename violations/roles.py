from registry.models import Role

ROLE_PERMISSIONS = {
    Role.SUPERVISOR: [
        "violations.view_violationrecord",
        "violations.view_penaltydecision",
        "violations.approve_penaltydecision",
        "violations.view_productalert",
        "violations.publish_productalert",
    ],
}
