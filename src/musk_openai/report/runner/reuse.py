"""The execution cache: a notebook run is reused only when nothing it depends on has changed.

A run of one notebook in one language depends on: the notebook's content (its cells and their
metadata, not the outputs a JupyterLab session may have saved in it), its parameters, every file
of the data folder, the code and words a notebook imports (the package's dataset and story rooms:
queries, charts, texts, style), the notebooks folder's other files (a helper module, a
``matplotlibrc``), and the dependencies (``requirements.lock``, the distributions installed in
this environment, the Python version). What lies outside the project is not read: a report's
kernels ignore the user's matplotlib and IPython settings (:func:`.execute.kernel_env`).
:func:`job_key` is the SHA-256 of all of these, and it is written into the executed notebook's
metadata (``musk_openai.run_key``). The report room (the runner, the page templates, the CSS,
the site's code) is not in the key, so an edit there starts no kernel: pages are made from the
executed notebooks, and made again when what they are made with changed (:func:`page_key`,
:func:`site_key`: each on the templates its pages use, found by Jinja2).
Quarto's ``freeze`` and jupyter-cache key on the notebook alone and cannot see the data or the
code the notebook reads.

The entries live in the user's cache, never in the report (which is meant to be published as it
is): ``$XDG_CACHE_HOME/musk-openai/runs/<output>/<key>/`` (``~/.cache`` by default; ``<output>`` is
a hash of the output folder's path; none with ``MUSK_OPENAI_NO_CACHE=1``). An entry holds the
executed notebook, the figures it wrote, and a ``manifest.json`` giving the SHA-256 of each file.
Entries are read and written only by the run holding the output folder's lock. An entry is
written to a temporary name and renamed into place once complete, and only at the end of a run
that was not interrupted, for the jobs that succeeded, and only if the inputs hashed at the start
of the run are still the same at its end and no data file was written meanwhile (an edit undone
during the run: :func:`touched`). An entry is trusted only if it is the current user's,
every file matches its manifest, its notebook carries its key, and its folders are the user's,
writable by nobody else (:func:`musk_openai.dataset.cache.safe`, the one trust rule); anything else
is removed and the job executed again.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import stat
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from musk_openai import files, paths
from musk_openai.dataset import cache
from musk_openai.report.site import jinja, nav
from musk_openai.report.types import KERNEL_NAME, RUN_METADATA, Job, Plan

#: Changes when the key or the entries change meaning: older entries are then never matched.
KEY_VERSION = 3
#: The folder of the entries, in the user's cache folder.
RUNS = "runs"
MANIFEST = "manifest.json"
EXECUTED = "executed.ipynb"
FIGURES = "figures"
#: What a notebook imports of the package (the dataset and story rooms), hashed into every key.
PACKAGE = Path(__file__).resolve().parents[2]
NOTEBOOK_CODE = ("dataset", "story", "paths.py", "files.py", "__init__.py")
LOCK = paths.PROJECT_ROOT / "requirements.lock"
#: Entries kept besides those of the last run, the most recently used first.
KEEP_OTHERS = 48


@dataclass(frozen=True)
class Inputs:
    """The SHA-256 of what every job of a run depends on besides its notebook and parameters."""

    data: str
    code: str
    dependencies: str
    #: The notebooks folder's other files (a helper module a notebook imports, a matplotlibrc
    #: read from the kernel's working folder).
    beside: str = ""
    #: What of the report room (runner, site code, templates, CSS) the report's own pages are
    #: made with, and a notebook's page (:func:`report_digests`): in the keys of pages, not of
    #: runs.
    site: str = ""
    pages: str = ""


def inputs(notebooks_dir: Path) -> Inputs:
    """Hash the data folder, the code notebooks import, the dependencies and the notebooks
    folder's other files as they are now."""
    return Inputs(
        data=files.digest(files.tree(paths.data_dir().resolve())),
        code=code_digest(),
        dependencies=dependencies_digest(),
        beside=beside_digest(notebooks_dir),
        **report_digests(),
    )


