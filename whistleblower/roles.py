from registry.models import Role

ROLE_PERMISSIONS = {
    # Handlers may ask; custodians decide on the requests of their unit.
    Role.COMPLAINT_OFFICER: [
        "whistleblower.add_disclosurerequest",
        "whistleblower.view_disclosurerequest",
    ],
    Role.SUPERVISOR: [
        "whistleblower.add_disclosurerequest",
        "whistleblower.view_disclosurerequest",
    ],
    Role.IDENTITY_CUSTODIAN: [
        "whistleblower.view_disclosurerequest",
        "whistleblower.change_disclosurerequest",
    ],
    Role.AUDITOR: [],
}
