"""The credit pages: the office reads the scheme and the classes, changes the scheme (a new version, in words when
wrong), recomputes as a background job with a progress bar; a business's page shows its class with each factor.
Classes are internal: inspectors and the public never reach them."""

import datetime as dt

from shuangsuiji.common.models import Job
from shuangsuiji.credit import services
from shuangsuiji.credit.models import Rating, Scheme
from shuangsuiji.directory.testing import make_entity


def _scheme_post(**change):
    rules = services.DEFAULT_RULES
    data = {"classes": "ABCD", "bound_A": 3, "bound_B": 25, "bound_C": 50, "note": "提高餐饮业风险"}
    for klass in [*"ABCD", *services.LISTS]:
        for part, value in services.DEFAULT_RATIOS[klass].items():
            data[f"{part}_{klass}"] = value
    for key, spec in rules["weights"].items():
        data[f"points_{key}"] = spec["points"]
        if spec.get("cap"):
            data[f"cap_{key}"] = spec["cap"]
    for section, points in rules["industry_risk"].items():
        data[f"risk_{section}"] = points
    return {**data, **change}


def test_the_office_changes_the_scheme_and_recomputes_with_a_progress_bar(personas, client_for,
                                                                          django_capture_on_commit_callbacks):
    shop = make_entity(industry_id="6210", registered_on=dt.date(2010, 1, 1))
    c = client_for(personas.office)
    page = c.get("/credit/").content.decode()
    assert "现行方案：第 1 版" in page and "尚未计算" in page
    refused = c.post("/credit/scheme/", _scheme_post(bound_B=3)).content.decode()
    assert "B类的分数上限应大于A类的（3）" in refused and Scheme.objects.count() == 1
    assert c.post("/credit/scheme/", _scheme_post(risk_H=40)).status_code == 302
    assert Scheme.objects.get(version=2).rules["industry_risk"]["H"] == 40
    with django_capture_on_commit_callbacks(execute=True):  # the worker's turn, at once
        answer = c.post("/credit/recompute/")
    job = Job.objects.get(kind=services.RECOMPUTE_JOB)
    assert answer["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == "done", job.message
    assert "已按第 2 版方案重新分类 1 户" in job.message
    assert Rating.objects.get(entity=shop).klass == "C"
    page = c.get("/credit/").content.decode()
    assert "C 类" in page and 'data-chart="chart-1"' in page
    fragment = c.get(f"/credit/entities/{shop.pk}/").content.decode()
    assert "C 类" in fragment and "行业风险（按门类）" in fragment and "+40" in fragment and "第 2 版方案" in fragment


def test_classes_are_internal(personas, client_for, client):
    shop = make_entity(industry_id="6210")
    services.recompute(personas.office)
    assert client.get("/credit/").status_code == 302  # to the login page
    inspector = client_for(personas.inspector)
    assert inspector.get("/credit/").status_code == 403
    assert inspector.get(f"/credit/entities/{shop.pk}/").status_code == 403
    lead = client_for(personas.lead_admin)
    assert lead.get(f"/credit/entities/{shop.pk}/").status_code == 200
    assert lead.post("/credit/recompute/").status_code == 403
    assert lead.post("/credit/scheme/", _scheme_post()).status_code == 403
