"""The admin in the reader's language: /admin/ follows the language cookie and Accept-Language
like the public pages on a first visit, and its switcher (English / 简体中文) posts to Django's
set_language."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def test_a_chinese_browser_is_sent_to_the_chinese_admin(admin_client):
    response = admin_client.get("/admin/", headers={"accept-language": "zh-CN,zh;q=0.9"})

    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/admin/"


def test_the_chinese_cookie_sends_to_the_chinese_admin_with_the_query(admin_client):
    admin_client.cookies[COOKIE] = "zh-hans"

    response = admin_client.get("/admin/agenda/forum/?q=ebpf")

    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/admin/agenda/forum/?q=ebpf"


def test_the_login_page_follows_the_browser_too(client):
    response = client.get("/admin/login/?next=/admin/", headers={"accept-language": "zh-CN"})

    assert response["Location"] == "/zh-hans/admin/login/?next=/admin/"


def test_english_chosen_in_the_switcher_stays_english(admin_client):
    admin_client.cookies[COOKIE] = "en"

    response = admin_client.get("/admin/", headers={"accept-language": "zh-CN"})

    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()


def test_a_post_is_never_redirected(client):
    response = client.post(
        "/admin/login/", {"username": "x", "password": "y"}, headers={"accept-language": "zh-CN"}
    )

    assert response.status_code == 200


def test_the_chinese_admin_index_reads_in_chinese(admin_client):
    page = admin_client.get("/zh-hans/admin/").content.decode()

    assert '<html lang="zh-hans"' in page
    assert "GOTC 主办方后台" in page  # "GOTC organizers"
    assert "会议管理" in page  # "Conference administration"


def test_the_switcher_offers_the_other_language(admin_client):
    english = admin_client.get("/admin/agenda/").content.decode()
    chinese = admin_client.get("/zh-hans/admin/agenda/").content.decode()

    assert 'action="/i18n/setlang/"' in english
    assert 'name="next" value="/zh-hans/admin/agenda/"' in english
    assert 'name="language" value="zh-hans"' in english
    assert 'name="next" value="/admin/agenda/"' in chinese
    assert 'name="language" value="en"' in chinese


@pytest.mark.parametrize(
    ("active", "language", "next_url"),
    [
        ("en", "zh-hans", "/zh-hans/admin/agenda/"),
        ("zh-hans", "zh-hans", "/zh-hans/admin/agenda/"),
        ("zh-hans", "en", "/admin/agenda/"),
        ("en", "en", "/admin/agenda/"),
    ],
)
def test_switching_lands_on_the_same_admin_page_in_the_chosen_language(
    admin_client, active, language, next_url
):
    admin_client.cookies[COOKIE] = active

    response = admin_client.post("/i18n/setlang/", {"language": language, "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == next_url
    assert response.cookies[COOKIE].value == language
    followed = admin_client.get(next_url)
    assert followed.status_code == 200
    assert f'<html lang="{language}"' in followed.content.decode()
