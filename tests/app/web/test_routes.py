"""The page routes as one table (app/web/routes.py): names the tests can rely on."""

from __future__ import annotations

from collections import Counter

from fastapi.routing import iter_route_contexts


def test_route_names_are_unique(app):
    # url_path_for returns the first route of a name; a shared name would send
    # a test (or a template) to another page or to the API.
    names = Counter(route.name for route in iter_route_contexts(app.routes))
    assert [name for name, count in names.items() if count > 1] == []


def test_every_page_is_served_by_the_web_router(app):
    from app.web.routes import router

    pages = {
        route.path
        for route in iter_route_contexts(router.routes)
        if route.path is not None
    }
    served = {
        route.path
        for route in iter_route_contexts(app.routes)
        if getattr(route.endpoint, "__module__", "").startswith("app.web.")
    }
    assert served == pages
