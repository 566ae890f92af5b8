"""Weak passwords as people in China choose them (pure rules, no ORM; docs/SECURITY.md lists them).

A password is refused when it is one of the common ones (``data/common_passwords_cn.txt``: leaked-list
favourites such as ``a123456``, ``woaini1314``, ``Admin@123``), or when it is made of patterns and
little else: take away, case-insensitively and with leet spellings undone (``@``→a, ``0``→o, ``1``→i,
``$``→s, ``3``→e), every

- keyboard walk of three or more keys (rows ``qwerty…``, columns ``1qaz 2wsx …`` and their diagonals,
  the numeric keypad ``147 258 369 789 …``), in either direction;
- run of three or more consecutive letters or digits (``abc``, ``1234``, ``987``);
- character repeated three or more times (``aaaaa``) and short piece repeated (``ab1!ab1!``);
- year 1900–2099, date ``yyyymmdd`` / ``yyyy-mm-dd``, mobile number ``1[3-9]xxxxxxxxx``,
  ``1314``/``520``/``521``/``5201314`` (love numbers);
- common word (``admin``, ``root``, ``password``, ``woaini``, ``jinbao``, ``huawei`` …, see WORDS);
- the person's own words (their name's pinyin initials, their e-mail's local part, passed in);

and if fewer than ``MIN_REMAINDER`` (4) characters are left, it is refused. ``Admin@123`` leaves
``@``; ``12345678Aa`` leaves nothing; ``Aa1aaaaa`` leaves ``a1``; ``Zq8#t!pL0v`` is left whole.
"""

from __future__ import annotations

import functools
import itertools
import re
from pathlib import Path

MIN_REMAINDER = 4

KEYBOARD_LINES = [
    "1234567890-=",
    "qwertyuiop[]",
    "asdfghjkl;'",
    "zxcvbnm,./",
    "!@#$%^&*()_+",
    # columns and diagonals of the main block
    "1qaz",
    "2wsx",
    "3edc",
    "4rfv",
    "5tgb",
    "6yhn",
    "7ujm",
    "8ik,",
    "9ol.",
    "0p;/",
    "!qaz",
    "@wsx",
    "#edc",
    "$rfv",
    "%tgb",
    "zaq1",
    "xsw2",
    "cde3",
    "1qazxsw2",  # the walk people type: down one column, up the next
    "2wsxcde3",
    "qazwsxedc",
    "qweasdzxc",
    # the numeric keypad
    "789456123",
    "147258369",
    "741852963",
    "159357",
    "753951",
]

WORDS = sorted(
    {
        "admin",
        "administrator",
        "root",
        "super",
        "system",
        "sys",
        "test",
        "guest",
        "user",
        "manager",
        "oracle",
        "mysql",
        "postgres",
        "password",
        "passwd",
        "pass",
        "pwd",
        "login",
        "welcome",
        "hello",
        "love",
        "iloveyou",
        "woaini",
        "aini",
        "wodemima",
        "mima",
        "china",
        "zhongguo",
        "beijing",
        "shanghai",
        "changzhou",
        "jintan",
        "jinbao",
        "shebao",
        "yibao",
        "renshe",
        "huawei",
        "lenovo",
        "qq",
        "baidu",
        "taobao",
        "alibaba",
        "tencent",
        "dragon",
        "monkey",
        "football",
        "changeme",
        "default",
        "secret",
        "abc",
        "qwe",
        "asd",
        "zxc",
    },
    key=len,
    reverse=True,
)

