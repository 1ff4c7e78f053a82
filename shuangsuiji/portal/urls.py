from django.urls import path

from shuangsuiji.accounts.permissions import PUBLIC

from . import businesses, items, opendata, tasks, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("businesses/", businesses.lookup, name="businesses"),
    path("businesses/<str:uscc>/", businesses.detail, name="business"),
    path("tasks/", tasks.task_list, name="tasks"),
    path("tasks/<str:number>/", tasks.task_detail, name="task"),
    path("results/", tasks.result_list, name="results"),
    path("data/", opendata.index, name="data"),
    path("data/<slug:dataset>/<int:year>/<slug:code>.<str:fmt>", opendata.data_file, name="data_file"),
    path("feed.atom", opendata.AnnouncementFeed(), name="feed"),
    path("items/", items.items_index, name="items_index"),
    path("items/<slug:code>/", items.items_department, name="items_department"),
    path("items/<slug:code>.csv", items.items_csv, name="items_csv"),
    path("items/<slug:code>.json", items.items_json, name="items_json"),
    path("audit/", views.audit_heads, name="audit_heads"),
    path("audit.json", views.audit_heads_json, name="audit_heads_json"),
]

PERMISSIONS = {p.name: PUBLIC for p in urlpatterns}
