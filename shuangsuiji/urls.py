from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from shuangsuiji.accounts.forms import AdminLoginForm
from shuangsuiji.accounts.permissions import ANY_STAFF, PUBLIC
from shuangsuiji.api import api
from shuangsuiji.common import views as common_views
from shuangsuiji.site import views as site_views

urlpatterns = [
    path("", site_views.home, name="home"),
    path("healthz", site_views.healthz, name="healthz"),
    path("favicon.ico", site_views.favicon, name="favicon"),
    path("calendar/", common_views.calendar_page, name="calendar"),
    path("accounts/", include("shuangsuiji.accounts.urls")),
    path("jobs/", include("shuangsuiji.site.common_urls")),
    path("items/", include("shuangsuiji.items.urls")),
    path("directory/", include("shuangsuiji.directory.urls")),
    path("inspectors/", include("shuangsuiji.inspectors.urls")),
    path("draws/", include("shuangsuiji.draws.urls")),
    path("public/draws/", include("shuangsuiji.portal.draw_urls")),
    path("plans/", include("shuangsuiji.plans.urls")),
    path("public/plans/", include("shuangsuiji.portal.plan_urls")),
    path("results/", include("shuangsuiji.results.urls")),
    path("notices/", include("shuangsuiji.notices.urls")),
    path("credit/", include("shuangsuiji.credit.urls")),
    path("clues/", include("shuangsuiji.clues.urls")),
    path("meeting/", include("shuangsuiji.meeting.urls")),
    path("push/", include("shuangsuiji.push.urls")),
    path("public/", include("shuangsuiji.portal.urls")),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs"), name="api_docs"),
    path("admin/", admin.site.urls),
]

admin.site.login_form = AdminLoginForm  # throttled like the platform's own login
handler404 = site_views.not_found

PERMISSIONS = {
    "home": ANY_STAFF,
    "healthz": PUBLIC,
    "favicon": PUBLIC,
    "api_docs": ANY_STAFF,
    "calendar": ANY_STAFF,  # the office edits (common.holidays checks), everyone reads
}
