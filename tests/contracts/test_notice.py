import datetime as dt

import pytest

from contracts.notice import NoticeError, parse_notice

NOTICE_2027 = """日期,类型,名称
# 元旦
2027-01-01~2027-01-03,休,元旦
2027-02-06~2027-02-13,休,春节
2027-02-14,班,春节
"""


def test_parses_ranges_and_make_up_days():
    days = parse_notice(NOTICE_2027, 2027)
    assert len(days) == 3 + 8 + 1
    assert days[0].date == dt.date(2027, 1, 1) and not days[0].is_workday and days[0].name == "元旦"
    assert days[-1].date == dt.date(2027, 2, 14) and days[-1].is_workday


def test_full_width_punctuation_is_accepted():
    days = parse_notice("2027-10-01～2027-10-07，休，国庆节", 2027)
    assert len(days) == 7


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-13-01,休,元旦", "不是有效日期"),
        ("2027-01-03~2027-01-01,休,元旦", "结束日期早于开始日期"),
        ("2026-12-31,休,元旦", "不在 2027 年内"),
        ("2027-01-01,休,元旦\n2027-01-01,休,元旦", "重复出现"),
        ("2027-01-04,班,调休", "本来就上班"),  # a Monday
        ("2027-01-01,放风,元旦", "无法识别"),
        ("2027-01-01,休", "节日名称"),
        ("2027-01-01~2027-03-01,休,长假", "不应超过"),
        ("2027-01-01", "至少需要"),
        ("# nothing\n\n", "没有读到任何日期"),
    ],
)
def test_bad_lines_are_explained(text, message):
    with pytest.raises(NoticeError) as exc:
        parse_notice(text, 2027)
    assert any(message in e for e in exc.value.errors), exc.value.errors


def test_every_bad_line_is_reported_with_its_number():
    with pytest.raises(NoticeError) as exc:
        parse_notice("2027-01-01,休,元旦\n2027-02-30,休,春节\n2027-01-05,班,x", 2027)
    assert len(exc.value.errors) == 2
    assert exc.value.errors[0].startswith("第 2 行")
    assert exc.value.errors[1].startswith("第 3 行")
