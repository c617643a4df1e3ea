"""Badge benchmark: N registrations with mixed Chinese and Latin names, their badges rendered
in every layout, file by file as the staff page hands them out (BADGES_PER_FILE per request).

Usage: .venv/bin/python bench/badges.py [--count 1000] [--layout a6] [--database-url URL]
       [--out DIR] [--ends-only]
Prints, per layout: badges, files, pages, total seconds (wall clock, and CPU time of this
process, which a busy machine does not inflate), the slowest file (what one request
costs: it must stay well under gunicorn's 30 s timeout), badges/s and the size of the PDFs.
Uses its own database: a temporary SQLite file unless --database-url is given (dropped and
created again). --out keeps the PDFs.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.standalone import setup_django

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧阳"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英小明建华志强晓东海燕子涵欣怡梓萱浩宇"
LATIN = [
    "Alice Martin",
    "José Núñez",
    "Zoë O'Brien",
    "Björn Ångström",
    "Priya Ramanathan",
    "Jean-François Dupont-Lefèvre",
    "Olusegun Adeyemi",
    "Nguyễn Thị Minh Khai",
    "Alexandra Papadopoulou-Konstantinidou",
    "Kim Min-jun",
]
ORGANIZATIONS = [
    "开放原子开源基金会",
    "OpenAtom Foundation",
    "华为技术有限公司",
    "The Linux Foundation",
    "中国科学院软件研究所",
    "Red Hat",
    "阿里云计算有限公司 Alibaba Cloud",
    "Independent",
]
TITLES = ["工程师", "Maintainer", "技术总监", "Developer Advocate", "Student", "首席架构师"]


def mixed_name(rng: random.Random, number: int) -> str:
    if number % 2:
        return rng.choice(LATIN)
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--layout", default="", help="one layout (default: every layout)")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--out", default="", help="keep the PDFs in this folder")
    parser.add_argument(
        "--ends-only",
        action="store_true",
        help="render only the first and the last file (what one request costs at any size)",
    )
    args = parser.parse_args()
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import transaction

    from agenda.models import Conference
    from registration.models import Registration
    from registration.staff import badges

    problems = badges.missing()
    if problems:
        for problem in problems:
            print(f"badges: {problem.what} Install: {problem.install}")
        sys.exit(1)
    slow = badges.slow_subsetting()
    if slow:
        print(f"badges: warning: {slow.what} Install: {slow.install}")

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command(
        "generate_demo_load",
        registrations=args.count,
        forums=10,
        talks=40,
        speakers=20,
        slug="badge-bench",
        verbosity=0,
    )
    conference = Conference.objects.get(slug="badge-bench")
    rng = random.Random(15)
    people = list(Registration.objects.filter(conference=conference).order_by("pk"))
    for number, person in enumerate(people):
        person.full_name = mixed_name(rng, number)
        person.organization = rng.choice(ORGANIZATIONS)
        person.job_title = rng.choice(TITLES)
    with transaction.atomic():
        Registration.objects.bulk_update(
            people, ["full_name", "organization", "job_title"], batch_size=2000
        )
    print(
        f"badges: {args.count:,} registrations (half Chinese, half Latin names) in "
        f"{time.perf_counter() - started:.1f} s; font {badges.chinese_font_family()!r}; "
        f"{badges.BADGES_PER_FILE} badges per file; {os.cpu_count()} CPUs"
    )

    layouts = [badges.LAYOUTS[args.layout]] if args.layout else list(badges.LAYOUTS.values())
    out = Path(args.out) if args.out else None
    if out:
        out.mkdir(parents=True, exist_ok=True)
    for layout in layouts:
        queryset = badges.people(conference)
        files = badges.parts(queryset.count())
        total_pages = total_bytes = 0
        slowest = slowest_cpu = 0.0
        started, started_cpu = time.perf_counter(), time.process_time()
        chosen = [files[0], files[-1]] if args.ends_only and len(files) > 2 else files
        rendered = sum(part.count for part in chosen)
        for part in chosen:
            part_started, part_cpu = time.perf_counter(), time.process_time()
            registrations = badges.part_of(queryset, part)
            pdf, pages = badges.render(registrations, layout, conference=conference)
            slowest = max(slowest, time.perf_counter() - part_started)
            slowest_cpu = max(slowest_cpu, time.process_time() - part_cpu)
            total_pages += pages
            total_bytes += len(pdf)
            if out:
                (out / badges.filename(conference, layout, "all", part)).write_bytes(pdf)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        print(
            f"badges {layout.key}: {rendered:,} of {args.count:,} badges "
            f"({len(chosen)} of {len(files)} files), "
            f"{total_pages:,} pages in {elapsed:.1f} s ({cpu:.1f} s CPU) = "
            f"{rendered / elapsed:,.0f} badges/s; slowest file {slowest:.1f} s "
            f"({slowest_cpu:.1f} s CPU); {total_bytes / 1e6:.1f} MB"
        )


if __name__ == "__main__":
    main()
