"""The JSON API under /api/v1/ (OpenAPI at /api/v1/docs); each app adds its router here."""

from ninja import NinjaAPI
from ninja.security import django_auth

from shuangsuiji.common.permissions import ANY_STAFF

api = NinjaAPI(
    title="shuangsuiji API",
    version="1",
    description="双随机、一公开监管平台接口。与网页使用同一组服务（services），权限规则相同。",
    urls_namespace="api",
    auth=django_auth,
)

PERMISSIONS = {
    "api-root": ANY_STAFF,
    "openapi-json": ANY_STAFF,
    "openapi-view": ANY_STAFF,
}


def _mount() -> None:
    from shuangsuiji.directory.api import PERMISSIONS as directory_perms, router as directory_router
    from shuangsuiji.inspectors.api import PERMISSIONS as inspector_perms, router as inspector_router
    from shuangsuiji.items.api import PERMISSIONS as item_perms, router as item_router

    api.add_router("/items", item_router)
    api.add_router("/directory", directory_router)
    api.add_router("/inspectors", inspector_router)
    for perms in (item_perms, directory_perms, inspector_perms):
        PERMISSIONS.update(perms)


_mount()