def report_digests() -> dict[str, str]:
    """The fingerprints of the report room for its two kinds of page: all its code and files
    but its templates, and of these only the templates of a notebook's page (``pages``:
    :func:`~musk_openai.report.site.jinja.page_templates`, ``page.html.j2``, the header, the
    pager and what they include), or of the report's own pages (``site``:
    :func:`~musk_openai.report.site.jinja.site_templates`, all but ``page.html.j2``). An edit to
    the style sheet renders no notebook's page again, an edit to ``page.html.j2`` none of the
    report's own pages."""
    room = files.tree(PACKAGE / "report")
    package, name = jinja.TEMPLATES  # ("musk_openai.report.site", "templates"): site/templates/
    folder = f"{package.removeprefix('musk_openai.report.').replace('.', '/')}/{name}/"

    def digest(used: frozenset[str]) -> str:
        kept = {folder + t for t in used}
        return files.digest({k: v for k, v in room.items() if k in kept or folder not in k})

    return {"site": digest(jinja.site_templates()), "pages": digest(jinja.page_templates())}


def touched(folder: Path | None = None) -> dict[str, tuple[int, int, int]]:
    """When each file of the data folder was last written (and its size and inode): compared
    at the start and the end of a run, it tells an edit undone during the run, which hashing
    the content at both ends cannot see (the kernels may have read the edited file)."""
    root = (folder or paths.data_dir()).resolve()
    found = {}
    for f in sorted(root.rglob("*")):
        if f.is_file():
            st = f.stat()
            found[f.relative_to(root).as_posix()] = (st.st_mtime_ns, st.st_size, st.st_ino)
    return found


def beside_digest(notebooks_dir: Path) -> str:
    """The notebooks folder's files but the notebooks (each in its own job's key) and what
    JupyterLab keeps there (checkpoints, hidden files): what a kernel working in that folder
    may import or read."""
    found = {
        name: raw
        for name, raw in files.tree(notebooks_dir).items()
        if not name.endswith(".ipynb") and not any(p.startswith(".") for p in name.split("/"))
    }
    return files.digest(found)


def code_digest() -> str:
    """The fingerprint of the package's dataset and story rooms (what a notebook imports)."""
    found: dict[str, bytes] = {}
    for name in NOTEBOOK_CODE:
        where = PACKAGE / name
        if where.is_dir():
            found |= {f"{name}/{k}": v for k, v in files.tree(where).items()}
        elif where.is_file():
            found[name] = where.read_bytes()
    return files.digest(found)


def dependencies_digest() -> str:
    """The pinned dependencies (``requirements.lock``), what is installed (the name and version
    of every distribution, as its ``.dist-info`` folder spells them: reading each one's metadata
    takes a quarter of a second), and Python."""
    h = hashlib.sha256(sys.version.encode())
    h.update(LOCK.read_bytes() if LOCK.is_file() else b"no requirements.lock")
    installed = set()
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        installed |= {f"{folder}/{n}" for n in names if n.endswith((".dist-info", ".egg-info"))}
    h.update("\n".join(sorted(installed)).encode())
    return h.hexdigest()


