"""The reward pages (complaints/reward_views.py), included by complaints/urls.py."""

from django.urls import path

from complaints import reward_views

urlpatterns = [
    # The reporter, with the receipt: Vietnamese paths, no login.
    path("tra-cuu/khen-thuong/chon/", reward_views.reward_choose, name="reward-choose"),
    path("tra-cuu/khen-thuong/da-chon/", reward_views.reward_chosen, name="reward-chosen"),
    # Staff: the list (supervisors approve, custodians pay), the counter.
    path("rewards/", reward_views.reward_list, name="reward-list"),
    path("rewards/counter/", reward_views.reward_counter, name="reward-counter"),
    path("rewards/<int:reward_id>/", reward_views.reward_detail, name="reward-detail"),
    path("rewards/<int:reward_id>/decide/", reward_views.reward_decide, name="reward-decide"),
    path("rewards/<int:reward_id>/payee/", reward_views.reward_payee, name="reward-payee"),
    path("rewards/<int:reward_id>/pay/", reward_views.reward_pay, name="reward-pay"),
]
