from registry.models import Role

_PLAN_READ = ["inspections.view_inspectionplan"]

ROLE_PERMISSIONS = {
    # Inspectors and team leads see only the inspections they are on (object permissions).
    Role.INSPECTOR: [*_PLAN_READ],
    Role.TEAM_LEAD: [
        *_PLAN_READ,
        "inspections.add_inspectionplan",
        "inspections.change_inspectionplan",
    ],
    Role.SUPERVISOR: [
        *_PLAN_READ,
        "inspections.add_inspectionplan",
        "inspections.change_inspectionplan",
        "inspections.approve_inspectionplan",
        "inspections.view_inspection",
        "inspections.add_inspection",
        "inspections.change_inspection",
        "inspections.decide_inspection",
    ],
}
