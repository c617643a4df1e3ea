"""The API's interactive docs work in a real browser under the site's CSP, from local files."""

import pytest

pytestmark = pytest.mark.e2e


def test_swagger_ui_lists_the_endpoints_without_csp_errors(page, program):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto("/api/v1/docs/")

    page.get_by_text("/api/v1/conferences/{conference}/forums/", exact=True).first.wait_for()
    site = page.url.split("/api/")[0]
    assert all(url.startswith(site) or url.startswith("data:") for url in requested)
