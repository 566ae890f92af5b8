from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from contracts.notice import NoticeError, parse_notice
from contracts.services import calendar_load_year


class Command(BaseCommand):
    help = "Load a year's State Council holiday notice from a CSV file (日期,类型,名称)."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("csv_path")
        parser.add_argument("--source", default="", help="the notice this comes from")

    def handle(self, *args, year, csv_path, source, **options):
        path = Path(csv_path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        text = None
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        if text is None:
            raise CommandError("the file is neither UTF-8 nor GBK")
        try:
            days = parse_notice(text, year)
        except NoticeError as exc:
            raise CommandError("\n".join(exc.errors)) from exc
        calendar_load_year(year=year, days=days, source=source or f"{path.name}", actor=None)
        self.stdout.write(self.style.SUCCESS(f"loaded {year}: {len(days)} days from {path}"))
