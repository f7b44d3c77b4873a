"""Commands only: parse arguments, call build/check/serve, print problems. Exit 0 ok, 1 errors, 2 usage."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .problems import Problem, format_json, format_text, has_errors
from .usage import ChineseParser, check_passed, content_root, wrong_folder


def _port(text: str) -> int:
    """A TCP port, or a usage error (exit 2) instead of an internal error at bind time."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"端口应是 0 到 65535 之间的整数，而不是 {text}")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    parser = ChineseParser(prog="sitegen", description="村务公开网站与公开栏海报生成工具")
    commands = parser.add_subparsers(dest="command", required=True, metavar="{build,check,status,serve,privacy,fonts,init,new,import}")

    build = commands.add_parser("build", help="生成网站到输出文件夹（有错误时不改动旧网站）")
    build.add_argument("content", nargs="?", default="content", help="内容文件夹（默认 content）")
    build.add_argument("-o", "--output", default="output", help="输出文件夹（默认 output）")
    build.add_argument("--theme", type=Path, help="主题文件夹（默认自带的 themes/default）")
    build.add_argument("--format", choices=("text", "json"), default="text", help="问题的输出格式")
    build.add_argument("--no-posters", action="store_true", help="不生成打印用的 PDF（海报、标牌、公开栏张贴材料）")
    build.add_argument("--preview", action="store_true", help="预览：不把新网址记入 published-urls.txt，也不把新版本记入 published-versions")
    build.add_argument("-q", "--quiet", action="store_true", help="不显示生成进度")
    build.add_argument("-j", "--jobs", type=int, default=None, help="并行进程数（默认每个处理器核心一个）")
    build.add_argument("--executor", help="在 Dask 集群上生成，如 dask://10.0.0.5:8786（各节点须装有 sitegen 并能访问相同路径）")
    _as_of(build)

    check = commands.add_parser("check", help="只检查内容，不生成")
    check.add_argument("content", nargs="?", default="content", help="内容文件夹（默认 content）")
    check.add_argument("--format", choices=("text", "json"), default="text", help="问题的输出格式")
    _as_of(check)

    status = commands.add_parser("status", help="各村按时公开情况：逾期和延迟公开的内容，按村列出")
    status.add_argument("content", nargs="?", default="content", help="内容文件夹（默认 content）")
    status.add_argument("--sample", type=_count, metavar="N", help="照片抽查：每月抽取 N 个村（结果由站点名称和月份决定，可复核）")
    status.add_argument("-j", "--jobs", type=int, default=None, help="并行进程数（默认每个处理器核心一个）")
    status.add_argument("-q", "--quiet", action="store_true", help="不显示读取进度")
    _as_of(status, fail=False)

    privacy = commands.add_parser("privacy", help="检查文件中是否有身份证号、手机号、银行卡号（供 pre-commit 使用）")
    privacy.add_argument("files", nargs="*", type=Path, help="要检查的文件或文件夹（文件夹里的文件逐个检查，包括文件名）")

    serve = commands.add_parser("serve", help="在本机预览网站，修改后自动重新生成并刷新")
    serve.add_argument("content", nargs="?", default="content", help="内容文件夹（默认 content）")
    serve.add_argument("-o", "--output", help="预览输出文件夹（默认 .sitegen-cache/preview，不动正式的 output）")
    serve.add_argument("--port", type=_port, default=8000, help="端口（默认 8000；只在本机 127.0.0.1 上开放）")
    serve.add_argument("--theme", type=Path, help="主题文件夹（默认自带的 themes/default）")
    serve.add_argument("--no-posters", action="store_true", help="不生成打印用的 PDF，预览更快")

    fonts = commands.add_parser("fonts", help="下载并核对海报字体（放在本用户的缓存文件夹；已就绪时什么也不做）")
    fonts.add_argument("--check", action="store_true", help="只检查字体是否就绪，不下载")

    init = commands.add_parser("init", help="为一个乡镇新建内容仓库（site.yaml、一个村和第一份财务公开、CI 文件等）")
    init.add_argument("directory", type=Path, help="新仓库的文件夹（不存在或为空）")
    init.add_argument("--ci", choices=("github", "gitlab"), default="github", help="CI 文件：github（GitHub Pages）或 gitlab（GitLab Pages），默认 github")
    init.add_argument("--village", type=_slug, default="village1", help="第一个村的文件夹名，即网址中的一段，如 dongtan（默认 village1）")
    init.add_argument("--period", type=_month, help="第一份财务公开的月份 YYYY-MM（默认上个月）")

    new = commands.add_parser("new", help="为一个村新建下一份公开文件（已有同名文件时不覆盖）")
    kinds = new.add_subparsers(dest="kind", required=True, metavar="{finance,affairs,major,standing,postings,points}")
    new_finance = _village_command(kinds, "finance", "某月的财务收支公开，期初余额取上月的期末余额")
    new_finance.add_argument("month", type=_month, metavar="YYYY-MM", help="月份，如 2026-11")
    new_finance.set_defaults(make=lambda new, a, today: new.new_finance(a.content, a.village, a.month))
    new_affairs = _village_command(kinds, "affairs", "某季度的一项村务公开，如 dibao")
    new_affairs.add_argument("quarter", type=_quarter, metavar="YYYY-Qn", help="季度，如 2026-Q3")
    new_affairs.add_argument("item", metavar="ITEM", help="目录中的事项代码，如 dibao、subsidy")
    new_affairs.set_defaults(make=lambda new, a, today: new.new_affairs(a.content, a.village, a.quarter, a.item))
    new_points = _village_command(kinds, "points", "某季度的积分制公示，细则和各户积分取上季度的")
    new_points.add_argument("quarter", type=_quarter, metavar="YYYY-Qn", help="季度，如 2026-Q4")
    new_points.set_defaults(make=lambda new, a, today: new.new_points(a.content, a.village, a.quarter))
    new_major = _village_command(kinds, "major", "一件重大事项（四议两公开）")
    new_major.add_argument("name", metavar="SLUG", help="文件名，小写字母、数字和连字符，如 2026-road")
    new_major.set_defaults(make=lambda new, a, today: new.new_major(a.content, a.village, a.name, today))
    new_standing = _village_command(kinds, "standing", "一项长期公开（村规民约、村民自治章程、小微权力清单等）")
    new_standing.add_argument("name", metavar="SLUG", help="文件名，小写字母、数字和连字符，如 village-rules")
    new_standing.add_argument("item", metavar="ITEM", help="目录中长期公开的事项代码，如 village-rules、charter")
    new_standing.set_defaults(make=lambda new, a, today: new.new_standing(a.content, a.village, a.name, a.item, today))
    new_postings = _village_command(kinds, "postings", "某月的公开栏照片记录（照片放在本村 files/ 文件夹）")
    new_postings.add_argument("month", type=_month, metavar="YYYY-MM", help="月份，如 2026-11")
    new_postings.set_defaults(make=lambda new, a, today: new.new_postings(a.content, a.village, a.month, today))

    imports = commands.add_parser("import", help="从会计软件导出的表格（xlsx/csv）生成财务公开")
    what = imports.add_subparsers(dest="kind", required=True, metavar="{finance}")
    import_finance = _village_command(what, "finance", "导入一个月的收支明细账，写成 finance/YYYY-MM.yaml")
    import_finance.add_argument("file", type=Path, metavar="FILE", help="导出的 .xlsx 或 .csv 文件")
    import_finance.add_argument("--period", type=_month, help="月份 YYYY-MM（默认按表中日期）")
    return parser


