"""The robot message and the webhook address rules (pure)."""

import pytest
from django.core.exceptions import ValidationError

from channels import messages, webhook

LINK = "https://jinbao.example.gov.cn/tickets/7/"


@pytest.mark.parametrize(
    ("fmt", "limit"), [("text", messages.TEXT_LIMIT), ("markdown", messages.MARKDOWN_LIMIT)]
)
def test_a_long_body_is_cut_to_the_api_limit_keeping_title_recipients_and_link(fmt, limit):
    payload = messages.build_payload(
        message_format=fmt,
        title="新的维护请求 R-2023-0001",
        body="社保卡补办流程异常。" * 800,
        link=LINK,
        names=["张三"],
    )
    content = payload[fmt]["content"]
    assert payload["msgtype"] == fmt
    assert messages.utf8_len(content) <= limit
    assert "新的维护请求 R-2023-0001" in content and LINK in content and "张三" in content
    assert "…" in content


def test_text_message_mentions_by_mobile_and_markdown_does_not():
    text = messages.build_payload(
        message_format="text",
        title="t",
        body="b",
        link=LINK,
        names=["a", "b"],
        mobiles=["13900000002", "13900000001"],
    )
    assert text == {
        "msgtype": "text",
        "text": {
            "content": f"【金保服务运维门户】t\nb\n收件人：a、b\n详情：{LINK}",
            "mentioned_mobile_list": ["13900000001", "13900000002"],
        },
    }
    md = messages.build_payload(
        message_format="markdown", title="t", body="b", link=LINK, names=["a"], mobiles=["1"]
    )
    assert md["markdown"]["content"] == (
        f'**t**\nb\n> 收件人：<font color="comment">a</font>\n[在金保服务运维门户中查看]({LINK})'
    )


def test_markdown_user_text_cannot_mention_or_restyle():
    md = messages.build_payload(
        message_format="markdown", title="<@all>", body='<font color="warning">x</font>', link="", names=[]
    )
    assert "<@all>" not in md["markdown"]["content"] and "<font" not in md["markdown"]["content"]


def test_many_recipients_are_summarised():
    names = [f"人员{i}" for i in range(25)]
    content = messages.build_payload(message_format="text", title="t", body="", link="", names=names)["text"][
        "content"
    ]
    assert "人员9" in content and "人员10" not in content and "等 25 人" in content


@pytest.mark.parametrize(
    ("phone", "expected"),
    [("139 0000 0001", "13900000001"), ("+86-139-0000-0001", "13900000001"), ("0519-82345678", ""), ("", "")],
)
def test_mobile(phone, expected):
    assert messages.mobile(phone) == expected


def test_cut_never_splits_a_character():
    assert messages.cut("汉字汉字", 7) == "汉…"  # 3 + 3 bytes for "…"
    assert messages.cut("汉字", 6) == "汉字"


ALLOWED = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"


@pytest.mark.parametrize(
    "url",
    [
        "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx",  # not https
        "https://evil.example.com/cgi-bin/webhook/send?key=693a91f6-7xxx",  # host not allowed
        "https://qyapi.weixin.qq.com.evil.com/cgi-bin/webhook/send?key=693a91f6-7xxx",
        "https://user:pw@qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx",
        "https://qyapi.weixin.qq.com/cgi-bin/other?key=693a91f6-7xxx",  # wrong path
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send",  # no key
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a&key=b",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx&url=http://x",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=<script>",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx#frag",
        "file:///etc/passwd",
        "",
    ],
)
def test_webhook_addresses_refused(url, settings):
    settings.ROBOT_WEBHOOK_HOSTS = ["qyapi.weixin.qq.com"]
    settings.ROBOT_WEBHOOK_ALLOW_HTTP = False
    with pytest.raises(ValidationError):
        webhook.validate_webhook_url(url)


def test_webhook_address_accepted_and_masked(settings):
    settings.ROBOT_WEBHOOK_HOSTS = ["qyapi.weixin.qq.com"]
    assert webhook.validate_webhook_url(" " + ALLOWED + " ") == ALLOWED
    masked = webhook.mask_url(ALLOWED)
    assert masked == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=••••5aaa"
    assert "693a91f6" not in masked


def test_an_error_message_never_repeats_the_key(settings):
    settings.ROBOT_WEBHOOK_HOSTS = ["qyapi.weixin.qq.com"]
    with pytest.raises(ValidationError) as exc:
        webhook.validate_webhook_url("https://evil.example.com/cgi-bin/webhook/send?key=SECRETSECRET")
    assert "SECRETSECRET" not in " ".join(exc.value.messages)
