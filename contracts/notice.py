"""Parse a year's holiday notice (放假安排) typed or uploaded as CSV — pure, no ORM.

One line per day or range::

    日期,类型,名称
    2027-01-01~2027-01-03,休,元旦
    2027-02-06,班,春节

类型 is 休 (day off) or 班 (make-up working day). Blank lines and lines starting with # are ignored.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

OFF_WORDS = {"休", "假", "休息", "放假", "off", "holiday"}
WORK_WORDS = {"班", "上班", "调休上班", "work", "workday"}
MAX_RANGE_DAYS = 15


@dataclass(frozen=True)
class NoticeDay:
    date: dt.date
    is_workday: bool
    name: str


class NoticeError(ValueError):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


def _parse_date(text: str, line_no: int, errors: list[str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        errors.append(f"第 {line_no} 行：“{text.strip()}”不是有效日期，请写成 2027-01-01。")
        return None


def parse_notice(text: str, year: int) -> list[NoticeDay]:
    errors: list[str] = []
    days: dict[dt.date, NoticeDay] = {}
    reader = csv.reader(io.StringIO(text.replace("，", ",").replace("～", "~")))
    for line_no, row in enumerate(reader, start=1):
        cells = [c.strip() for c in row]
        if not cells or not any(cells) or cells[0].startswith("#"):
            continue
        if cells[0] in {"日期", "date"}:
            continue
        if len(cells) < 2:
            errors.append(f"第 {line_no} 行：至少需要“日期,类型”两列。")
            continue
        kind = cells[1].lower()
        if kind in OFF_WORDS:
            is_workday = False
        elif kind in WORK_WORDS:
            is_workday = True
        else:
            errors.append(f"第 {line_no} 行：类型“{cells[1]}”无法识别，应为“休”或“班”。")
            continue
        name = cells[2] if len(cells) > 2 else ""
        if len(name) > 50:
            errors.append(f"第 {line_no} 行：名称过长（最多 50 字）。")
            continue
        if not is_workday and not name:
            errors.append(f"第 {line_no} 行：放假日期需要写明节日名称，如“春节”。")
            continue
        if "~" in cells[0]:
            first_text, last_text = cells[0].split("~", 1)
            first = _parse_date(first_text, line_no, errors)
            last = _parse_date(last_text, line_no, errors)
        else:
            first = last = _parse_date(cells[0], line_no, errors)
        if first is None or last is None:
            continue
        if last < first:
            errors.append(f"第 {line_no} 行：结束日期早于开始日期。")
            continue
        if (last - first).days + 1 > MAX_RANGE_DAYS:
            errors.append(f"第 {line_no} 行：一段假期不应超过 {MAX_RANGE_DAYS} 天，请检查日期。")
            continue
        current = first
        while current <= last:
            if current.year != year:
                errors.append(f"第 {line_no} 行：{current} 不在 {year} 年内。")
            elif current in days:
                errors.append(f"第 {line_no} 行：{current} 重复出现。")
            elif is_workday and current.weekday() < 5:
                errors.append(f"第 {line_no} 行：{current} 是周一至周五，本来就上班，无需设为调休上班。")
            else:
                days[current] = NoticeDay(current, is_workday, name)
            current += dt.timedelta(days=1)
    if not days and not errors:
        errors.append("没有读到任何日期。")
    if errors:
        raise NoticeError(errors)
    return sorted(days.values(), key=lambda d: d.date)
