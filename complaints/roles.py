from registry.models import Role

_HANDLE = [
    "complaints.view_complaint",
    "complaints.change_complaint",
]

ROLE_PERMISSIONS = {
    Role.COMPLAINT_OFFICER: _HANDLE,
    # Supervisors also see their unit's retention notices and may hold a report past
    # its retention periods (complaints/retention.py).
    Role.SUPERVISOR: [
        *_HANDLE,
        "complaints.view_retentionnotice",
        "complaints.hold_complaint",
    ],
}