def _as_of(command: argparse.ArgumentParser, fail: bool = True) -> None:
    command.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help="按哪一天计算应公开、逾期（默认今天，北京时间）")
    if fail:
        command.add_argument("--fail-on-overdue", action="store_true", help="把逾期未公开（overdue）当作错误：检查失败、不生成（供 CI 标红）")


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"应是正整数（如 2），而不是 {text}")
    return int(text)


def _date(text: str):
    from . import clock

    try:
        return clock.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _village_command(commands, name: str, help: str) -> argparse.ArgumentParser:
    """A `new`/`import` command: VILLAGE first, and the content folder as an option."""
    command = commands.add_parser(name, help=help)
    command.add_argument("village", metavar="VILLAGE", help="村文件夹名，如 dongtan")
    command.add_argument("--content", type=Path, default=Path("content"), help="内容文件夹（默认 content）")
    return command


def _quarter(text: str) -> str:
    from .new import QUARTER

    if not QUARTER.fullmatch(text):
        raise argparse.ArgumentTypeError(f"季度应写成 YYYY-Qn（如 2026-Q3），而不是 {text}")
    return text


def _slug(text: str) -> str:
    from .loader import SLUG

    if not SLUG.fullmatch(text):
        raise argparse.ArgumentTypeError(f"村的文件夹名只能用小写字母、数字和连字符（如 dongtan），而不是 {text}")
    return text


def _month(text: str) -> str:
    from .init import MONTH

    if not MONTH.fullmatch(text):
        raise argparse.ArgumentTypeError(f"月份应写成 YYYY-MM（如 2026-11），而不是 {text}")
    return text


