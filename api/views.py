"""The token page: create a token for yourself (or, as the bureau admin, for the bureau's system
account), see when it expires and was last used, revoke it. The key is shown once."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.errors import error_messages
from common.permissions import deny, require_perm
from common.privacy import personal_data

from . import selectors, services
from .forms import TokenForm
from .models import ApiToken

NEW_KEY = "_api_new_key"
PAGE_SIZE = 25


def _page(request, form, status=200):
    user = request.user
    new_key = request.session.pop(NEW_KEY, None)
    page = Paginator(selectors.tokens_for(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "api/token_list.html",
        {
            "page": page,
            "form": form,
            "can_add": user.has_perm("api.add_apitoken"),
            "new_key": new_key,
            "revocable": {t.pk for t in page if t.revoked_at is None and services.may_revoke(user, t)},
            "max_days": services.max_days(),
        },
        status=status,
    )


@require_GET
@require_perm("api.view_apitoken")
@personal_data
def token_list(request):
    form = TokenForm(allow_system=request.user.has_perm("api.manage_system_tokens"))
    return _page(request, form)


@require_POST
@require_perm("api.add_apitoken")
@personal_data
def token_create(request):
    user = request.user
    form = TokenForm(request.POST, allow_system=user.has_perm("api.manage_system_tokens"))
    if form.is_valid():
        data = form.cleaned_data
        owner = services.system_account() if data.get("for_system") else user
        try:
            token, key = services.token_create(name=data["name"], user=owner, actor=user, days=data["days"])
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message)
        else:
            request.session[NEW_KEY] = {"id": token.pk, "key": key, "name": token.name}
            return redirect("tokens:list")
    return _page(request, form, status=200)


@require_POST
@require_perm("api.view_apitoken")
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk)
    if not services.may_revoke(request.user, token):
        deny(request, "not the owner of this token")
    try:
        services.token_revoke(token=token, actor=request.user)
    except ValidationError as exc:
        for message in error_messages(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("令牌“%(name)s”已吊销，使用它的请求将被拒绝。") % {"name": token.name})
    return redirect("tokens:list")
