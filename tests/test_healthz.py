import pytest

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_ok_without_conference_or_login(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]