LEET = str.maketrans(
    {"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "$": "s", "5": "s", "3": "e", "7": "t"}
)


@functools.cache
def common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("data") / "common_passwords_cn.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def is_common(password: str) -> bool:
    return password.strip().lower() in common_passwords()


def _walks() -> list[str]:
    """Every keyboard walk of three or more keys, forwards and backwards, longest first."""
    found = set()
    for line in KEYBOARD_LINES:
        for text in (line, line[::-1]):
            for size in range(3, len(text) + 1):
                for start in range(len(text) - size + 1):
                    found.add(text[start : start + size])
    return sorted(found, key=len, reverse=True)


WALKS = _walks()
PATTERNS = [
    re.compile(r"(?:19|20)\d\d[-./]?(?:0[1-9]|1[0-2])[-./]?(?:0[1-9]|[12]\d|3[01])"),  # dates
    re.compile(r"1[3-9]\d{9}"),  # mobile numbers
    re.compile(r"5201314|1314|520|521"),
    re.compile(r"(?:19|20)\d\d"),  # years
    re.compile(r"(.)\1{2,}"),  # aaa
    re.compile(r"(.{2,6}?)\1+"),  # ab1!ab1!
]


def _runs(text: str) -> str:
    """``text`` without runs of three or more consecutive letters or digits (abc, 4321)."""
    out, i = [], 0
    while i < len(text):
        j = i + 1
        for step in (1, -1):
            k = i + 1
            while k < len(text) and text[k].isalnum() and text[k - 1].isalnum():
                if ord(text[k]) - ord(text[k - 1]) != step:
                    break
                if text[k].isdigit() != text[k - 1].isdigit():
                    break
                k += 1
            if k - i >= 3:
                j = max(j, k)
        if j - i >= 3:
            i = j
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def remainder(password: str, personal: list[str] | None = None) -> str:
    """What is left of the password once every pattern is taken away (see the module's docstring)."""
    variants = {password.lower(), password.lower().translate(LEET)}
    best = None
    for text in variants:
        for word in sorted({w.lower() for w in personal or [] if len(w) >= 2}, key=len, reverse=True):
            text = text.replace(word, "")
        for pattern in PATTERNS:
            text = pattern.sub("", text)
        for walk in WALKS:
            text = text.replace(walk, "")
        text = _runs(text)
        for word in WORDS:
            text = text.replace(word, "")
        if best is None or len(text) < len(best):
            best = text
    return best or ""


def is_patterned(password: str, personal: list[str] | None = None) -> bool:
    return len(remainder(password, personal)) < MIN_REMAINDER


# --- The person's own words -------------------------------------------------------------------------


def name_pinyin(full_name: str) -> list[str]:
    """Spellings of a Chinese name a password must not contain: the whole name (王小明 → wangxiaoming),
    the given name (xiaoming, when at least 4 letters), the given name first (xiaomingwang). Surnames
    of two characters (欧阳) are taken as such; characters with several readings give each spelling."""
    from pypinyin import Style, pinyin

    han = "".join(ch for ch in full_name or "" if "\u4e00" <= ch <= "\u9fff")
    if len(han) < 2:
        return []
    readings = pinyin(han, style=Style.NORMAL, heteronym=True)
    spellings = []
    for combo in itertools.islice(itertools.product(*[r[:3] for r in readings]), 27):
        surname_size = 2 if len(combo) >= 4 else 1
        surname, given = "".join(combo[:surname_size]), "".join(combo[surname_size:])
        spellings += [surname + given, given + surname]
        if len(given) >= 4:
            spellings.append(given)
    return sorted(set(spellings), key=len, reverse=True)


def name_initials(full_name: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    han = "".join(ch for ch in full_name or "" if "\u4e00" <= ch <= "\u9fff")
    initials = "".join(lazy_pinyin(han, style=Style.FIRST_LETTER))
    return [initials] if len(initials) >= 2 else []


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def contains_username(password: str, username: str) -> bool:
    username = (username or "").lower()
    if len(username) < 3:
        return False
    lowered = password.lower()
    return (
        username in lowered
        or username[::-1] in lowered
        or (len(_letters(username)) >= 3 and _letters(username) in _letters(password))
    )


def contains_name(password: str, full_name: str) -> bool:
    letters = _letters(password)
    return any(spelling in letters for spelling in name_pinyin(full_name))
