from registry.models import Role

_HANDLE = [
    "complaints.view_complaint",
    "complaints.change_complaint",
]

ROLE_PERMISSIONS = {
    Role.COMPLAINT_OFFICER: _HANDLE,
    Role.SUPERVISOR: _HANDLE,
}
