"""The build, as a checklist: fingerprint → load → validate → plan → render → write atomically.

A failed build leaves the previous output untouched: every page is rendered and every problem
known before the first write, and the new site is then swapped in whole (`output.py`). Files
whose bytes did not change are hard-linked from the old output, so their mtimes stay and deploys
upload nothing for them; when no input changed at all, nothing is rendered or written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import clock, ledger, records, versions
from .blobs import Blob, Blobs, Tampered
from .output import OutputError, check_folders, check_marker, locked, publish, recover
from .output import problem as output_problem
from .problems import Problem, Severity, error, has_errors
from .progress import Progress
from .state import BuildState, Snapshot, load_state, rows, rows_digest, save_state, snapshot
from .theme_dir import default_theme

if TYPE_CHECKING:
    from .village_build import VillageOutput

PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class BuildResult:
    problems: tuple[Problem, ...]
    files: int = 0
    written: int = 0  # files whose bytes changed (0 for a no-op rebuild)

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


def build(
    content: str | Path,
    output: str | Path,
    theme_dir: Path | None = None,
    posters: bool = True,
    cache_dir: str | Path | None = None,
    jobs: int | None = None,
    executor: str | None = None,
    record_urls: bool = True,
    as_of: dt.date | None = None,
    fail_on_overdue: bool = False,
    progress: Progress | None = None,
) -> BuildResult:
    """Build the site from `content` into `output`. On any error, `output` is not touched.

    A successful build adds its new page URLs to the content's ledger, unless `record_urls` is
    False (a preview: a draft's address is not published yet, so it must not become permanent).

    `posters=False` skips the PDFs (posters, signs, board packs). Rendered PDFs and the build
    state are kept in `cache_dir` (default `$SITEGEN_CACHE` or `.sitegen-cache`), which is safe
    to delete. `jobs` worker processes render villages (default: one per core); with
    `executor="dask://HOST:PORT"` a Dask cluster renders them instead. `as_of` is the build's
    date (default: today in China): the same content and date give the same bytes;
    `fail_on_overdue` makes each overdue warning an error, so nothing is written. `progress`
    is told of each village as it is built (the CLI's line on stderr).
    """
    content, output = Path(content), Path(output)
    if output.is_symlink():  # `public -> /srv/www/site`: the site is replaced there, the link stays
        output = output.resolve()
    problems = check_folders(content, output)
    if problems:
        return BuildResult(tuple(problems))
    try:
        with locked(output):
            try:
                recover(output)
            except OSError as exc:
                return BuildResult((output_problem(output, exc),))
            problems = check_marker(output)
            if problems:
                return BuildResult(tuple(problems))
            return _build(content, output, theme_dir, posters, cache_dir, jobs, executor, record_urls, as_of or clock.today(), fail_on_overdue, progress)
    except OutputError as exc:
        return BuildResult((exc.problem,))
    finally:
        gc.unfreeze()  # what `_settled` froze is collected as usual again (a preview server builds again and again)
        if progress is not None:
            progress.finish()


def _settled() -> None:
    """Leave the objects alive now (the build state, the input snapshot, the village records: a
    county's are millions, none garbage) out of the cyclic collector's later passes; each full
    pass over them cost 0.1 s, a one-file edit made about ten. `build` unfreezes them at its end.
    The forked workers share them as they are, without the collector touching their pages."""
    gc.freeze()


def _build(
    content: Path,
    output: Path,
    theme_dir: Path | None,
    posters: bool,
    cache_dir: str | Path | None,
    jobs: int | None,
    executor: str | None,
    record_urls: bool,
    as_of: dt.date,
    fail_on_overdue: bool = False,
    progress: Progress | None = None,
) -> BuildResult:
    """The build itself, holding the output's lock."""

    def judged(problems) -> tuple[Problem, ...]:
        if not fail_on_overdue:
            return tuple(problems)
        from .rules import timeliness

        return tuple(timeliness.escalate(problems))

    cache = Path(cache_dir or os.environ.get("SITEGEN_CACHE") or ".sitegen-cache")
    theme_dir = theme_dir or default_theme()
    previous = load_state(cache, output)
    inputs = snapshot(
        [content, theme_dir, PACKAGE],
        # no output depends on SOURCE_DATE_EPOCH or the clock, only on as_of, which is left out
        # here: a page that does not show the date keeps its key from one day to the next
        {"posters": posters},
        previous.stats if previous else None,
        # read by the URL check and the version rules, written by the build: fingerprinted below
        skip=frozenset({(content / ledger.LEDGER).as_posix()}) | versions.store_files(content),
    )
    _settled()
    checked = previous.checked(output) if previous is not None else None  # the old output's files, when it is as recorded
    intact = checked is not None

    def ledger_rows(known: dict) -> dict[str, list]:  # the ledger and the version store, hashed only where changed
        return rows(versions.store_files(content) | {(content / ledger.LEDGER).as_posix()}, known)

    def fingerprint(ledgers: dict) -> str:  # the inputs, the date, the ledger and the version store as they are now, and whether they get written
        return f"{inputs.digest} {as_of.isoformat()} {rows_digest(ledgers)} {'recorded' if record_urls else 'preview'}"

    ledgers = ledger_rows(previous.ledgers if previous else {})
    if intact and previous.inputs == fingerprint(ledgers):
        return BuildResult(judged(previous.warnings), len(previous.outputs), 0)
    templates = inputs.digests_under((theme_dir / "templates").as_posix())
    produced = produce(content, theme_dir, posters, cache, as_of, Reuse(inputs, previous if intact else None, templates, ledgers, recorded=record_urls), jobs, executor, progress)
    produced = dataclasses.replace(produced, problems=list(judged(produced.problems)))
    if has_errors(produced.problems):
        return BuildResult(tuple(produced.problems))
    blobs = Blobs(cache)
    try:
        try:
            written, changed, spare, folders = publish(output, produced.files, blobs, previous, checked)
        except Tampered:  # a cached file changed after it was checked: render everything, trust nothing
            produced = produce(content, theme_dir, posters, cache, as_of, Reuse(inputs, None, templates, ledgers, trusted=False, recorded=record_urls), jobs, executor, progress)
            produced = dataclasses.replace(produced, problems=list(judged(produced.problems)))
            if has_errors(produced.problems):
                return BuildResult(tuple(produced.problems))
            written, changed, spare, folders = publish(output, produced.files, blobs, previous, checked)
    except OSError as exc:
        return BuildResult((*produced.problems, output_problem(output, exc)))
    except Tampered:
        message = "生成期间缓存文件被反复改动，本次未作改动；请确认没有别的程序在改 .sitegen-cache 后重新运行"
        return BuildResult((*produced.problems, error(cache.as_posix(), 1, 1, "output", message)))
    problems = list(produced.problems)
    if record_urls:
        problems += ledger.write(content, produced.published)
        for slug, lines in produced.versions.items():
            problems += versions.write(content, slug, lines)
    warnings = tuple(p for p in problems if p.severity is Severity.WARNING)
    ledgers = ledger_rows(ledgers)
    save_state(cache, output, BuildState(fingerprint(ledgers), written, warnings, inputs.stats, folders, spare, ledgers))
    return BuildResult(tuple(problems), len(produced.files), changed)


@dataclass(frozen=True)
class Reuse:
    """What lets a build skip villages, and pages, whose inputs did not change since the last build."""

    inputs: Snapshot
    previous: BuildState | None  # only when the output folder is exactly as that build left it
    templates: dict[str, str]  # page template name → sha256, as the snapshot found them
    ledgers: dict[str, list]  # the ledger's and version store's files → [size, mtime_ns, sha256] (`state.rows`)
    trusted: bool = True  # False: no village record is read (a cached file changed during the build)
    recorded: bool = True  # False: a preview, which never writes the version store

    def unchanged(self, record: VillageOutput, blobs: Blobs) -> bool:
        """Its templates are as they were, and each of its files is in the output or the cache."""
        if any(self.templates.get(name) != digest for name, digest in record.templates):
            return False
        kept = self.previous.outputs if self.previous else {}
        return all(
            (path in kept and kept[path][2] == blob.sha256) or blobs.intact(blob) for path, blob in record.files.items()
        )


@dataclass(frozen=True)
class Produced:
    files: dict[str, bytes | Blob]
    problems: list[Problem]
    published: frozenset[str] = frozenset()  # absolute URL of every page, for the ledger
    versions: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)  # village → lines its store gains


def produce(
    content: Path,
    theme_dir: Path,
    posters: bool,
    cache: Path,
    as_of: dt.date,
    reuse: Reuse,
    jobs: int | None = None,
    executor: str | None = None,
    progress: Progress | None = None,
) -> Produced:
    """Every output file (path → bytes, or a blob in the cache) and every page URL, or the
    problems that stop the build. Writes nothing but the cache.

    Villages are independent, so each is loaded, checked and rendered as one task, in worker
    processes when there are several. A village whose inputs did not change since the last build
    is not even loaded; in one that did, only the pages whose inputs changed are rendered. The
    township index and sitemap are made from the villages' listings.
    """
    # imported here, not at the top: a no-op build (most of CI's) never renders, and these are
    # the templates', kinds' and rules' code, a fifth of a second of a county's no-op
    import jinja2

    from . import urls
    from .executors import run_dask, run_local
    from .loader import load_root
    from .render import data as open_data
    from .render import inspection
    from .render.html import plan_addresses, plan_index, render_page
    from .rules import addresses, check_content
    from .village_build import VillageTask, build_village, holding, shared_theme, template_problem, theme_signature
    from .village_record import load_record, record_file, record_key, with_memos

    root, slugs, problems = load_root(content, as_of)
    if root is None:
        return Produced({}, check_content(content, as_of)[1])
    blobs = Blobs(cache)
    # page templates: each page records those it used
    base, keys = reuse.inputs.village_keys(content, slugs, skip=(theme_dir / "templates").as_posix())
    empty = hashlib.sha256(b"").hexdigest()  # no store yet (or unreadable: `versions.read` reports it)
    stores = {slug: reuse.ledgers.get(versions.store_path(content, slug).as_posix(), (0, 0, empty))[2] for slug in slugs}
    outputs: dict[str, VillageOutput] = {}
    previous: dict[str, VillageOutput] = {}
    with records.acyclic():  # 300 records of 50,000 objects each: no collector pass after each one
        for slug in slugs if reuse.trusted else ():
            path = record_file(cache, content, slug, posters)
            record = load_record(path)
            kept = holding(record[1], as_of) if record and record[0] == record_key(keys[slug], reuse.recorded, stores[slug]) else None
            if kept and reuse.unchanged(kept, blobs):
                outputs[slug] = kept  # recorded without its new versions: they are in the store now
            elif record:
                previous[slug] = with_memos(path, *record)
        _settled()
    # absolute paths, so workers elsewhere find the folders; problems still name them as given
    todo = [slug for slug in slugs if slug not in outputs]
    folders = (str(content.resolve()), str(theme_dir.resolve()), str(cache.resolve()))
    tasks = [  # each worker saves its village's record (`build_village`)
        VillageTask(
            folders[0], slug, folders[1], posters, folders[2], as_of.isoformat(), str(content), base, reuse.templates, previous.get(slug),
            str(record_file(cache.resolve(), content, slug, posters)), keys[slug], stores[slug], reuse.recorded,
        )
        for slug in todo
    ]
    if progress is not None:
        progress.start(len(tasks))
    on_done = progress.village_done if progress is not None else None
    if executor and tasks:
        fresh = run_dask(executor, build_village, tasks, on_done)
        if isinstance(fresh, Problem):
            return Produced({}, [fresh])
    else:
        if min(jobs or os.cpu_count() or 1, len(tasks)) > 1:  # forked workers inherit the compiled templates (`shared_theme`)
            shared_theme(Path(folders[1]), root.config.locale, theme_signature(base, reuse.templates)).compile_all()
        fresh = run_local(build_village, tasks, jobs, recycle=posters, on_done=on_done)
    outputs.update(zip(todo, fresh))
    outputs = [outputs[slug] for slug in slugs]
    problems = sorted({*problems, *(p for output in outputs for p in output.problems)})  # each once
    if has_errors(problems):
        return Produced({}, problems)
    theme = shared_theme(theme_dir, root.config.locale, theme_signature(base, reuse.templates))
    listings = [o.listing for o in outputs if o.listing]
    site = dataclasses.replace(root, villages=tuple(listing.village for listing in listings))
    files: dict[str, bytes | Blob] = {p: d for output in outputs for p, d in output.files.items()}
    collided = addresses.collisions(p for output in outputs for p in output.files) if len(files) < sum(len(o.files) for o in outputs) else []  # two sources, one path
    pages = {path.removesuffix("index.html") for path in files if path.endswith("index.html")}
    refused = collided or addresses.problems(content, site.config, pages)
    if refused:
        return Produced({}, [*problems, *refused])
    index = dataclasses.replace(plan_index(listings, site.config.contacts), links=open_data.index_links(site.config, theme.strings))
    kept = plan_addresses(site, listings)
    statuses = [o.clock for o in outputs if o.clock]
    inspection_page = inspection.plan_status(site, statuses, site.config.contacts)
    files.update(inspection.files(site, statuses))
    try:
        for page in (index, *kept, inspection_page):
            files[page.file] = render_page(theme, site, page)[0]
    except jinja2.TemplateError as exc:
        return Produced({}, [*problems, template_problem(exc, theme)])
    files[theme.stylesheet.path] = theme.stylesheet.content
    files[theme.favicon.path] = theme.favicon.content
    files["robots.txt"] = f"User-agent: *\nAllow: /\nSitemap: {urls.absolute(site.config.base_url, 'sitemap.xml')}\n".encode()
    entries = [(p.path, p.noindex, p.updated) for p in (index, inspection_page)]
    entries += [e for output in outputs for e in output.sitemap]
    files["sitemap.xml"] = open_data.sitemap(site.config.base_url, entries)
    files[open_data.feed_path()] = open_data.township_feed(site.config, listings, theme.strings)
    published = {urls.absolute(site.config.base_url, path.removesuffix("index.html")) for path in files if path.endswith("index.html")}
    recorded, unreadable = ledger.read(content)
    problems += unreadable + ledger.removed(str(content), recorded, published)
    lines = {slug: output.versions for slug, output in zip(slugs, outputs) if output.versions}
    return Produced(files, sorted(problems), frozenset(published), lines)