def notebook_digest(path: Path) -> str:
    """The SHA-256 of a notebook without what executing it replaces: outputs, counts."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return hashlib.sha256(json.dumps(nb, sort_keys=True).encode()).hexdigest()


def job_key(job: Job, shared: Inputs) -> str:
    """The key of a job: the SHA-256 of everything its executed notebook and figures depend on
    (see the module's doc)."""
    what = {
        "key_version": KEY_VERSION,
        "inputs": [shared.data, shared.code, shared.dependencies, shared.beside],
        "notebook": notebook_digest(job.notebook.path),
        "name": job.notebook.path.name,
        "parameters": dict(job.parameters),
        "kernel": KERNEL_NAME,
    }
    return hashlib.sha256(json.dumps(what, sort_keys=True, default=str).encode()).hexdigest()


def page_key(run_key: str, job: Job, plan: Plan, shared: Inputs) -> str:
    """The key of a job's page: its run, the report room's code and templates, and what the
    page shows of the report (its languages, the code cells or not)."""
    what = {
        "key_version": KEY_VERSION,
        "run": run_key,
        "report": shared.pages,
        "lang": job.lang,
        "langs": list(plan.langs),
        "with_code": plan.with_code,
        "nav": nav.nav_of(job, plan).resources(),  # the header, the previous and next questions
    }
    return "page-" + hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()


def site_key(plan: Plan, shared: Inputs) -> str:
    """The key of the report's pages made from the dataset alone (the source pages, the fact
    explorer, the corrections): the data, all the code but a notebook page's template, the
    languages."""
    made_with = asdict(shared) | {"pages": None}
    what = {"key_version": KEY_VERSION, "site": made_with, "langs": list(plan.langs)}
    return "site-" + hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()


def keys(plan: Plan, shared: Inputs) -> dict[str, str]:
    """Every job's key, by its label."""
    return {job.label: job_key(job, shared) for job in plan.work}


# -- the entries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Restored:
    """A job whose files were put in place from an entry made by the run of ``made``."""

    job: Job
    key: str
    made: datetime.datetime


class Store:
    """The entries of the runs into an output folder (see the module's doc); without a cache
    folder, nothing is restored or saved."""

    def __init__(self, output: Path) -> None:
        base = cache.cache_dir()
        where = hashlib.sha256(os.fsencode(output.resolve())).hexdigest()[:16]  # any bytes
        self.root = base / RUNS / where if base is not None else None
        #: Why nothing could be kept for later runs, if so (the run goes on without it).
        self.problem: str | None = None

    def _give_up(self, exc: OSError) -> None:
        """The cache is an optimisation: a cache that cannot be written (a full disk, a
        read-only home, no home) turns reuse off for this run, and says why once."""
        where = exc.filename or self.root
        self.problem = f"{exc.strerror or exc} ({where})"
        self.root = None

    def restore(self, job: Job, key: str, figures_dir: Path) -> Restored | None:
        """Put the entry ``key`` in place for ``job`` (its executed notebook and figures), if it
        exists and every file is intact; else remove it and return ``None``."""
        got = self._read(key, required={EXECUTED})
        if got is None:
            return None
        found, made = got
        if run_key(found[EXECUTED]) != key:
            self._forget(key)
            return None
        for name, raw in found.items():
            where = job.executed if name == EXECUTED else figures_dir / Path(name).name
            where.parent.mkdir(parents=True, exist_ok=True)
            files.write_bytes(where, raw)
        return Restored(job, key, made)

    def save(self, job: Job, key: str, figures: Sequence[Path]) -> None:
        """Keep the files of a job that succeeded as the entry ``key``."""
        found = {EXECUTED: job.executed} | {f"{FIGURES}/{f.name}": f for f in figures}
        self._write_entry(key, job.label, found)

    def restore_files(self, key: str, into: Path) -> bool:
        """Put the files of the entry ``key`` under ``into``, by their relative names."""
        got = self._read(key, required=set())
        for name, raw in got[0].items() if got else ():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            files.write_bytes(into / name, raw)
        return got is not None

    def save_files(self, key: str, what: str, root: Path, found: Iterable[Path]) -> None:
        """Keep ``found`` (files under ``root``) as the entry ``key``."""
        self._write_entry(key, what, {f.relative_to(root).as_posix(): f for f in found})

    def _forget(self, key: str) -> None:
        if self.root is not None:
            shutil.rmtree(self.root / key, ignore_errors=True)

    def _read(
        self, key: str, required: set[str]
    ) -> tuple[dict[str, bytes], datetime.datetime] | None:
        """The files of the entry ``key`` and when it was made, if it exists and can be trusted
        (read by :func:`musk_openai.dataset.cache.read_trusted`, every file checked against the
        manifest); an entry that cannot is removed."""
        if self.root is None or not (self.root / key).is_dir() or not self._usable():
            return None  # a cache folder others may write into: left alone, not used
        try:
            raw = self._trusted(key, MANIFEST)
            manifest: dict[str, Any] = json.loads(raw)
            if manifest.get("key") != key or manifest.get("key_version") != KEY_VERSION:
                raise ValueError("another key")
            if required - set(manifest["files"]):
                raise ValueError("incomplete")
            found = {name: self._trusted(key, name) for name in manifest["files"]}
            if any(_sha(raw) != manifest["files"][n] for n, raw in found.items()):
                raise ValueError("a file does not match the manifest")
            made = datetime.datetime.fromisoformat(manifest["made"])
        except (OSError, ValueError, KeyError, TypeError):
            self._forget(key)
            return None
        try:
            os.utime(self.root / key)  # most recently used
        except OSError:  # a read-only cache: still read, never pruned first
            pass
        return found, made

    def _usable(self) -> bool:
        """The folders of the entries are the user's, writable by nobody else."""
        assert self.root is not None
        try:
            return all(cache.safe(os.lstat(d), stat.S_IFDIR) for d in (self.root.parent, self.root))
        except OSError:
            return False

    def _trusted(self, key: str, name: str) -> bytes:
        """A file of an entry, from the cache's folder of runs down (the one trust rule)."""
        assert self.root is not None
        raw = cache.read_trusted(self.root.parent, f"{self.root.name}/{key}/{name}")
        if raw is None:
            raise ValueError(f"{name}: not the user's own file")
        return raw

    def _write_entry(self, key: str, what: str, found: dict[str, Path]) -> None:
        """The entry ``key``: written aside, renamed when complete (an existing entry of the
        same key is replaced)."""
        if self.root is None:
            return
        try:
            files.private_folder(self.root)
            if self._usable():  # else an entry written there would never be trusted
                self._write_aside(key, what, found)
        except OSError as exc:
            self._give_up(exc)

    def _write_aside(self, key: str, what: str, found: dict[str, Path]) -> None:
        assert self.root is not None
        tmp = self.root / f".tmp-{os.getpid()}-{key}"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            hashes = {}
            for name, src in found.items():
                raw = src.read_bytes()
                _write(tmp / name, raw)
                hashes[name] = _sha(raw)
            made = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
            manifest = {
                "key_version": KEY_VERSION,
                "key": key,
                "job": what,
                "made": made,
                "files": hashes,
            }
            _write(tmp / MANIFEST, json.dumps(manifest, indent=1).encode("utf-8"))
            shutil.rmtree(self.root / key, ignore_errors=True)
            tmp.rename(self.root / key)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def prune(self, keep: Iterable[str], others: int = KEEP_OTHERS) -> None:
        """Remove unfinished entries, and all but ``others`` of the entries not in ``keep``
        (the least recently used first)."""
        if self.root is None or not self.root.is_dir():
            return
        keep = set(keep)
        rest = []
        try:
            for entry in self.root.iterdir():
                if entry.name.startswith(".tmp-"):  # a run that died (runs hold the lock)
                    shutil.rmtree(entry, ignore_errors=True)
                elif entry.name not in keep:
                    rest.append(entry)
            rest.sort(key=lambda e: e.stat().st_mtime, reverse=True)
        except OSError as exc:
            self._give_up(exc)
            return
        for entry in rest[others:]:
            shutil.rmtree(entry, ignore_errors=True)


def _sha(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _write(path: Path, raw: bytes) -> None:
    """A file of an entry: its folders 0700 and itself 0600 whatever the umask (under umask 002
    they would be group-writable, and the entry never trusted)."""
    files.private_folder(path.parent)
    files.write_bytes(path, raw, mode=0o600)


def run_key(executed: bytes) -> str | None:
    """The key an executed notebook carries in its metadata, if any."""
    try:
        meta = json.loads(executed)["metadata"][RUN_METADATA]
    except (ValueError, KeyError, TypeError):
        return None
    return meta.get("run_key") if isinstance(meta, dict) else None
