from registry.models import Role

_HANDLE = [
    "complaints.view_complaint",
    "complaints.change_complaint",
]

ROLE_PERMISSIONS = {
    # Officers also pay anonymous rewards at their unit's counter (complaints/rewards.py).
    Role.COMPLAINT_OFFICER: [*_HANDLE, "complaints.view_reward", "complaints.pay_reward"],
    # Supervisors also see their unit's retention notices and may hold a report past
    # its retention periods (complaints/retention.py); they approve rewards, and may
    # propose one from a case they handle, or pay one at the counter.
    Role.SUPERVISOR: [
        *_HANDLE,
        "complaints.view_retentionnotice",
        "complaints.hold_complaint",
        "complaints.view_reward",
        "complaints.add_reward",
        "complaints.approve_reward",
        "complaints.pay_reward",
    ],
    # The case's team proposes a reward from the case page (violations/rewards.py checks
    # that they are on the case); only the supervisor approves it.
    Role.INSPECTOR: ["complaints.add_reward"],
    Role.TEAM_LEAD: ["complaints.add_reward"],
    # Custodians pay the rewards whose payee details were sealed to them.
    Role.IDENTITY_CUSTODIAN: ["complaints.view_reward", "complaints.settle_reward"],
}
