"""Reward pages (docs/rewards.md): the reporter's choice through the receipt, the
supervisor's approval, the counter and the custodian's payment.

The receipt and the proof of filing travel only in the POSTs that need them (and the
hidden fields of the counter's second step); nothing here stores or logs them.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from complaints import reward_selectors, rewards, services
from complaints.forms import ReceiptForm
from complaints.models import Reward
from complaints.reward_forms import CounterForm, RewardChoiceForm, RewardDecisionForm, VoucherForm
from complaints.views import (
    _error_page,
    _receipt_error,
    _receipt_once,
    _receipt_redirect,
    _receipt_shown,
    _status_page,
)
from registry.errors import DomainError, NotFound
from registry.forms import add_domain_errors
from whistleblower.vault import session_private_key

# The confirmation after the reporter's choice reads the reward from this cookie once.
CHOSEN_COOKIE = "tra-cuu-khen-thuong"
PAGE_SIZE = 25


# --- The reporter -------------------------------------------------------------------------


@sensitive_post_parameters()
@require_POST
def reward_choose(request):
    lookup = ReceiptForm(request.POST)
    if not lookup.is_valid():
        return redirect("report-lookup")
    receipt = lookup.cleaned_data["receipt"]
    try:
        complaint = services.complaint_by_receipt(receipt=receipt, network_key=request.network_key)
    except DomainError as exc:
        _receipt_error(lookup, exc)
        return _error_page(request, "complaints/public/lookup.html", {"form": lookup}, exc)
    form = RewardChoiceForm(request.POST, auto_id="id_reward_%s")
    if not form.is_valid():
        return _status_page(request, complaint, receipt, status=400, reward_form=form)
    try:
        reward = rewards.reward_choose(
            complaint=complaint,
            choice=form.cleaned_data["choice"],
            payee=rewards.payee_posted(form.cleaned_data),
            network_key=request.network_key,
        )
    except DomainError as exc:
        add_domain_errors(form, exc)
        response = _status_page(request, complaint, receipt, status=exc.status, reward_form=form)
        if getattr(exc, "retry_after", None):
            response["Retry-After"] = str(exc.retry_after)
        return response
    return _receipt_redirect(request, "reward-chosen", CHOSEN_COOKIE, {"reward": reward.pk})


def reward_chosen(request):
    """What the reporter chose and what happens next, once (from the choice's cookie);
    a reload says the choice was recorded and asks for the receipt to see it again."""
    reward_id = _receipt_once(request, CHOSEN_COOKIE).get("reward")
    reward = (
        Reward.objects.select_related("unit").filter(pk=reward_id).first()
        if isinstance(reward_id, int)
        else None
    )
    response = render(request, "complaints/public/reward_chosen.html", {"reward": reward})
    return _receipt_shown(response, CHOSEN_COOKIE, reverse("reward-chosen"))


# --- Staff --------------------------------------------------------------------------------


def _reward(request, reward_id: int) -> Reward:
    try:
        return reward_selectors.reward_get(user=request.user, reward_id=reward_id)
    except NotFound as exc:
        raise Http404 from exc


@login_required
def reward_list(request):
    status = request.GET.get("status")
    status = status if status in Reward.Status.values else ""
    listed = reward_selectors.reward_list(user=request.user, status=status or None)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/staff/reward_list.html",
        {
            "page": page,
            "status": status,
            "query": f"status={status}" if status else "",
            "statuses": Reward.Status.choices,
        },
    )


def _detail_page(request, reward: Reward, *, decision_form=None, voucher_form=None, status=200):
    user = request.user
    may_decide = (
        reward.status == Reward.Status.PROPOSED
        and user.has_perm("complaints.approve_reward")
        and reward.proposed_by_id != user.pk
    )
    may_settle = reward.status == Reward.Status.DISCLOSED and user.has_perm(
        "complaints.settle_reward"
    )
    return render(
        request,
        "complaints/staff/reward_detail.html",
        {
            "reward": reward,
            "decision_form": (decision_form or RewardDecisionForm()) if may_decide else None,
            "voucher_form": (voucher_form or VoucherForm()) if may_settle else None,
            "may_settle": may_settle,
            "page_errors": [
                error
                for form in (decision_form, voucher_form)
                if form is not None
                for error in form.non_field_errors()
            ],
        },
        status=status,
    )


@login_required
def reward_detail(request, reward_id: int):
    return _detail_page(request, _reward(request, reward_id))


@login_required
@require_POST
def reward_decide(request, reward_id: int):
    reward = _reward(request, reward_id)
    form = RewardDecisionForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            reward = rewards.reward_decide(
                by=request.user,
                reward=reward,
                approve=form.cleaned_data["approve"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
            status = exc.status
        else:
            messages.success(
                request,
                _("Đã duyệt khen thưởng; người phản ánh sẽ thấy qua mã tra cứu.")
                if reward.status == Reward.Status.APPROVED
                else _("Đã trả lại đề xuất; người đề xuất được thông báo."),
            )
            return redirect("reward-detail", reward_id=reward.pk)
    return _detail_page(request, reward, decision_form=form, status=status)


@login_required
def reward_payee(request, reward_id: int):
    """The payee details, for the custodian they were sealed to (each view audited)."""
    reward = _reward(request, reward_id)
    try:
        fields = rewards.reward_payee_reveal(
            by=request.user, reward=reward, private=session_private_key(request)
        )
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        return render(
            request,
            "complaints/staff/reward_payee.html",
            {"reward": reward, "error": exc.render()},
            status=exc.status,
        )
    response = render(
        request, "complaints/staff/reward_payee.html", {"reward": reward, "fields": fields}
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def reward_pay(request, reward_id: int):
    """The custodian records the payment made to the payee the reporter named."""
    reward = _reward(request, reward_id)
    form = VoucherForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            rewards.reward_pay_disclosed(
                by=request.user, reward=reward, voucher_number=form.cleaned_data["voucher_number"]
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
            status = exc.status
        else:
            messages.success(
                request,
                _("Đã ghi nhận chi trả; thông tin người nhận đã được xóa khỏi hệ thống."),
            )
            return redirect("reward-detail", reward_id=reward.pk)
    return _detail_page(request, reward, voucher_form=form, status=status)


def _counter_error(form, exc: DomainError) -> None:
    """A wrong receipt on the receipt field, a proof that does not hold on the file's."""
    if isinstance(exc, services.ReceiptNotFound):
        form.add_error("receipt", exc.render())
    else:
        add_domain_errors(
            form, exc, field_for=lambda name: "proof_file" if name == "proof" else name
        )


@sensitive_post_parameters()
@login_required
def reward_counter(request):
    """The counter: check the receipt and the proof of filing, show the approved reward
    (kind and amount, nothing else of the case), then record it paid. Both are checked
    again when the payment is recorded."""
    if not request.user.has_perm("complaints.pay_reward"):
        raise DjangoPermissionDenied
    posted = request.method == "POST"
    form = CounterForm(request.POST, request.FILES) if posted else CounterForm()
    context, status = {"form": form}, 200
    if posted:
        status = 400
        if form.is_valid():
            status = _counter_step(request, form, context)
            if status == 302:
                return redirect("reward-counter")
    response = render(request, "complaints/staff/reward_counter.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _counter_step(request, form, context) -> int:
    """Check (and with step=pay, record the payment); the page's status, 302 once paid."""
    data = form.cleaned_data
    checked = {
        "receipt": data["receipt"],
        "proof": data["proof"],
        "network_key": request.network_key,
    }
    try:
        context["reward"] = rewards.reward_at_counter(by=request.user, **checked)
    except DomainError as exc:
        _counter_error(form, exc)
        return exc.status
    context["receipt"] = data["receipt"]
    context["proof_text"] = json.dumps(data["proof"], ensure_ascii=False)
    if request.POST.get("step") != "pay":
        return 200
    try:
        rewards.reward_pay_at_counter(
            by=request.user, voucher_number=data["voucher_number"], **checked
        )
    except DomainError as exc:
        _counter_error(form, exc)
        return exc.status
    messages.success(
        request,
        _("Đã ghi nhận chi trả khen thưởng, chứng từ số %(voucher)s.")
        % {"voucher": data["voucher_number"].strip()},
    )
    return 302
