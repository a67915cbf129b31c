import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from registry.management.commands.seed_demo import DEMO_USERS
from registry.models import User
from registry.views import HOME_ORDER
from tests.second_factor import sign_in


@pytest.fixture
def demo_passwords(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    rows = re.findall(r"^\s+(\S+)\s+([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})\s", out.getvalue(), re.M)
    return dict(rows)


def test_demo_prints_one_password_per_user(demo_passwords):
    assert set(demo_passwords) == {username for username, *_ in DEMO_USERS}


@pytest.mark.parametrize(("username", "roles"), [(u, roles) for u, _, _, roles in DEMO_USERS])
def test_each_demo_user_logs_in_and_lands_on_their_role_home(demo_passwords, username, roles):
    client = Client()
    # Through the second step with the demo secret, for the roles that require one.
    signed_in = sign_in(client, User.objects.get(username=username), demo_passwords[username])
    response = client.get(signed_in["Location"], follow=True)
    first_role = next(role for role in HOME_ORDER if role in roles)
    assert response.redirect_chain[-1][0] == f"/home/{first_role.value}/"
    assert response.status_code == 200
    page = response.content.decode()
    assert str(first_role.label) in page


def test_a_wrong_password_shows_the_form_again(demo_passwords):
    client = Client()
    response = client.post("/login/", {"username": "kiemtra.hn", "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_login_page_is_vietnamese_by_default_and_english_on_request(db):
    assert 'lang="vi"' in Client().get("/login/").content.decode()
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/login/").content.decode()
    assert 'lang="en"' in english


def test_pages_request_nothing_from_other_hosts(demo_passwords):
    client = Client()
    sign_in(client, User.objects.get(username="lanhdao.hn"), demo_passwords["lanhdao.hn"])
    for url in [
        "/login/",
        "/home/supervisor/",
        "/operators/",
        "/products/",
        "/provisions/",
        "/units/",
    ]:
        html = client.get(url, follow=True).content.decode()
        external = re.findall(r'(?:src|href)="(https?:)?//[^"]+"', html)
        assert not external, (url, external)


def test_logout_ends_the_session(alice):
    client = Client()
    client.force_login(alice)
    assert client.post("/logout/").status_code == 302
    assert client.get("/home/team_lead/").status_code == 302
