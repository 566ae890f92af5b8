"""Pagination and strict query parameters shared by the list endpoints."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Paginator
from django.urls import reverse

from ..http import ApiError

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50
PAGING = ("page", "page_size")
MAX_INT = 2**31 - 1


def check_params(request, allowed) -> None:
    unknown = sorted(set(request.GET) - set(allowed) - set(PAGING))
    if unknown:
        raise ApiError(
            400, "bad_request", f"未知的查询参数：{', '.join(unknown)}。", details={"unknown": unknown}
        )
    repeated = sorted(name for name in request.GET if len(request.GET.getlist(name)) > 1)
    if repeated:
        raise ApiError(400, "bad_request", f"查询参数只能出现一次：{', '.join(repeated)}。")


def int_param(request, name: str, default: int, *, low: int = 1, high: int = MAX_INT) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10 or not low <= int(raw) <= high:
        raise ApiError(400, "bad_request", f"{name} 必须是 {low} 到 {high} 之间的整数。")
    return int(raw)


def paginate(request, queryset, row) -> dict:
    size = int_param(request, "page_size", DEFAULT_PAGE_SIZE, high=MAX_PAGE_SIZE)
    number = int_param(request, "page", 1)
    paginator = Paginator(queryset, size)
    try:
        page = paginator.page(number)
    except EmptyPage:
        raise ApiError(404, "no_such_page", f"没有第 {number} 页（共 {paginator.num_pages} 页）。") from None
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "page_size": size,
        "results": [row(obj) for obj in page.object_list],
    }


def absolute(request, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(name, args=args))
