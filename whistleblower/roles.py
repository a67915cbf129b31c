from registry.models import Role

ROLE_PERMISSIONS = {
    # Handlers may ask; custodians decide on the requests of their unit.
    Role.COMPLAINT_OFFICER: [
        "whistleblower.add_disclosurerequest",
        "whistleblower.view_disclosurerequest",
    ],
    # Protection requests (docs/protection.md): the unit's custodians and supervisors
    # decide and follow them up (never the report's handler: ProtectionQuerySet); a
    # supervisor alone decides whether the handler learns that one exists.
    Role.SUPERVISOR: [
        "whistleblower.add_disclosurerequest",
        "whistleblower.view_disclosurerequest",
        "whistleblower.view_protectionrequest",
        "whistleblower.change_protectionrequest",
        "whistleblower.inform_handler_protectionrequest",
    ],
    Role.IDENTITY_CUSTODIAN: [
        "whistleblower.view_disclosurerequest",
        "whistleblower.change_disclosurerequest",
        "whistleblower.view_protectionrequest",
        "whistleblower.change_protectionrequest",
    ],
    Role.AUDITOR: [],
}
