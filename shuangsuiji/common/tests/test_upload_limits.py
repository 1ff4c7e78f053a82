"""Issue 26: every upload (item, directory, roster and sub-library files, evidence, reveal and replacement
rounds) is refused by its size before Django reads — and spools — the body, with the same Chinese message.
A view that takes files without a place in UPLOADS fails the test."""

import inspect

import pytest
from django.urls import get_resolver

from shuangsuiji.site.routes import MULTIPART_SLACK, upload_limit
from shuangsuiji.site.testing import routes

UPLOADS = {
    "items:import_form": "/items/import/",
    "api:items_import": "/api/v1/items/imports",
    "directory:entity_import": "/directory/import/",
    "api:directory_import_entities": "/api/v1/directory/imports",
    "directory:sublibrary_create": "/directory/sublibraries/new/",
    "directory:sublibrary_detail": "/directory/sublibraries/1/",
    "inspectors:inspector_import": "/inspectors/import/",
    "credit:facts_import": "/credit/import/",
    "clues:import": "/clues/import/",
    "results:evidence_upload": "/results/items/1/evidence/",
    "draws:draw_reveal": "/draws/CQ-2026-0001/reveal/",
    "draws:recusal_complete": "/draws/CQ-2026-0001/recusals/1/complete/",
    "plans:task_reveal": "/plans/tasks/RW2026-scjgj-0001/reveal/",
}


def _takes_files(function) -> bool:
    function = getattr(function, "view_class", function)
    try:
        source = inspect.getsource(inspect.unwrap(function))
    except TypeError:  # a view object (a feed): its class
        source = inspect.getsource(type(function))
    return "request.FILES" in source or "File[" in source


def test_every_view_that_takes_files_is_in_the_list():
    from shuangsuiji.api import api

    taking = {f"api:{op.url_name}" for _prefix, router in api._routers for view in router.path_operations.values()
              for op in view.operations if _takes_files(op.view_func)}
    resolver = get_resolver()
    for name, path in routes():
        if not name.startswith("api:") and _takes_files(resolver.resolve(path).func):
            taking.add(name)
    assert "api:items_import" in taking and "results:evidence_upload" in taking  # the scan sees both kinds
    assert taking - set(UPLOADS) == set(), "an upload was added without a place in UPLOADS"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(UPLOADS))
def test_an_upload_over_its_limit_is_refused_before_the_body_is_read(name, personas, client_for, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the upload was read")

    monkeypatch.setattr("django.http.multipartparser.MultiPartParser.parse", never)
    client = client_for(personas.office)
    claimed = upload_limit(name) + MULTIPART_SLACK + 1
    answer = client.post(UPLOADS[name], data=b"--x--\r\n", content_type="multipart/form-data; boundary=x",
                         CONTENT_LENGTH=str(claimed))
    assert answer.status_code == 413
    text = answer.content.decode("unicode_escape" if name.startswith("api:") else "utf-8")
    assert "超过此处的上限" in (answer.json()["detail"] if name.startswith("api:") else text)


def test_each_kind_of_file_has_its_own_limit(settings):
    settings.SSJ_MAX_UPLOAD_BYTES = 200 * 1048576
    settings.SSJ_MAX_EVIDENCE_BYTES = 20 * 1048576
    assert upload_limit("directory:entity_import") == 200 * 1048576
    assert upload_limit("results:evidence_upload") == 20 * 1048576
    assert upload_limit("items:import_form") == 20 * 1048576
    assert upload_limit("draws:draw_reveal") == 1048576
