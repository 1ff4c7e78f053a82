"""The JSON API under /api/v1/ (OpenAPI at /api/v1/docs); each app adds its router here."""

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import django_auth

from shuangsuiji.accounts.permissions import ANY_STAFF
from shuangsuiji.common.errors import Refused

# Answers any operation may give besides its own: documented once so clients (and the schema fuzzer) know.
COMMON_ERRORS = {
    "400": "请求无法处理（说明见 detail）",
    "401": "未登录",
    "403": "无权操作",
    "404": "对象不存在",
    "409": "对象当前的状态不允许此操作（说明见 detail）",
    "413": "请求或文件超过上限",
    "422": "请求参数有误（detail 与 errors 指出字段）",
}
ERROR_SCHEMA = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}


class PlatformAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                documented = {str(code) for code in responses}  # ninja keys them by int
                for code, text in COMMON_ERRORS.items():
                    if code not in documented:
                        responses[int(code)] = {"description": text,
                                                "content": {"application/json": {"schema": ERROR_SCHEMA}}}
        return schema


class BodyRefused(Exception):
    """A JSON body that parses but cannot be stored; ``message`` is for the caller."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _storable(value, where: str = "") -> None:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise BodyRefused(f"{where or '请求'}中含有无法保存的字符（孤立的 UTF-16 代理项，如 \\ud800）："
                              "请删除后重试。") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _storable(key, where)
            _storable(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _storable(item, f"{where}[{index}]")


class CheckedParser(Parser):
    """JSON bodies whose every string could be stored: a lone surrogate ("\\ud800" in JSON) is refused by
    PostgreSQL deep in a query, and SQLite would store text no page can show."""

    def parse_body(self, request):
        data = json.loads(request.body)
        _storable(data)
        return data


api = PlatformAPI(
    parser=CheckedParser(),
    title="shuangsuiji API",
    version="1",
    description="双随机、一公开监管平台接口。与网页使用同一组服务（services），权限规则相同。",
    urls_namespace="api",
    auth=django_auth,
)

UPLOAD_LIMITS: dict = {}  # operation → the largest file it takes (site.routes.upload_limit)
PERMISSIONS = {
    "api-root": ANY_STAFF,
    "openapi-json": ANY_STAFF,
    "openapi-view": ANY_STAFF,
}

# Pydantic error types → plain Chinese, so a caller sees which field is wrong and why.
_MESSAGES = {
    "missing": "缺少必填项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "string_type": "应为文本",
    "string_too_long": "过长",
    "string_too_short": "过短",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "json_invalid": "不是合法的 JSON",
    "enum": "不是允许的取值",
    "literal_error": "不是允许的取值",
}


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = []
    for e in exc.errors:
        field = ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path", "form", "payload"))
        errors.append({"field": field, "message": _MESSAGES.get(e.get("type", ""), "格式不正确")})
    detail = "；".join(f"{x['field'] or '请求'}：{x['message']}" for x in errors)
    return api.create_response(request, {"detail": f"请求参数有误：{detail}", "errors": errors}, status=422)


@api.exception_handler(Refused)
def refused(request, exc: Refused):
    """Every service refusal: its kind gives the status (common.errors), its message the ``detail``."""
    body = {"detail": exc.message, **({"errors": exc.errors} if exc.errors else {})}
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """ninja answers an unreadable body with English "Cannot parse request body": say why, in Chinese."""
    cause, message = exc.__cause__, str(exc)
    if isinstance(cause, BodyRefused):
        message = cause.message
    elif isinstance(cause, json.JSONDecodeError):
        message = f"请求内容不是合法的 JSON（第 {cause.lineno} 行第 {cause.colno} 列附近）。"
    elif isinstance(cause, UnicodeDecodeError):
        message = "请求内容不是 UTF-8 编码的 JSON。"
    return api.create_response(request, {"detail": message}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request, exc):
    """A record the caller may not see is answered like one that does not exist — in Chinese (ninja: "Not Found")."""
    return api.create_response(request, {"detail": "对象或地址不存在。"}, status=404)


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1048576
    return api.create_response(request, {"detail": f"请求内容超过 {limit} MB 上限；上传文件请用导入页面或导入接口。"},
                               status=413)


def _mount() -> None:
    from shuangsuiji.clues.api import PERMISSIONS as clue_perms
    from shuangsuiji.clues.api import router as clue_router
    from shuangsuiji.directory.api import PERMISSIONS as directory_perms
    from shuangsuiji.directory.api import router as directory_router
    from shuangsuiji.inspectors.api import PERMISSIONS as inspector_perms
    from shuangsuiji.inspectors.api import router as inspector_router
    from shuangsuiji.items.api import PERMISSIONS as item_perms
    from shuangsuiji.items.api import UPLOAD_LIMITS as item_upload_limits
    from shuangsuiji.items.api import router as item_router
    from shuangsuiji.plans.api import PERMISSIONS as plan_perms
    from shuangsuiji.plans.api import router as plan_router
    from shuangsuiji.results.api import PERMISSIONS as result_perms
    from shuangsuiji.results.api import router as result_router

    api.add_router("/items", item_router)
    api.add_router("/directory", directory_router)
    api.add_router("/inspectors", inspector_router)
    api.add_router("/plans", plan_router)
    api.add_router("/results", result_router)
    api.add_router("/clues", clue_router)
    for perms in (item_perms, directory_perms, inspector_perms, plan_perms, result_perms, clue_perms):
        PERMISSIONS.update(perms)
    UPLOAD_LIMITS.update(item_upload_limits)


_mount()
