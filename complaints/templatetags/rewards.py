"""Template helpers of the reward pages and of the receipt page's reward section (amounts:
`{% load money %}`, registry/templatetags/money.py)."""

from django import template

from complaints.reward_forms import RewardChoiceForm

register = template.Library()


@register.simple_tag(takes_context=True)
def reward_choice_form(context, receipt):
    """The reporter's choice form: the one the page was shown again with (with its
    errors), or a new one carrying the receipt."""
    return context.get("reward_form") or RewardChoiceForm(
        initial={"receipt": receipt}, auto_id="id_reward_%s"
    )
