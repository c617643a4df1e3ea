"""The OpenAPI schema validates; its docs are served from here; a property-based run over the
public endpoints finds no server error."""

import contextlib

import pytest
import schemathesis
import yaml
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.specs.openapi.checks import response_schema_conformance

pytestmark = pytest.mark.django_db

SCHEMA = "/api/v1/schema/"


def test_the_schema_is_valid_openapi_3(api):
    response = api.get(SCHEMA, HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    schema = (
        response.json() if "json" in response["Content-Type"] else yaml.safe_load(response.content)
    )
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/conferences/{conference}/forums/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"


def test_the_docs_are_served_without_a_cdn(api):
    page = api.get("/api/v1/docs/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()
    assert "unpkg" not in html.lower()


@contextlib.contextmanager
def in_test_transaction():
    """Requests made straight to the WSGI application, inside the test's transaction: like
    Django's test client, keep the request signals from closing its connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


PUBLIC = (
    "conferences",
    "conference",
    "rooms_list",
    "forums_list",
    "forum",
    "talks_list",
    "talk",
    "speakers_list",
    "speaker",
)


def test_property_based_run_over_public_endpoints_finds_no_server_error(conference, program):
    with in_test_transaction():
        schema = schemathesis.openapi.from_wsgi(SCHEMA, get_wsgi_application())
        operations = [
            result.ok()
            for result in schema.get_all_operations()
            if result.ok().definition.raw.get("operationId", "").startswith(PUBLIC)
        ]
        assert len(operations) == 9
        for operation in operations:
            for path_parameters in ({"conference": conference.slug}, None):
                if path_parameters and "{conference}" not in operation.path:
                    continue
                run(operation, path_parameters)


def run(operation, path_parameters):
    strategy = operation.as_strategy(path_parameters=path_parameters)

    @settings(
        max_examples=20,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def no_server_error(case):
        # The WSGI transport does not undo gzip as an HTTP client does (the page cache
        # compresses public answers; tests/test_pagecache.py covers that): ask for identity.
        response = case.call(headers={"Accept-Encoding": "identity"})
        assert response.status_code < 500, (case.path, case.query, response.text[:200])
        if response.status_code >= 400:
            error = response.json()["error"]
            assert {"code", "message", "fields"} <= set(error)
        # Every answer (200 or error) matches what the schema says of it.
        case.validate_response(response, checks=[response_schema_conformance])

    no_server_error()
