from registry.models import Role

_READ = [
    "inspections.view_inspectionplan",
    "inspections.view_checklisttemplate",
    "inspections.view_checklistitem",
]

ROLE_PERMISSIONS = {
    # Inspectors and team leads see only the inspections they are on (object permissions).
    Role.INSPECTOR: [*_READ],
    Role.TEAM_LEAD: [*_READ, "inspections.add_inspectionplan", "inspections.change_inspectionplan"],
    Role.SUPERVISOR: [
        *_READ,
        "inspections.add_inspectionplan",
        "inspections.change_inspectionplan",
        "inspections.approve_inspectionplan",
        "inspections.view_inspection",
        "inspections.add_inspection",
        "inspections.change_inspection",
        "inspections.decide_inspection",
    ],
    # Admins publish checklist versions (in the admin).
    Role.ADMIN: [
        "inspections.view_checklisttemplate",
        "inspections.add_checklisttemplate",
        "inspections.change_checklisttemplate",
        "inspections.view_checklistitem",
        "inspections.add_checklistitem",
        "inspections.change_checklistitem",
    ],
}
