"""Pages of the credit-risk classes (internal): the overview, the scheme and a business's rating."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Max
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from shuangsuiji.common import jobs
from shuangsuiji.common.charts import numbered, pie
from shuangsuiji.common.errors import Refused, refuse
from shuangsuiji.common.models import Job
from shuangsuiji.directory.models import Entity

from . import scoring, services
from .forms import SECTIONS, SchemeForm
from .models import Rating, Scheme

# A green to red, E dark.
CLASS_COLOURS = ["#198754", "#0d6efd", "#fd7e14", "#dc3545", "#6f42c1"]


def _weights(rules: dict) -> list[dict]:
    weights = rules.get("weights") or {}
    return [{"label": label, "points": weights[key]["points"], "cap": weights[key].get("cap")}
            for key, (label, _kind) in scoring.FACTORS.items() if key in weights]


def overview(request):
    scheme = services.current_scheme()
    counts = dict(Rating.objects.values_list("klass").annotate(n=Count("pk")).order_by())
    total = sum(counts.values())
    ranges = services.ratio_ranges(scheme)
    classes = [{"klass": k, "count": counts.get(k, 0), "share": counts.get(k, 0) * 100 / total if total else 0,
                "ratios": ranges[k]} for k in scheme.rules.get("classes", "ABCD")]
    last = Rating.objects.aggregate(at=Max("computed_at"), version=Max("version"))
    charts = numbered([pie("各类市场主体户数", {f"{c['klass']} 类": c["count"] for c in classes}, ("分类", "户数"),
                           CLASS_COLOURS[:len(classes)])]) if total else []
    labels = {k: v[0] for k, v in scoring.FACTORS.items()}
    return render(request, "credit/overview.html", {
        "scheme": scheme, "weights": _weights(scheme.rules), "classes": classes, "total": total, "last": last,
        "charts": charts, "direct_labels": [labels[k] for k in scheme.rules.get("direct") or []],
        "versions": Scheme.objects.select_related("created_by")[:10], "sections": SECTIONS,
        "jobs": Job.objects.filter(kind=services.RECOMPUTE_JOB)[:5],
        "running": Job.objects.filter(kind=services.RECOMPUTE_JOB, status__in=("queued", "running")).first(),
    })


@require_POST
def recompute(request):
    running = Job.objects.filter(kind=services.RECOMPUTE_JOB, status__in=("queued", "running")).first()
    if running:
        messages.info(request, "重新分类已在进行中。")
        return redirect("common:job_detail", running.pk)
    job = jobs.start(services.RECOMPUTE_JOB, "重新计算信用风险分类", user=request.user)
    return redirect("common:job_detail", job.pk)


def scheme_edit(request):
    current = services.current_scheme()
    form = SchemeForm(request.POST or None, rules=current.rules, ratios={**services.DEFAULT_RATIOS, **current.ratios})
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services.save_scheme(request.user, form.rules(), form.cleaned_data["note"], form.ratios())
        except Refused as exc:
            refuse(request, exc, form)
        else:
            messages.success(request, f"已生效第 {scheme.version} 版方案。重新计算后，各市场主体的分类按新方案确定。")
            return redirect("credit:overview")
    return render(request, "credit/scheme_form.html", {"form": form, "scheme": current})


def entity_rating(request, pk: int):
    """The business's class with each factor's points (loaded into its page; internal)."""
    entity = get_object_or_404(Entity, pk=pk)
    return render(request, "credit/_entity_rating.html", {"entity": entity, "explained": services.explain(entity)})
