"""``|bs_field`` draws what crispy-forms' ``as_crispy_field`` draws (issue 14: the same HTML without
crispy's per-field templates), for every widget it takes on; the rest it hands to crispy."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.test.html import parse_html

from common.forms import MultipleFileField
from common.templatetags.fields import bs_field, supported
from tickets.filters import TicketFilter
from tickets.models import Ticket


class Everything(forms.Form):
    title = forms.CharField(label="标题", max_length=20, help_text="<b>简短</b>说明", strip=False)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    count = forms.IntegerField(label="数量", min_value=1, required=False)
    email = forms.EmailField(
        label="邮箱", required=False, widget=forms.EmailInput(attrs={"placeholder": "a@b"})
    )
    day = forms.DateField(
        label="日期", required=False, widget=forms.DateInput(attrs={"type": "date", "class": "narrow"})
    )
    when = forms.DateTimeField(label="时间", required=False)
    kind = forms.ChoiceField(
        label="类型",
        choices=[("", "全部"), ("社保", [("a", "养老 <A>"), ("b", "医疗")]), ("c", "其它")],
        required=False,
    )
    many = forms.MultipleChoiceField(label="多选", choices=[("x", "甲"), ("y", "乙")], required=False)
    yes = forms.NullBooleanField(label="是否", required=False)
    off = forms.CharField(label="只读", disabled=True, required=False, initial='固定 "值"')
    internal = forms.BooleanField(label="仅乙方可见", required=False, help_text="甲方<看不到>")
    agree = forms.BooleanField(label="同意")
    upload = forms.FileField(label="附件", required=False, help_text="PDF 或图片")
    needed = forms.FileField(label="必传", widget=forms.FileInput(attrs={"accept": ".pdf", "class": "wide"}))
    several = MultipleFileField(label="多个附件", required=False)


def html(value):
    return parse_html(str(value))


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {
            "title": "x" * 30,
            "count": "0",
            "email": "nope",
            "day": "2025-13-01",
            "kind": "zz",
            "many": ["y", "q"],
        },
        {
            "title": "<script>",
            "note": "第一行\n<第二行>",
            "count": "3",
            "kind": "a",
            "many": ["x", "y"],
            "yes": "true",
            "internal": "on",
            "agree": "on",
        },
    ],
)
def test_every_widget_it_draws_matches_crispy(data):
    names = list(Everything.base_fields)
    ours = Everything(data) if data is not None else Everything(initial={"kind": "b", "day": "2024-02-29"})
    theirs = Everything(data) if data is not None else Everything(initial={"kind": "b", "day": "2024-02-29"})
    if data is not None:
        ours.is_valid(), theirs.is_valid()
    for name in names:
        assert supported(ours[name]), name
        assert html(bs_field(ours[name])) == html(as_crispy_field(theirs[name])), name


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        None,
        {"priority": "high", "created_from": "2025-13-01"},
        {"q": '连接池 "x"', "status": "closed", "view": "mine"},
    ],
)
def test_the_request_filter_matches_crispy(world, query):
    user = world.users["pm"]

    def form():
        return TicketFilter(query, queryset=Ticket.objects.none(), user=user, contract=world.contract).form

    ours, theirs = form(), form()
    if query:
        ours.is_valid(), theirs.is_valid()
    for name in ours.fields:
        assert html(bs_field(ours[name])) == html(as_crispy_field(theirs[name])), name


class StoredFile:
    url = "/media/x.pdf"
    name = "x.pdf"

    def __str__(self):
        return self.name


class Others(forms.Form):
    stored = forms.FileField(label="已上传", required=False, initial=StoredFile())
    pick = forms.ChoiceField(label="选一个", choices=[("a", "甲")], widget=forms.RadioSelect)
    secret = forms.CharField(widget=forms.HiddenInput)


def test_other_widgets_go_to_crispy():
    form = Others()
    for name in form.fields:
        assert not supported(form[name]), name
        assert html(bs_field(form[name])) == html(as_crispy_field(Others()[name])), name
