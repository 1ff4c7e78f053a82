from django.urls import path

from shuangsuiji.accounts.permissions import OFFICE, READERS

from . import views

app_name = "credit"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("recompute/", views.recompute, name="recompute"),
    path("scheme/", views.scheme_edit, name="scheme"),
    path("entities/<int:pk>/", views.entity_rating, name="entity"),
    path("backtest/", views.backtest, name="backtest"),
    path("warnings/", views.warnings, name="warnings"),
    path("import/", views.facts_import, name="facts_import"),
    path("import/template.<str:fmt>", views.facts_template, name="facts_template"),
]

# Classes are internal (分类不公开): the office, department administrators and leaders read them; only the
# office changes the scheme or starts a recomputation.
PERMISSIONS = {"overview": READERS, "recompute": OFFICE, "scheme": OFFICE, "entity": READERS, "backtest": READERS, "warnings": READERS,
               "facts_import": OFFICE, "facts_template": OFFICE}
