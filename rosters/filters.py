"""The filters of the rosters lists (django-filter): the GET parameters of a list, applied to the
queryset its selector already scoped to the user."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import RequestStatus


class RequestStatusFilter(django_filters.FilterSet):
    """``?status=`` on the leave and correction lists; an unknown status filters nothing."""

    status = django_filters.ChoiceFilter(
        choices=RequestStatus.choices, label=_("状态"), empty_label=_("全部")
    )

    class Meta:
        fields: list[str] = []
