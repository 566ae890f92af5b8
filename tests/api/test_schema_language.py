"""Issue 16: the OpenAPI document's titles and descriptions follow the language (they were Chinese on
the English /api/docs/ page and in /api/schema/)."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from api import schema

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_the_document_is_english_in_english_and_chinese_in_chinese():
    with translation.override("en"):
        english = json.dumps(schema.build(), ensure_ascii=False)
    with translation.override("zh-hans"):
        chinese = schema.build()
    assert not HAN.search(english), HAN.findall(english)[:5]
    assert chinese["info"]["title"] == "金保服务运维门户 数据接口"
    assert "180 天后过期" in chinese["info"]["description"]


@pytest.mark.django_db
def test_schema_url_follows_the_language_cookie(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        body = client.get(reverse("api:schema")).content.decode()
    assert "Read-only interface" in body and not HAN.search(json.loads(body)["info"]["description"])


@pytest.mark.django_db
def test_the_docs_page_in_english_has_no_chinese_labels(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        body = client.get(reverse("api:docs")).content.decode()
    assert "with all its fields" in body and "包含其全部字段" not in body
