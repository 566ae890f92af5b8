"""Fields shared by the apps' forms: ids checked against the BIGINT range, several files in one input."""

from django import forms
from django.forms.models import ModelChoiceIterator


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, with ids out of the BIGINT range refused as invalid choices before any query
    (SQLite raised OverflowError for ``tickets=99999999999999999999999``; issue 13 item 7)."""

    def _check_values(self, value):
        from .params import MAX_ID

        for pk in value or ():
            text = str(pk).strip()
            if text.lstrip("-").isdigit() and not (-MAX_ID - 1 <= int(text) <= MAX_ID):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": text[:30]}
                )
        return super()._check_values(value)  # type: ignore[misc]  # private in django-stubs


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (``<input type=file multiple>``): cleans to a list, empty if none."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class OneReadChoiceIterator(ModelChoiceIterator):
    """The choices of a model select read in one query. Django reads them through ``QuerySet.iterator()``,
    on PostgreSQL a server-side cursor: DECLARE, FETCH and CLOSE, three round trips for a dozen rows
    (issue 14: ~0.4 ms per select on every request list and request page)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class OneReadModelChoiceField(forms.ModelChoiceField):
    iterator = OneReadChoiceIterator