def _report(problems: tuple[Problem, ...] | list[Problem], fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(format_json(problems))
    elif problems:
        sys.stderr.write(format_text(problems))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command in ("check", "build", "status") and (root := content_root(args.content)):
            print(wrong_folder(args.content, root, args.command), end="", file=sys.stderr)
            return 2
        if args.command == "check":
            from .rules import check_content

            site, problems = check_content(args.content, args.as_of)
            if args.fail_on_overdue:
                from .rules.timeliness import escalate

                problems = escalate(problems)
            _report(problems, args.format)
            if args.format == "text" and site is not None and not has_errors(problems):
                print(check_passed(site, problems), end="", file=sys.stderr)
            return 1 if has_errors(problems) else 0
        if args.command == "build":
            from .build import build
            from .progress import Progress

            progress = None if args.quiet else Progress()
            result = build(args.content, args.output, args.theme, posters=not args.no_posters, jobs=args.jobs, executor=args.executor, record_urls=not args.preview, as_of=args.as_of, fail_on_overdue=args.fail_on_overdue, progress=progress)
            _report(result.problems, args.format)
            if not result.ok:
                print("生成失败，原有网站未改动。", file=sys.stderr)
                return 1
            if args.format == "text":
                print(f"已生成 {result.files} 个文件到 {args.output}/，其中 {result.written} 个有变化", file=sys.stderr)
            return 0
        if args.command == "status":
            return _status(args)
        if args.command == "privacy":
            from .attachments import privacy_scan

            problems = privacy_scan(args.files)
            _report(problems, "text")
            return 1 if problems else 0
        if args.command == "fonts":
            from .fontfetch import ensure_fonts

            outcome = ensure_fonts(check_only=args.check)
            print("\n".join(f"sitegen: {line}" for line in outcome.messages), file=sys.stderr)
            return 0 if outcome.ok else 1
        if args.command == "init":
            from .init import InitError, init

            try:
                written = init(args.directory, args.ci, args.village, args.period)
            except InitError as exc:
                print(f"sitegen: {exc}", file=sys.stderr)
                return 1
            print(f"已在 {args.directory}/ 新建内容仓库（{len(written)} 个文件）；请按其中 README.md 填写“待填写”的地方。", file=sys.stderr)
            return 0
        if args.command in ("new", "import"):
            return _scaffold(args)
        from .serve import serve

        return serve(args.content, args.output, args.port, args.theme, posters=not args.no_posters)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # never a traceback for the clerk; keep the cause for developers
        print(f"sitegen: 内部错误（{type(exc).__name__}: {exc}），请把这行信息发给技术人员。", file=sys.stderr)
        return 3


def _status(args: argparse.Namespace) -> int:
    """The inspection page's records in the terminal; content errors are the check's to explain."""
    from .progress import Progress
    from .status_report import load_statuses, report

    progress = None if args.quiet else Progress(doing="读取中", files=False)
    site, rows, problems = load_statuses(args.content, args.as_of, args.jobs, progress)
    if site is None:
        _report(problems, "text")
        return 1
    sys.stdout.write(report(site, rows, args.sample))
    if has_errors(problems):
        print(f"注意：内容中有错误，有错误的文件未计入；请运行 sitegen check {args.content} 查看。", file=sys.stderr)
        return 1
    return 0


def _scaffold(args: argparse.Namespace) -> int:
    """`new` and `import`: a refusal (the file exists, is reviewed, the village is unknown) is exit 1."""
    from . import clock, new

    try:
        if args.command == "import":
            return _imported(args)
        path = args.make(new, args, clock.today())  # set by the `new` subcommand
    except new.NewError as exc:
        print(f"sitegen: {exc}", file=sys.stderr)
        return 1
    print(f"已新建 {path}；请填写其中标着“待填写”的地方，再运行 sitegen check {args.content}", file=sys.stderr)
    return 0


def _imported(args: argparse.Namespace) -> int:
    from .importer import import_finance

    result = import_finance(args.content, args.village, args.file, args.period, str(args.file))
    _report(result.problems, "text")
    if result.path is None:
        print(f"sitegen: {args.file} 有问题（见上），什么也没有写入。", file=sys.stderr)
        return 1
    replaced = "（替换了原来未审核的草稿）" if result.replaced_draft else ""
    print(f"已导入 {result.entries} 笔收支到 {result.path}{replaced}；请填写“待填写”的地方（说明、审核），再运行 sitegen check {args.content}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
