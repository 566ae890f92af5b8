"""Money as the contract prints it: ¥600,000.00 and 大写 陆拾万圆整. Pure functions on Decimal."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ["", "拾", "佰", "仟"]
_BIG_UNITS = ["", "万", "亿", "万亿"]


def quantize(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def format_cny(amount: Decimal | None) -> str:
    if amount is None:
        return "—"
    value = quantize(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(value):,.2f}"


def _four_digits(n: int) -> str:
    """Chinese uppercase for 0 < n < 10000, with 零 for inner gaps."""
    digits = f"{n:04d}"
    out: list[str] = []
    zero_pending = False
    for i, ch in enumerate(digits):
        d = int(ch)
        unit = _SMALL_UNITS[3 - i]
        if d == 0:
            if out:
                zero_pending = True
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(_DIGITS[d] + unit)
    return "".join(out)


def cny_uppercase(amount: Decimal) -> str:
    """Amount in words as on a Chinese invoice: 600000 → 陆拾万圆整, 1200.05 → 壹仟贰佰圆零伍分."""
    value = quantize(amount)
    if value < 0:
        return "负" + cny_uppercase(-value)
    yuan = int(value)
    cents = int((value - yuan) * 100)
    jiao, fen = divmod(cents, 10)
    if yuan == 0 and cents == 0:
        return "零圆整"
    parts = []
    groups = []
    n = yuan
    while n:
        groups.append(n % 10000)
        n //= 10000
    text = ""
    need_zero = False
    for idx in range(len(groups) - 1, -1, -1):
        group = groups[idx]
        if group == 0:
            need_zero = bool(text)
            continue
        if text and (need_zero or group < 1000):
            text += "零"
        text += _four_digits(group) + _BIG_UNITS[idx]
        need_zero = False
    if text:
        parts.append(text + "圆")
    if cents == 0:
        parts.append("整")
    else:
        if jiao:
            parts.append(_DIGITS[jiao] + "角")
        elif yuan:
            parts.append("零")
        if fen:
            parts.append(_DIGITS[fen] + "分")
        else:
            parts.append("整")
    return "".join(parts)
