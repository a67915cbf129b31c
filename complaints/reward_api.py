"""The reporter's choice of how to receive a reward, through the API (docs/rewards.md):
the receipt travels in the body, as for the status and the messages."""

from ninja import Router

from complaints import rewards, selectors, services
from complaints.api import PUBLIC_ERRORS
from complaints.reward_schemas import RewardChoiceIn
from complaints.schemas import StatusOut

public = Router(tags=["public"])


@public.post(
    "/public/reports/reward",
    auth=None,
    operation_id="choose_reward",
    response={200: StatusOut, **PUBLIC_ERRORS},
)
def choose_reward(request, data: RewardChoiceIn):
    """Receive an approved reward anonymously at the unit's counter (`counter`), through
    the identity custodian with payee details sealed for them (`disclose`, with the
    `payee_*` fields), or not at all (`decline`). Answers with the report's status."""
    complaint = services.complaint_by_receipt(receipt=data.receipt, network_key=request.network_key)
    rewards.reward_choose(
        complaint=complaint,
        choice=data.choice,
        payee=rewards.payee_posted(data.dict()),
        network_key=request.network_key,
    )
    return selectors.public_view(complaint)
