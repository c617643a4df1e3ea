import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_ok_without_conference_or_login(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_plain_http_while_pages_redirect_to_https(settings, db):
    # A load balancer's check goes straight to gunicorn over http (docs/deploy.md).
    settings.SECURE_SSL_REDIRECT = True
    browser = Client()

    assert browser.get("/healthz").status_code == 200
    assert browser.get("/agenda/").status_code == 301
