"""The robot message (pure: no ORM). 企业微信 / 政务微信 accept ``text`` (content ≤ 2048 bytes of
UTF-8, may @ people by mobile number) and ``markdown`` (content ≤ 4096 bytes, a subset of Markdown).
The message says what happened, to whom, and links to the page; a long body is cut so that the title,
the recipients and the link always fit."""

from __future__ import annotations

import re

TEXT_LIMIT = 2048
MARKDOWN_LIMIT = 4096
PORTAL = "金保服务运维门户"
MOBILE_RE = re.compile(r"^1\d{10}$")
ELLIPSIS = "…"


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def cut(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8 (on a character boundary), ``…`` if cut."""
    if utf8_len(text) <= limit:
        return text
    room = limit - utf8_len(ELLIPSIS)
    if room <= 0:
        return ""
    return text.encode("utf-8")[:room].decode("utf-8", errors="ignore").rstrip() + ELLIPSIS


def mobile(phone: str) -> str:
    """A mainland mobile number from what the user typed ("139 0000 0001", "+86-13900000001"), or ""."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if MOBILE_RE.match(digits) else ""


def _names(names: list[str], limit: int = 10) -> str:
    shown = "、".join(names[:limit])
    return shown + (f" 等 {len(names)} 人" if len(names) > limit else "")


def _md(text: str) -> str:
    """User text in Markdown: no tags (``<@userid>`` would mention people, ``<font>`` restyles)."""
    return text.replace("<", "＜").replace(">", "＞")


def build_payload(
    *,
    message_format: str,
    title: str,
    body: str,
    link: str,
    names: list[str],
    mobiles: list[str] | None = None,
) -> dict:
    """The JSON body of the robot API for one notification."""
    title = " ".join(title.split())
    body = body.strip()
    who = _names(names)
    if message_format == "markdown":
        head = f"**{_md(title)}**\n"
        tail = f'\n> 收件人：<font color="comment">{_md(who)}</font>' if who else ""
        if link:
            tail += f"\n[在{PORTAL}中查看]({link})"
        room = MARKDOWN_LIMIT - utf8_len(head) - utf8_len(tail) - 1
        content = head + (cut(_md(body), room) if body else "") + tail
        return {"msgtype": "markdown", "markdown": {"content": cut(content, MARKDOWN_LIMIT)}}
    head = f"【{PORTAL}】{title}\n"
    tail = f"\n收件人：{who}" if who else ""
    if link:
        tail += f"\n详情：{link}"
    room = TEXT_LIMIT - utf8_len(head) - utf8_len(tail) - 1
    content = head + (cut(body, room) if body else "") + tail
    text: dict = {"content": cut(content, TEXT_LIMIT)}
    if mobiles:
        text["mentioned_mobile_list"] = sorted(set(mobiles))
    return {"msgtype": "text", "text": text}
