"""The build engine: Pelican's ``run``, with the costly parts spread over worker processes,
and, for the dev server, a record of what every page depends on.

Pelican reads every source file and renders every page on one core. ``FastPelican`` runs the
same steps in the same order (readers, generators' context, ``all_generators_finalized``,
``generate_output``, ``finalized``) with three changes, all generic over plugins:

1. **Reading in parallel.** After the plugins have checked the content (``get_generators``)
   and while this process sets up the generators, worker processes (forked, so they share
   the settings, the plugins and what the check parsed) read the source files under
   ``PATH`` with the same reader classes; each result is kept with a hash of the file's
   bytes. When a generator then reads a file, its reader returns the kept
   result if the file's bytes are still the same (and reads it as usual if not). The dev
   server keeps these results between builds, so a rebuild converts only changed files, and
   also each content object as ``read_file`` made it (``ContentCache``): a rebuild unpickles
   an unchanged file's object instead of making it again.
2. **Writing in parallel.** Generators run ``generate_output`` with a writer that does not
   render: it records each page (template, name, context) as a job. After a generator's
   turn, its pages are rendered and written by worker processes forked from the state at
   that moment (as in Pelican, where a page is rendered during its generator's turn) while
   the next generators run; the last few pages are shared with this process. Workers take
   the next pages from a shared counter as they are ready. ``content_written`` is then sent
   for every page, in Pelican's order, from the main process (the sitemap listens). What
   generators write themselves (iCalendar files, e-mails, feeds, static files) is written
   in the main process, as before.
3. **Dependencies (dev server).** With ``track=True`` every render records what it read:
   the context names its templates looked up, the content objects (articles, partners, ...)
   whose attributes were read, and the intrasite-link lookups. A later build of the same
   process (``previous=...``) renders only the pages whose inputs changed (the workers write
   each one atomically: the folder is being served), removes pages that are no longer
   produced, and leaves the rest on disk. See ``BuildState``. In such a rebuild plugins may
   hand their check of the content over (``background_checks``, the ``content_model``
   does): it runs in a forked process while this one builds, and what it raises is raised
   before the first page is written.

Before the generators exist, plugins may also spread their own work over the workers
(``map_in_workers``): a full build's content check parses the files that way. A plugin whose
readers' results depend on something that went back since the last build (the clock) drops
the kept results (``forget_kept_results``): that build reads every file again.

Anything this cannot handle the same way as Pelican (a plugin with its own writer, or
``{attach}`` links, whose side effects happen while rendering) makes the build run Pelican's
own serial ``run``: slower, never different.

Settings: ``BUILD_WORKERS`` (processes, default the number of usable CPUs; 1 turns parallel
work off), ``BUILD_PARALLEL_MIN`` (fewer pages or files than this are done in the main
process: forking costs more than it saves; default 200).
"""

from __future__ import annotations

import contextlib
import datetime
import fnmatch
import functools
import gc
import hashlib
import io
import logging
import os
import pickle
import re
import shutil
import string
import sys
import time
import traceback
from dataclasses import dataclass, field

import jinja2.bccache
import jinja2.runtime
from pelican import Pelican, signals
from pelican.contents import Article, Content, Page
from pelican.log import console
from pelican.readers import Readers
from pelican.utils import (
    clean_output_dir,
    file_suffix,
    get_relative_path,
    maybe_pluralize,
    path_to_url,
    sanitised_join,
)
from pelican.writers import FileOverwriteFailedError, Writer

from .fingerprint import MISSING, Fingerprinter, token

logger = logging.getLogger(__name__)


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


_cpu = [0.0, 0.0]  # CPU seconds of this process and of its ended workers at the last timing()


def timing(label: str, start: float) -> float:
    """With SWK_TIMING set, print a phase's wall seconds and the CPU seconds this process and
    the workers that ended in it used (on a busy machine the CPU figures are the steady
    ones); return the clock."""
    now = time.perf_counter()
    if os.environ.get("SWK_TIMING"):
        t = os.times()
        own, children = t.user + t.system, t.children_user + t.children_system
        print(
            f"  {label:<28} {now - start:6.3f} s   cpu {own - _cpu[0]:6.3f} s"
            f" + workers {children - _cpu[1]:6.3f} s",
            file=sys.stderr,
            flush=True,
        )
        _cpu[:] = [own, children]
    return now


# --- worker processes --------------------------------------------------------------------------


class WorkerError(RuntimeError):
    """A worker process failed; the message has its traceback."""


class Shares:
    """Work split into shares: the first runs in this process, each other one in a forked
    child. ``start`` forks the children (they begin at once); ``finish`` runs the first share
    here and collects every result, in share order. An exception in any share is raised by
    ``finish`` after every child has ended; ``abort`` ends the children without results."""

    def __init__(self, shares: list, work, local: bool = True):
        self.shares, self.work, self.local = shares, work, local  # local: first share runs here
        self.children: list[tuple[int, int]] = []
        self.frozen = False

    def start(self) -> Shares:
        if len(self.shares) == 1 and self.local:
            return self
        sys.stdout.flush()
        sys.stderr.flush()
        gc.freeze()  # children do not touch (and so copy) the objects for garbage collection
        self.frozen = True
        for share in self.shares[1 if self.local else 0 :]:
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # child
                os.close(read_end)
                self._child(share, write_end)
            os.close(write_end)
            self.children.append((pid, read_end))
        return self

    def _child(self, share, write_end):
        status = 0
        try:
            payload = pickle.dumps(("ok", self.work(share)), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:  # reported to the parent
            status = 1
            text = "".join(traceback.format_exception(exc))
            try:  # pickled on its own: the parent may not be able to unpickle it
                raised = pickle.dumps(exc)
            except Exception:  # an exception that does not pickle
                raised = None
            payload = pickle.dumps(("error", raised, text))
        try:
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(status)

    def finish(self) -> list:
        first_error = None
        results = []
        if self.local:
            try:
                results = [self.work(self.shares[0])]
            except BaseException as exc:  # raised after the children are reaped
                results, first_error = [None], exc
        pending, self.children = self.children, []
        try:
            while pending:
                pid, read_end = pending[0]
                chunks = []
                while chunk := os.read(read_end, 1 << 20):
                    chunks.append(chunk)
                os.close(read_end)
                pending[0] = (pid, None)  # its pipe is closed
                _, status = os.waitpid(pid, 0)
                del pending[0]
                result, error = _outcome(pid, status, b"".join(chunks))
                results.append(result)
                first_error = first_error or error
        finally:
            _end(pending)  # interrupted: the others end without their results
            self._thaw()
        if first_error is not None:
            raise first_error
        return results

    def abort(self) -> None:
        children, self.children = self.children, []
        _end(children)
        self._thaw()

    def _thaw(self):
        if self.frozen:
            gc.unfreeze()
            self.frozen = False


def _outcome(pid: int, status: int, data: bytes) -> tuple:
    """(result, error) of a worker from what it sent: an error that cannot be unpickled here
    (an exception class with other arguments) is a WorkerError with the worker's traceback."""
    if not data:
        return None, WorkerError(f"worker process {pid} ended without a result (status {status})")
    try:
        outcome = pickle.loads(data)
    except Exception as exc:
        return None, WorkerError(f"worker process {pid}: its result could not be read: {exc!r}")
    if outcome[0] == "ok":
        return outcome[1], None
    _, raised, text = outcome
    try:
        exc = pickle.loads(raised) if raised is not None else None
    except Exception:
        exc = None
    return None, exc if isinstance(exc, BaseException) else WorkerError(text)


def _end(children: list[tuple[int, int | None]]) -> None:
    """Kill and reap forked workers whose results are not wanted, closing their pipes (None:
    closed already)."""
    import signal

    for pid, read_end in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        if read_end is not None:
            os.close(read_end)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


class Counter:
    """The next index into a list of work, shared by forked processes: each takes the next
    chunk when it is ready, so none waits while another still has a long share."""

    def __init__(self):
        import mmap
        import multiprocessing

        self._mem = mmap.mmap(-1, 8)  # anonymous and shared: the same memory after fork
        self._lock = multiprocessing.Lock()

    def take(self, n: int, total: int) -> range:
        import struct

        with self._lock:
            i = struct.unpack_from("q", self._mem)[0]
            j = min(i + n, total)
            struct.pack_into("q", self._mem, 0, j)
        return range(i, j)


# --- reading -----------------------------------------------------------------------------------


class _RefPickler(pickle.Pickler):
    """Pickles reader results and content objects; the build's shared objects (the settings,
    which tags and categories keep; the context a content object keeps) travel as named
    references, not copies."""

    def __init__(self, file, refs: dict[str, object]):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._names = {id(obj): name for name, obj in refs.items()}

    def persistent_id(self, obj):
        return self._names.get(id(obj))


class _RefUnpickler(pickle.Unpickler):
    def __init__(self, file, refs: dict[str, object]):
        super().__init__(file)
        self._refs = refs

    def persistent_load(self, pid):
        try:
            return self._refs[pid]
        except KeyError:
            raise pickle.UnpicklingError(f"unknown reference {pid!r}") from None


def _dump(value, refs: dict[str, object]) -> bytes:
    buf = io.BytesIO()
    _RefPickler(buf, refs).dump(value)
    return buf.getvalue()


def _load(blob: bytes, refs: dict[str, object]):
    return _RefUnpickler(io.BytesIO(blob), refs).load()


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class ReadCache:
    """Reader results by (reader class, file), valid while the file's bytes hash the same.
    The settings are fixed for the life of one cache (one build, or one dev-server process).
    A reader whose result depends on other files than the one it reads (an include) would
    need those in the key; ours (Markdown with YAML) has none. A result that
    depends on something else that changes (the time: an item waiting for its publication
    moment), as the reader says (``result_lasts(path)`` False after reading it), is used
    again only while the reader says it still holds (``result_holds(path)``)."""

    def __init__(self, settings):
        self.settings = settings
        self.entries: dict[tuple[str, str], tuple[bytes, bytes]] = {}
        self.passing: set[tuple[str, str]] = set()  # keys of results that do not last
        self.hits = 0

    @staticmethod
    def lasts(reader, path: str) -> bool:
        """Whether the reader's last result for ``path`` stays right while the file's bytes
        do (a reader without ``result_lasts`` depends on the file only)."""
        lasts = getattr(reader, "result_lasts", None)
        return True if lasts is None else bool(lasts(path))

    def store(self, key, digest: bytes, blob: bytes, lasts: bool) -> None:
        self.entries[key] = (digest, blob)
        if lasts:
            self.passing.discard(key)
        else:
            self.passing.add(key)

    def usable(self, reader, key, path: str) -> bool:
        """Whether a kept result whose file is unchanged can be used: always, unless the
        reader said it would not last and now says it no longer holds."""
        if key not in self.passing:
            return True
        holds = getattr(reader, "result_holds", None)
        return holds is not None and bool(holds(path))

    @staticmethod
    def key(reader, path: str) -> tuple[str, str]:
        cls = type(reader)
        return (f"{cls.__module__}.{cls.__qualname__}", path)

    def clear(self) -> None:
        """Drop every kept result."""
        self.entries.clear()
        self.passing.clear()

    def dump(self, result) -> bytes:
        return _dump(result, {"settings": self.settings})

    def load(self, blob: bytes):
        return _load(blob, {"settings": self.settings})

    def read(self, reader, original, path: str):
        with open(path, "rb") as f:
            digest = _digest(f.read())
        key = self.key(reader, path)
        entry = self.entries.get(key)
        if entry is not None and entry[0] == digest and self.usable(reader, key, path):
            self.hits += 1
            return self.load(entry[1])
        result = original(path)
        try:
            self.store(key, digest, self.dump(result), self.lasts(reader, path))
        except Exception:  # a result that does not pickle is just not kept
            self.entries.pop(key, None)
        return result

    def install(self, generators) -> None:
        """Make every generator's readers answer from this cache."""
        for generator in generators:
            readers = getattr(generator, "readers", None)
            if not isinstance(readers, Readers):
                continue
            for reader in readers.readers.values():
                original = reader.read
                if getattr(original, "_swk_cached", False):
                    continue

                def read(path, _reader=reader, _original=original):
                    return self.read(_reader, _original, path)

                read._swk_cached = True
                reader.read = read

    def prefetch(self, settings, workers: int, min_files: int) -> Prefetch:
        """Start reading the source files under PATH that are not cached yet, in ``workers``
        processes (this one included); the returned Prefetch's ``finish()`` has this process
        read what is left and stores every result. A file no generator reads costs only its
        reading; a file that is not prefetched is read by its generator as usual."""
        readers = Readers(settings)
        root = settings["PATH"]
        static = [os.path.join(root, p) for p in settings.get("STATIC_PATHS", [])]
        ignore = settings.get("IGNORE_FILES", [])
        todo = []
        for folder, dirs, files in os.walk(root, followlinks=True):
            dirs[:] = sorted(d for d in dirs if not any(fnmatch.fnmatch(d, p) for p in ignore))
            if any(folder == s or folder.startswith(s + os.sep) for s in static):
                continue
            for name in sorted(files):
                ext = name.rsplit(".", 1)[-1] if "." in name else ""
                reader = readers.readers.get(ext)
                if reader is None or any(fnmatch.fnmatch(name, p) for p in ignore):
                    continue
                path = os.path.abspath(os.path.join(folder, name))
                entry = self.entries.get(self.key(reader, path))
                todo.append((ext, path, entry[0] if entry else None))
        if len(todo) < min_files:
            workers = 1

        counter = Counter() if workers > 1 else None

        def work(_share):
            out = []
            picked = range(len(todo)) if counter is None else None
            while True:
                if counter is not None:
                    picked = counter.take(16, len(todo))
                if not picked:
                    break
                for i in picked:
                    ext, path, known = todo[i]
                    reader = readers.readers[ext]
                    try:
                        with open(path, "rb") as f:
                            digest = _digest(f.read())
                        if digest == known:
                            continue
                        result = reader.read(path)
                        with open(path, "rb") as f:
                            if _digest(f.read()) != digest:
                                continue  # changed while being read: leave it to the generator
                        out.append(
                            (
                                self.key(reader, path),
                                digest,
                                self.dump(result),
                                self.lasts(reader, path),
                            )
                        )
                    except Exception:  # the generator reads it again and reports
                        continue
                if counter is None:
                    break
            return out

        # this process joins when it is done checking the content and setting up
        return Prefetch(self, Shares(list(range(workers)), work).start())


class Prefetch:
    def __init__(self, cache: ReadCache, shares: Shares):
        self.cache, self.shares = cache, shares

    def finish(self) -> int:
        done = 0
        for result in self.shares.finish():
            for key, digest, blob, lasts in result:
                self.cache.store(key, digest, blob, lasts)
                done += 1
        return done

    def abort(self) -> None:
        self.shares.abort()


class ContentCache:
    """The dev server's content objects as Pelican's ``read_file`` made them, by (class,
    file), valid while the file's bytes hash the same: a rebuild unpickles each unchanged
    file's object instead of making it again (metadata from the path, the reader's result
    from the ``ReadCache``, the object's construction). Each object is pickled as soon as it
    is made, before plugins change it, and every build gets its own copy.

    Only where that is the same as making it: the content class has ``Content``'s own
    ``__init__`` (or ``Article``'s, with ``WITH_FUTURE_DATES``, Pelican's default); nothing
    is connected to ``content_object_init`` or to the generator's reading signals; dates do
    not come from the file system (``DEFAULT_DATE = 'fs'``); no date format sets the locale
    (a tuple). An object whose reader result depends on the time (``ReadCache.passing``: an
    item waiting for its moment) is used only while the reader says that result still
    holds. Otherwise ``read_file`` runs as usual. What Pelican logs while reading a file (an
    image without ``alt``) is logged when the file is read, not again for each rebuild."""

    def __init__(self, settings, read_cache: ReadCache):
        self.settings = settings
        self.read_cache = read_cache
        self.entries: dict[tuple, tuple[bytes, bytes]] = {}
        self.used: set[tuple] = set()
        self.hits = 0
        formats = [settings.get("DEFAULT_DATE_FORMAT"), *settings.get("DATE_FORMATS", {}).values()]
        self.possible = settings.get("DEFAULT_DATE") != "fs" and not any(
            isinstance(f, tuple) for f in formats
        )
        self.future_dates = settings.get("WITH_FUTURE_DATES", True)

    def install(self, generators) -> None:
        """Make every generator's ``readers.read_file`` answer from this cache."""
        for generator in generators:
            readers = getattr(generator, "readers", None)
            if not isinstance(readers, Readers) or getattr(readers.read_file, "_swk_cached", False):
                continue

            def read_file(
                base_path,
                path,
                content_class=Page,
                fmt=None,
                context=None,
                _readers=readers,
                _original=readers.read_file,
                **kw,
            ):
                args = (base_path, path, content_class, fmt, context)
                return self.read_file(_readers, _original, args, kw)

            read_file._swk_cached = True
            readers.read_file = read_file

    def _usable(self, content_class, kw) -> bool:
        return (
            self.possible
            and (
                content_class.__init__ is Content.__init__
                # Article's own adds the time unless future dates are allowed
                or (content_class.__init__ is Article.__init__ and self.future_dates)
            )
            and not signals.content_object_init.receivers
            and not any(
                getattr(kw.get(name), "receivers", None)
                for name in ("preread_signal", "context_signal")
            )
        )

    def read_file(self, readers, original, args, kw):
        base_path, path, content_class, fmt, context = args
        if not self._usable(content_class, kw):
            return original(*args, **kw)
        full = os.path.abspath(os.path.join(base_path, path))
        with open(full, "rb") as f:
            digest = _digest(f.read())
        key = (content_class.__module__, content_class.__qualname__, fmt, base_path, full)
        refs = {"settings": readers.settings, "context": context}
        self.used.add(key)
        reader = readers.readers.get(fmt or file_suffix(full))
        entry = self.entries.get(key)
        if (
            entry is not None
            and entry[0] == digest
            # a reader result that depends on the time (an item waiting for its moment):
            # only while the reader says it still holds, as the ReadCache uses it
            and self.read_cache.usable(reader, ReadCache.key(reader, full), full)
        ):
            self.hits += 1
            return _load(entry[1], refs)
        self.entries.pop(key, None)
        obj = original(*args, **kw)
        if reader is None:
            return obj
        with open(full, "rb") as f:
            if _digest(f.read()) != digest:
                return obj  # changed while being read: not kept
        try:
            self.entries[key] = (digest, _dump(obj, refs))
        except Exception:  # an object that does not pickle is just not kept
            pass
        return obj

    def clear(self) -> None:
        """Drop every kept object."""
        self.entries.clear()
        self.used.clear()

    def forget_unused(self) -> None:
        """Drop the objects of files no generator read in this build (deleted since)."""
        for key in self.entries.keys() - self.used:
            del self.entries[key]
        self.used = set()


# --- recording and rendering pages ---------------------------------------------------------------


@dataclass(eq=False)
class Job:
    """One page: rendered from ``template`` with ``localcontext``, written to ``name``."""

    index: int
    name: str  # relative to the output folder
    template: object
    context: dict  # the generators' shared context (Pelican sets its localsiteurl)
    localcontext: dict
    own: frozenset = frozenset()  # names this page sets itself; the others are the shared context's
    write: bool = True  # False: Pelican would render it into /dev/null (not overwritten)
    after: bool = False  # it overwrites a page already handed to a worker: render it last


class RecordingWriter(Writer):
    """Pelican's Writer, except that ``write_file`` records jobs instead of rendering.
    Pagination, relative URLs and the overwrite rules are Pelican 4.12's ``write_file``."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.jobs: list[Job] = []
        self._by_name: dict[str, Job] = {}
        self.dispatched = 0  # jobs before this index are being rendered already

    def dispatch(self) -> None:
        self.dispatched = len(self.jobs)

    def recorded(self) -> set[str]:
        """The pages recorded so far (relative to the output folder), which Pelican's own
        writer would have written already: for a plugin that must not write over a page
        (its ``content_written`` comes only after rendering)."""
        return {job.name for job in self.jobs}

    def _add(self, template, context, localcontext, name, override, own):
        path = sanitised_join(self.output_path, name)
        job = Job(len(self.jobs), name, template, context, localcontext, own)
        if path in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{path}" a second time (was previously overwritten)'
                )
            job.write = False
        elif path in self._written_files:
            if not override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{path}" as Pelican has already written to it '
                    "previously (set `override=True` if intended)"
                )
            earlier = self._by_name[path]
            earlier.write = False  # the overriding page wins
            job.after = earlier.index < self.dispatched
        if override:
            self._overridden_files.add(path)
        self._written_files.add(path)
        if job.write:
            self._by_name[path] = job
        self.jobs.append(job)

    def write_file(
        self,
        name,
        template,
        context,
        relative_urls=False,
        paginated=None,
        template_name=None,
        override_output=False,
        url=None,
        **kwargs,
    ):
        if name is False or name == "" or not name:
            return

        def localcontext_for(name, kwargs):
            localcontext = context.copy()
            localcontext["localsiteurl"] = localcontext.get("localsiteurl", None)
            if relative_urls:
                relative_url = path_to_url(get_relative_path(name))
                localcontext["SITEURL"] = relative_url
                localcontext["localsiteurl"] = relative_url
            localcontext["output_file"] = name
            localcontext.update(kwargs)
            return localcontext

        own = frozenset({"localsiteurl", "output_file", "SITEURL"})  # besides the keyword arguments
        if paginated is None:
            paginated = {key: val for key, val in kwargs.items() if key in {"articles", "dates"}}
        if paginated and template_name in self.settings["PAGINATED_TEMPLATES"]:
            from pelican.paginator import Paginator

            per_page = (
                self.settings["PAGINATED_TEMPLATES"][template_name]
                or self.settings["DEFAULT_PAGINATION"]
            )
            paginators = {
                key: Paginator(name, url, val, self.settings, per_page)
                for key, val in paginated.items()
            }
            for page_num in range(next(iter(paginators.values())).num_pages):
                paginated_kwargs = kwargs.copy()
                for key, paginator in paginators.items():
                    previous_page = paginator.page(page_num) if page_num > 0 else None
                    page = paginator.page(page_num + 1)
                    next_page = (
                        paginator.page(page_num + 2) if page_num + 1 < paginator.num_pages else None
                    )
                    paginated_kwargs.update(
                        {
                            f"{key}_paginator": paginator,
                            f"{key}_page": page,
                            f"{key}_previous_page": previous_page,
                            f"{key}_next_page": next_page,
                        }
                    )
                self._add(
                    template,
                    context,
                    localcontext_for(page.save_as, paginated_kwargs),
                    page.save_as,
                    override_output,
                    own | frozenset(paginated_kwargs),
                )
        else:
            self._add(
                template,
                context,
                localcontext_for(name, kwargs),
                name,
                override_output,
                own | frozenset(kwargs),
            )


# What a render read, while one is being tracked (one render at a time per process).
_current: Reads | None = None


@dataclass
class Reads:
    names: set = field(default_factory=set)  # context names looked up ("*": all of them)
    objects: dict = field(default_factory=dict)  # id -> content object whose attributes were read
    lookups: set = field(default_factory=set)  # (context key, path) intrasite-link lookups


class TrackingContext(jinja2.runtime.Context):
    """A Jinja context that notes every name a template looks up."""

    def resolve_or_missing(self, key):
        if _current is not None:
            _current.names.add(key)
        return super().resolve_or_missing(key)

    def __contains__(self, key):
        if _current is not None:
            _current.names.add(key)
        return super().__contains__(key)

    def get_all(self):
        # templates call it for includes (whose own context then tracks the lookups); any
        # other caller may read every name
        if _current is not None and "environment" not in sys._getframe(1).f_globals:
            _current.names.add("*")
        return super().get_all()


class LookupDict(dict):
    """``generated_content``/``static_content``: notes the paths content links look up."""

    label = ""

    def _note(self, key):
        if _current is not None:
            _current.lookups.add((self.label, key))

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)


def _lookup_dict(label: str) -> LookupDict:
    d = LookupDict()
    d.label = label
    return d


def _tracking_getattribute(self, name):
    if _current is not None:
        _current.objects[id(self)] = self
    return object.__getattribute__(self, name)


class _Tracking:
    """While active: content attribute reads are noted, and Pelican's memoized content and
    summary are computed afresh (a memoized result would hide the links it looked up)."""

    def __enter__(self):
        self.saved = {name: Content.__dict__[name] for name in ("get_content", "get_summary")}
        for name, memo in self.saved.items():
            setattr(Content, name, memo.func)
        Content.__getattribute__ = _tracking_getattribute
        return self

    def __exit__(self, *exc):
        del Content.__getattribute__
        for name, memo in self.saved.items():
            setattr(Content, name, memo)


def _compile_options(env, name: str) -> str:
    """Everything besides the source that the code Jinja compiles a template to depends on."""
    autoescape = env.autoescape(name) if callable(env.autoescape) else env.autoescape
    finalize = env.finalize and getattr(env.finalize, "__qualname__", repr(env.finalize))
    return repr(
        (
            jinja2.__version__,
            [getattr(env, o) for o in _LEXER_OPTIONS],
            env.optimized,
            env.is_async,
            sorted(env.extensions),
            bool(autoescape),
            finalize,
        )
    )


_LEXER_OPTIONS = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
)


class TemplateCode(jinja2.BytecodeCache):
    """Compiled templates shared by every generator's Jinja environment (Pelican makes one
    per generator, and each would compile base.html and the partials again), by worker
    processes forked later, and by the dev server's rebuilds; with ``folder``, also by the
    next builds (as Python keeps ``__pycache__``: compiling the theme is a third of a small
    site's build). Jinja checks each entry against a hash of the template's source and its
    own and Python's version, so a changed template is compiled afresh; an unreadable or
    damaged file is compiled afresh too, and a folder that cannot be written is left alone."""

    def __init__(self, folder: str | None = None):
        self.code: dict[str, bytes] = {}
        self.folder = folder

    def get_bucket(self, environment, name, filename, source):
        # Jinja checks the source only; how it compiled also depends on the environment
        # (delimiters, whitespace options, extensions, autoescape) and on Jinja itself
        options = _compile_options(environment, name)
        bucket = jinja2.bccache.Bucket(
            environment,
            self.get_cache_key(name, filename),
            self.get_source_checksum(f"{source}\0{options}"),
        )
        self.load_bytecode(bucket)
        return bucket

    def _file(self, key: str) -> str:
        return os.path.join(self.folder, f"{key}.jinja")

    def load_bytecode(self, bucket):
        data = self.code.get(bucket.key)
        if data is None and self.folder:
            try:
                with open(self._file(bucket.key), "rb") as f:
                    data = self.code[bucket.key] = f.read()  # once, not for each environment
            except OSError:
                return
        if data is not None:
            try:
                bucket.bytecode_from_string(data)
            except Exception:  # a damaged file: compile again, and write it again
                bucket.reset()

    def dump_bytecode(self, bucket):
        data = self.code[bucket.key] = bucket.bytecode_to_string()
        if self.folder:
            path = self._file(bucket.key)
            try:
                os.makedirs(self.folder, exist_ok=True)
                temp = f"{path}.{os.getpid()}.tmp"  # whole or not at all, also for two builds
                with open(temp, "wb") as f:
                    f.write(data)
                os.replace(temp, path)
            except OSError as exc:
                logger.debug("template cache not written (%s): %s", path, exc)

    def warm(self, env) -> None:
        """Compile every template of the theme once (before workers are forked)."""
        for name in env.list_templates(
            filter_func=lambda n: n.endswith((".html", ".mjml", ".txt"))
        ):
            if name.startswith("!"):
                continue  # Pelican's "!simple/" fallbacks
            try:
                env.get_template(name)
            except Exception:  # a broken template fails where it is used
                continue


class _MemoUrls:
    """While pages render, a content object's ``url`` and ``save_as`` are computed once
    (Pelican formats them from the settings on every access; nothing changes them while
    templates render)."""

    NAMES = ("url", "save_as")

    def __enter__(self):
        self.saved = {name: Content.__dict__[name] for name in self.NAMES}
        cache: dict = {}
        for name, prop in self.saved.items():

            def get(obj, _get=prop.fget, _name=name):
                hit = cache.get((id(obj), _name))
                if hit is None:
                    hit = cache[(id(obj), _name)] = (obj, _get(obj))  # obj: its id stays its own
                return hit[1]

            setattr(Content, name, property(get))
        return self

    def __exit__(self, *exc):
        for name, prop in self.saved.items():
            setattr(Content, name, prop)


_SOURCE_PATHS: dict = {}  # relative source paths by (PATH, file), kept across builds


class _MemoSourcePaths:
    """While a build runs, ``Content.get_relative_source_path`` is computed once per (PATH,
    source file) in this process: Pelican calls it for every ``url`` and ``save_as`` (tens of
    thousands of times at 3,000 articles), and it is a pure function of the two absolute
    paths (relative ones, which depend on the working folder, are computed every time)."""

    def __enter__(self):
        self.saved = original = Content.__dict__["get_relative_source_path"]
        cache = _SOURCE_PATHS
        if len(cache) > 100_000:
            cache.clear()

        def get_relative_source_path(obj, source_path=None):
            if not source_path:
                source_path = obj.source_path
            if source_path is None:
                return None
            root = obj.settings["PATH"]
            if not (os.path.isabs(root) and os.path.isabs(source_path)):
                return original(obj, source_path)
            key = (root, source_path)
            hit = cache.get(key)
            if hit is None:
                hit = cache[key] = original(obj, source_path)
            return hit

        Content.get_relative_source_path = get_relative_source_path
        return self

    def __exit__(self, *exc):
        Content.get_relative_source_path = self.saved


_SLUGS: dict = {}  # slugify's results by its arguments, kept across builds (a pure function)


class _MemoSlugs:
    """While a build runs, Pelican's ``slugify`` is computed once per (text, substitutions,
    options) in this process: every build makes new Tag and Category objects (3 per article)
    whose slug Pelican computes again with Unicode normalisation, transliteration and regular
    expressions, 0.1 s of every rebuild at 3,000 articles. ``slugify`` depends on nothing but
    its arguments, so a remembered result is never stale."""

    MODULES = ("pelican.urlwrappers", "pelican.contents")

    def __enter__(self):
        import importlib

        self.modules = [importlib.import_module(name) for name in self.MODULES]
        self.saved = [module.slugify for module in self.modules]
        original = self.saved[0]

        def slugify(value, regex_subs=(), preserve_case=False, use_unicode=False):
            try:
                key = (value, tuple(map(tuple, regex_subs)), preserve_case, use_unicode)
                hit = _SLUGS.get(key)
            except TypeError:  # an unhashable argument: no memo
                return original(value, regex_subs, preserve_case, use_unicode)
            if hit is None:
                if len(_SLUGS) > 100_000:
                    _SLUGS.clear()
                hit = _SLUGS[key] = original(value, regex_subs, preserve_case, use_unicode)
            return hit

        for module in self.modules:
            module.slugify = slugify
        return self

    def __exit__(self, *exc):
        for module, saved in zip(self.modules, self.saved, strict=True):
            module.slugify = saved


@functools.lru_cache(maxsize=256)
def _format_fields(fmt: str) -> frozenset:
    """The names a URL setting's format string uses (``{date.year}``: ``date``)."""
    return frozenset(
        re.split(r"[.\[]", field_name, maxsplit=1)[0]
        for _, field_name, _, _ in string.Formatter().parse(fmt)
        if field_name is not None
    )


class _LeanUrlFormat:
    """While a build runs, ``Content._expand_settings`` (a ``url`` or ``save_as`` from its
    setting, e.g. ``artikelen/{slug}/index.html``) formats with just the values the setting
    names, each as Pelican's ``url_format`` gives it, instead of a copy of all metadata with
    the relative source path and six other values (20,000 times a build at 3,000 articles).
    The same string, or the same error (a name missing from the metadata)."""

    def __enter__(self):
        self.saved = Content.__dict__["_expand_settings"]

        def _expand_settings(obj, key, klass=None):
            if not klass:
                klass = obj.__class__.__name__
            fmt = str(obj.settings[f"{klass}_{key}".upper()])
            values = {}
            metadata = obj.metadata
            for name in _format_fields(fmt):
                if name == "path":
                    values[name] = path_to_url(metadata.get("path", obj.get_relative_source_path()))
                elif name == "slug":
                    values[name] = getattr(obj, "slug", "")
                elif name == "lang":
                    values[name] = getattr(obj, "lang", "en")
                elif name == "date":
                    values[name] = obj.date if hasattr(obj, "date") else datetime.datetime.now()
                elif name == "author":
                    values[name] = obj.author.slug if hasattr(obj, "author") else ""
                elif name == "category":
                    values[name] = obj.category.slug if hasattr(obj, "category") else ""
                elif name in metadata:
                    values[name] = metadata[name]
            return fmt.format(**values)

        Content._expand_settings = _expand_settings
        return self

    def __exit__(self, *exc):
        Content._expand_settings = self.saved


class _ListingDates:
    """While a build runs, Pelican's tag, category and author pages find their ``dates``
    (the generator's ``dates`` that are in the listing) by identity in a set instead of
    ``article in articles`` on a list: 30 tags x 3,000 articles x a list of hundreds each
    was 0.2 s of every build. The same pages, the same keyword arguments in the same order;
    articles whose class compares otherwise than by identity use Pelican's own method."""

    KINDS = {
        "generate_tags": ("tag", "tags"),
        "generate_categories": ("category", "categories"),
        "generate_authors": ("author", "authors"),
    }

    def __enter__(self):
        from pelican.generators import ArticlesGenerator

        self.saved = {name: ArticlesGenerator.__dict__[name] for name in self.KINDS}
        for name, (kind, attr) in self.KINDS.items():

            def method(gen, write, _kind=kind, _attr=attr, _original=self.saved[name]):
                if any(type(a).__eq__ is not object.__eq__ for a in (*gen.dates, *gen.articles)):
                    return _original(gen, write)
                return _listing_pages(gen, write, _kind, _attr)

            setattr(ArticlesGenerator, name, method)
        return self

    def __exit__(self, *exc):
        from pelican.generators import ArticlesGenerator

        for name, method in self.saved.items():
            setattr(ArticlesGenerator, name, method)


def _listing_pages(gen, write, kind: str, attr: str) -> None:
    """Pelican 4.12's ``ArticlesGenerator.generate_tags`` (``generate_categories``,
    ``generate_authors``), with ``dates`` found by identity."""
    template = gen.get_template(kind)
    listings = getattr(gen, attr)
    for item, articles in listings.items() if isinstance(listings, dict) else listings:
        members = {id(a) for a in articles}
        dates = [article for article in gen.dates if id(article) in members]
        if kind == "tag":
            own = {"tag": item, "url": item.url}
        else:
            own = {"url": item.url, kind: item}
        try:
            write(
                item.save_as,
                template,
                gen.context,
                **own,
                articles=articles,
                dates=dates,
                template_name=kind,
                blog=True,
                page_name=item.page_name,
                all_articles=gen.articles,
            )
        except FileOverwriteFailedError:
            name = kind.capitalize()
            if not item.slug:
                logger.info(
                    '%s "%s" has an invalid slug; skipping writing %s page...',
                    name,
                    item,
                    kind,
                    extra={"limit_msg": f"Further {attr} with invalid slugs."},
                )
                continue
            logger.error('Failed to write %s page for "%s".', name, item)
            raise


def render(job: Job, track: bool) -> tuple[str, Reads | None]:
    """Render one page as Pelican's Writer does; return (HTML, what it read)."""
    global _current
    if job.localcontext["localsiteurl"]:
        job.context["localsiteurl"] = job.localcontext["localsiteurl"]
    reads = Reads() if track else None
    _current = reads
    try:
        output = job.template.render(job.localcontext)
    finally:
        _current = None
    return output, reads


def write_page(output_path: str, name: str, text: str, atomic: bool = False) -> None:
    path = sanitised_join(output_path, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if atomic:  # the dev server's folder is being served: never show half a page
        tmp = f"{path}.swk-tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    else:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


# --- dependency records --------------------------------------------------------------------------


@dataclass
class PageRecord:
    template: str
    names: dict  # name -> fingerprint of its value (all names: "*" -> None)
    objects: dict  # token -> fingerprint of the object's state when rendered
    lookups: dict  # (context key, path) -> token of what it found, or None


@dataclass
class BuildState:
    """What the last build of a dev-server process produced and read."""

    pages: dict[str, PageRecord]  # output name -> record
    direct: set[str]  # files generators wrote themselves (relative to the output)
    output_path: str


def _content_index(context) -> dict:
    """token -> content object, for every content object the context knows."""
    index = {}
    for key in ("generated_content", "static_content"):
        for obj in dict.values(context.get(key, {})):
            if isinstance(obj, Content):
                index[token(obj)] = obj
    for value in context.values():
        if isinstance(value, (list, tuple)):
            for obj in value:
                if isinstance(obj, Content):
                    index.setdefault(token(obj), obj)
    return index


class _Volatile:
    """A fingerprint that equals nothing but itself (an object the next build cannot name)."""


def _lookup_token(context, label, key):
    found = dict.get(context.get(label, {}), key)
    return token(found) if isinstance(found, Content) else found


# --- the build ------------------------------------------------------------------------------------


@dataclass
class BuildReport:
    pages: int = 0  # pages the generators produce
    rendered: int = 0  # pages rendered in this build
    removed: int = 0  # pages and files removed (incremental)
    read_cached: int = 0  # source files answered from the read cache
    serial: str = ""  # why Pelican's own serial run was used, if it was


class FastPelican(Pelican):
    """Pelican with parallel reading and writing and, for the dev server, incremental
    builds. ``run()`` is a full build; see the module text."""

    def __init__(self, settings):
        super().__init__(settings)
        self.workers = max(1, int(settings.get("BUILD_WORKERS") or usable_cpus()))
        self.parallel_min = int(settings.get("BUILD_PARALLEL_MIN", 200))
        self.read_cache = ReadCache(self.settings)
        self.content_cache = ContentCache(self.settings, self.read_cache)  # the dev server's
        cache = settings.get("CACHE_PATH")
        self.template_code = TemplateCode(os.path.join(cache, "templates") if cache else None)
        self.background_tasks: list = []  # threads plugins start (the dev server's search index)
        # work plugins hand over in ``finalized`` (the search index): each a function that
        # starts it after the last finalized handler and returns what ``wait()``s for it
        self.after_finalized: list = []
        # checks plugins hand over in ``get_generators`` of a rebuild (``incremental``): each
        # a function run in a forked child while this build goes on; what it raises is raised
        # before the build writes anything
        self.background_checks: list = []
        self._started: list = []
        self.incremental = False
        self.report = BuildReport()

    def set_output_path(self, path: str) -> None:
        self.output_path = path
        self.settings["OUTPUT_PATH"] = path

    def run(
        self,
        track: bool = False,
        previous: BuildState | None = None,
        direct_path: str | None = None,
    ) -> BuildState | None:
        # The cyclic garbage collector would walk the whole heap (the last build's state, the
        # read cache, this build's objects) many times during a build; collect once after.
        enabled = gc.isenabled()
        gc.disable()
        self.after_finalized.clear()
        try:
            with _MemoSourcePaths(), _ListingDates(), _MemoSlugs(), _LeanUrlFormat():
                state = self._run(track, previous, direct_path)
        except BaseException:
            for task in self._started:
                task.cancel()
            raise
        finally:
            started, self._started = self._started, []
            if enabled:
                gc.enable()
        if started:
            if not track:
                # the build's objects are unreachable now (but for Pelican's memo of the
                # contents): give their memory back while the started work (Pagefind) runs
                _clear_content_memo()
                gc.collect()
                _give_back_memory()
            failed = None
            for task in started:
                try:
                    task.wait()
                except BaseException as exc:  # every task is waited for first
                    failed = failed or exc
            if failed is not None:
                raise failed
        return state

    def forget_kept_results(self) -> None:
        """Drop the kept reader results and content objects: the next build reads every
        file again. For a plugin whose readers' results depend on something that went back
        (content_model: the clock)."""
        self.read_cache.clear()
        self.content_cache.clear()

    def _finalized(self) -> None:
        """Send ``finalized``, then start the work plugins handed over in it."""
        signals.finalized.send(self)
        later, self.after_finalized = self.after_finalized, []
        for start in later:
            self._started.append(start())

    def _run(self, track, previous, direct_path):
        """Build. ``track``: record dependencies and return a BuildState. ``previous``: the
        state of the last build into the same output folder; only pages whose inputs changed
        are written (``direct_path``: an empty scratch folder for what generators write
        themselves, synced into the output afterwards)."""
        start = time.perf_counter()
        t = timing("start", start)
        self.report = BuildReport()
        self.incremental = previous is not None  # plugins may defer slow work (search index)
        _clear_content_memo()  # Pelican's memo would keep every old object
        context = self.settings.copy()
        context["generated_content"] = _lookup_dict("generated_content")
        context["static_links"] = set()
        context["static_content"] = _lookup_dict("static_content")
        context["localsiteurl"] = self.settings["SITEURL"]

        # Plugins check the content when asked for their generators (content_model parses
        # every file there, once). Reading then starts in worker processes, forked after the
        # check so their readers take what it parsed, while this one sets up the generators
        # (a rebuild reads the few changed files as they come).
        self.background_checks.clear()
        classes = self._get_generator_classes()
        checking = self._start_checks()
        try:
            return self._build(track, previous, direct_path, context, classes, checking, start, t)
        except BaseException as exc:
            if checking is not None:
                if isinstance(exc, Exception):
                    checking.finish()  # a problem the check found explains it best: raised
                else:
                    checking.abort()
            raise

    def map_in_workers(self, work, items: list) -> list:
        """``[work(item) for item in items]``, in ``workers`` processes (this one and forked
        children, each a consecutive share) when there are at least ``parallel_min`` items:
        for plugins' work before the workers exist (the content check's parses). Results
        come back pickled; what ``work`` changes in a child stays there."""
        if self.workers < 2 or len(items) < self.parallel_min:
            return [work(item) for item in items]
        size = -(-len(items) // self.workers)
        shares = [items[i : i + size] for i in range(0, len(items), size)]
        done = Shares(shares, lambda share: [work(item) for item in share]).start().finish()
        return [result for share in done for result in share]

    def _start_checks(self) -> Shares | None:
        """Start the checks plugins handed over (``background_checks``) in a forked child."""
        checks, self.background_checks = self.background_checks, []
        if not checks:
            return None

        def work(_share):
            for check in checks:
                check()

        return Shares([0], work, local=False).start()

    def _build(self, track, previous, direct_path, context, classes, checking, start, t):
        report = self.report
        prefetch = None
        if previous is None:
            prefetch = self.read_cache.prefetch(self.settings, self.workers, self.parallel_min)
        try:
            generators = [
                cls(
                    context=context,
                    settings=self.settings,
                    path=self.path,
                    theme=self.theme,
                    output_path=self.output_path,
                )
                for cls in classes
            ]
        except BaseException:
            if prefetch is not None:
                prefetch.abort()
            raise
        t = timing("generators (+ validation)", t)
        if (
            previous is None
            and self.delete_outputdir
            and os.path.commonpath([os.path.realpath(self.output_path)])
            != os.path.commonpath([os.path.realpath(self.output_path), os.path.realpath(self.path)])
        ):
            clean_output_dir(self.output_path, self.output_retention)

        envs = [p.env for p in generators if getattr(p, "env", None) is not None]
        for env in envs:
            env.bytecode_cache = self.template_code
            # a build loads each template once: without this Jinja stats its file again at
            # every include, import and extends (some 58,000 stats at N = 3000); every
            # build makes new environments, so the next build sees any change
            env.auto_reload = False
            if track:
                env.context_class = TrackingContext
        if prefetch is not None:
            prefetch.finish()
        self.read_cache.install(generators)
        if track:
            self.content_cache.install(generators)
        hits_before = self.read_cache.hits + self.content_cache.hits
        t = timing("reading (parallel)", t)
        for p in generators:
            if hasattr(p, "generate_context"):
                p.generate_context()
            if hasattr(p, "check_disabled_readers"):
                p.check_disabled_readers()
        if track:
            self.content_cache.forget_unused()
        report.read_cached = self.read_cache.hits + self.content_cache.hits - hits_before
        t = timing("generate_context", t)
        signals.all_generators_finalized.send(generators)
        for p in generators:
            if hasattr(p, "refresh_metadata_intersite_links"):
                p.refresh_metadata_intersite_links()
        t = timing("all_generators_finalized", t)

        writer = self._get_writer()
        reason = self._serial_reason(writer, context)
        if reason:
            report.serial = reason
            logger.debug("serial build: %s", reason)
            for p in generators:
                if hasattr(p, "generate_output"):
                    p.generate_output(writer)
            self._finalized()
            self._done(generators, start)
            return None

        writer = RecordingWriter(self.output_path, settings=self.settings)
        if direct_path is not None:
            for p in generators:
                p.output_path = direct_path
        # A plain build renders each generator's pages while the next generators run (as
        # Pelican does, a page sees the state right after its own generator's turn).
        pipelined = not track and previous is None and self.workers > 1
        warm = bool(envs) and self.workers > 1  # compile the theme once before the first fork
        running: list[Shares] = []
        try:
            for p in generators:
                if hasattr(p, "generate_output"):
                    p.generate_output(writer)
                if pipelined:
                    batch = [j for j in writer.jobs[writer.dispatched :] if j.write]
                    if len(batch) >= self.parallel_min:
                        if warm:
                            self.template_code.warm(envs[0])
                            warm = False
                        running.append(self._render(batch, False, True, local=False))
                        writer.dispatch()
        except BaseException:
            for shares in running:
                shares.abort()
            raise
        jobs = writer.jobs
        report.pages = sum(1 for j in jobs if j.write)
        direct: set[str] = set()
        if track:  # the files generators wrote themselves (no page is written yet)
            direct_root = direct_path if direct_path is not None else self.output_path
            direct = _files_under(direct_root) - (
                {j.name for j in jobs} if direct_path is None else set()
            )
        t = timing("generate_output (recorded)", t)

        todo = [j for j in jobs[writer.dispatched :] if j.write and not j.after]
        stale: set[str] = set()
        snap = None
        if track:
            snap = Snapshot(self.settings, context, self.workers, self.parallel_min)
            try:
                if previous is not None:
                    todo, stale = _changed(previous, jobs, context, snap)
                    t = timing("dependencies checked", t)
                snap.objects  # noqa: B018 (waits for the forked share, before rendering)
            except BaseException:
                snap.abort()
                raise
            for job in todo:
                snap.freeze(job)  # before rendering
            t = timing("fingerprints", t)
        if checking is not None:
            checking.finish()  # nothing is written before the content is known to be good
            t = timing("check (in the background)", t)
        atomic = previous is not None  # a rebuild's pages replace pages being served
        try:
            outputs = self._render(todo, track, write=True, atomic=atomic)
        except BaseException:
            for shares in running:
                shares.abort()
            raise
        failed = []
        for shares in running:
            try:
                shares.finish()
            except BaseException as exc:  # every worker is waited for first
                failed.append(exc)
        if failed:
            raise failed[0]
        later = [j for j in jobs if j.after and j.write]  # they overwrite pages written already
        self._render(later, track, write=True, atomic=atomic) if later else None
        report.rendered = (
            len(todo) + sum(1 for j in jobs[: writer.dispatched] if j.write) + len(later)
        )
        t = timing(f"render {len(todo)} pages", t)

        state = None
        if track:
            state = _state(previous, jobs, todo, outputs, context, direct, snap)
            t = timing("dependency records", t)
        if previous is not None:
            report.removed = _remove(self.output_path, stale | (previous.direct - direct))
            _sync(direct_path, self.output_path)
            t = timing("written", t)
        for job in jobs:
            signals.content_written.send(
                sanitised_join(self.output_path, job.name), context=job.localcontext
            )
        # The pages' contexts (and, in a one-off build, the reader results) are not needed
        # any more: give their memory back before the search index runs next to this process.
        del jobs, todo, outputs, running, later
        writer.jobs.clear()
        if not track:
            self.read_cache.clear()
        _give_back_memory()
        self._finalized()
        timing("finalized", t)
        self._done(generators, start)
        return state

    # -- helpers ----------------------------------------------------------------------------

    def _serial_reason(self, writer, context) -> str:
        if type(writer) is not Writer:
            return f"a plugin writes with its own writer ({type(writer).__name__})"
        for obj in dict.values(context["generated_content"]):
            text = getattr(obj, "_content", "") or ""
            if "{attach}" in text or "|attach|" in text:
                return f"{obj.source_path} links with {{attach}}"
        return ""

    def _render(
        self, jobs: list[Job], track: bool, write: bool, local: bool = True, atomic: bool = False
    ):
        """Render jobs in worker processes that take the next few pages as they are ready;
        write them (``write``; ``atomic``: each through a temporary file, as the site is being
        served) or return their HTML. ``local``: this process takes part and
        the call returns {job index: (HTML or None, what it read or None)}; otherwise the
        started workers are returned (``finish()`` waits for them)."""
        output_path = self.output_path
        workers = self.workers if len(jobs) >= self.parallel_min else 1
        counter = Counter() if workers > 1 or not local else None
        chunk = 8

        def work(_share):
            results = {}
            with _Tracking() if track else _nothing(), _MemoUrls():
                first = True
                while True:
                    if counter is not None:
                        picked = counter.take(chunk, len(jobs))
                    else:
                        picked = range(len(jobs)) if first else range(0)
                    first = False
                    if not picked:
                        break
                    for i in picked:
                        job = jobs[i]
                        html, reads = render(job, track)
                        if write:
                            write_page(output_path, job.name, html, atomic)
                            html = None
                        if reads is not None:  # objects by token: ids mean nothing elsewhere
                            reads = (
                                reads.names,
                                [token(o) for o in reads.objects.values()],
                                reads.lookups,
                            )
                        results[job.index] = (html, reads)
            return results

        shares = Shares(list(range(workers)), work, local=local).start()
        if not local:
            return shares
        merged = {}
        for part in shares.finish():
            merged.update(part)
        return merged

    def _done(self, generators, start):
        from pelican.generators import ArticlesGenerator, PagesGenerator

        articles = next(g for g in generators if isinstance(g, ArticlesGenerator))
        pages = next(g for g in generators if isinstance(g, PagesGenerator))
        console.print(
            f"Done: Processed {maybe_pluralize(len(articles.articles) + len(articles.translations), 'article', 'articles')}, "
            f"{maybe_pluralize(len(articles.drafts) + len(articles.drafts_translations), 'draft', 'drafts')}, "
            f"{maybe_pluralize(len(articles.hidden_articles) + len(articles.hidden_translations), 'hidden article', 'hidden articles')}, "
            f"{maybe_pluralize(len(pages.pages) + len(pages.translations), 'page', 'pages')}, "
            f"{maybe_pluralize(len(pages.hidden_pages) + len(pages.hidden_translations), 'hidden page', 'hidden pages')} and "
            f"{maybe_pluralize(len(pages.draft_pages) + len(pages.draft_translations), 'draft page', 'draft pages')} "
            f"in {time.perf_counter() - start:.2f} seconds."
        )


class Snapshot:
    """Fingerprints of one build's state, taken after the pages are recorded and before any
    is rendered (rendering fills lazy caches, such as a tag's slug: fingerprints taken at
    another moment would differ without a real change)."""

    def __init__(self, settings, context, workers: int = 1, parallel_min: int = 200):
        self.fp = Fingerprinter(skip=(settings, context))
        self.context = context
        self._own: dict[tuple[int, str], int] = {}
        self._globals: dict[tuple[int, str], int] = {}
        self._index = list(_content_index(context).items())
        # The content objects' fingerprints are most of the cost: a forked process takes a
        # share while this one takes the rest and, in a rebuild, then checks the pages' other
        # inputs (``_changed``), which need no object's fingerprint: two thirds to the child.
        # The same cut in every build: a cyclic value's fingerprint can depend on what the
        # same process fingerprinted before it (a moved cut re-renders, never leaves stale).
        self._child: Shares | None = None
        self._objects: dict | None = None
        here = self._index
        if workers > 1 and len(here) >= parallel_min:
            cut = len(here) * 2 // 3
            self._child = Shares([here[:cut]], self._fingerprints, local=False).start()
            here = here[cut:]
        try:
            self._fps = self._fingerprints(here)  # the child's share comes before these
            self.shared = {key: self.fp.value(value) for key, value in context.items()}
        except BaseException:
            self.abort()
            raise

    def _fingerprints(self, part) -> list[int]:
        return [self.fp.content(obj) for _, obj in part]

    @property
    def objects(self) -> dict:
        """token -> fingerprint of every content object (waits for the forked share)."""
        if self._objects is None:
            fps = self._fps
            if self._child is not None:
                child, self._child = self._child, None
                fps = child.finish()[0] + fps
            self._objects = {tok: fp for (tok, _), fp in zip(self._index, fps, strict=True)}
        return self._objects

    def abort(self) -> None:
        """End the forked share without its result (the build failed)."""
        if self._child is not None:
            child, self._child = self._child, None
            child.abort()

    def _is_shared(self, job: Job, name: str) -> bool:
        """Whether the page got the shared context's current value for ``name`` (not its own,
        and not one a later generator has since replaced in the context)."""
        return (
            name not in job.own
            and name in self.shared
            and job.localcontext[name] is self.context[name]
        )

    def freeze(self, job: Job) -> None:
        """Take the fingerprints of all the page's own values (before it is rendered)."""
        for key in job.localcontext:
            if not self._is_shared(job, key):
                self.name(job, key)

    def name(self, job: Job, name: str):
        """The fingerprint of what a template gets for ``name``: the page's own value, the
        shared context's, a Jinja global, or nothing. A page's own values are fingerprinted
        on first use, which must come before the page is rendered (see ``freeze``)."""
        if name in job.localcontext:
            if self._is_shared(job, name):
                return self.shared[name]
            fp = self._own.get((job.index, name))
            if fp is None:
                fp = self._own[(job.index, name)] = self.fp.value(job.localcontext[name])
            return fp
        key = (id(job.template), name)
        fp = self._globals.get(key)
        if fp is None:
            fp = self._globals[key] = self.fp.value(job.template.globals.get(name, MISSING))
        return fp

    def changed_names(self, job: Job, names: dict, all_of_them: bool = False) -> list[str]:
        """The names of a page's record whose fingerprint (``name``) differs now: the first
        only, unless ``all_of_them``."""
        changed = []
        for n, old in names.items():
            if self.name(job, n) != old:
                changed.append(f"name {n}")
                if not all_of_them:
                    break
        return changed

    def object(self, tok):
        fp = self.objects.get(tok)
        return fp if fp is not None else _Volatile()


def _changed(
    previous: BuildState, jobs: list[Job], context, snap: Snapshot
) -> tuple[list[Job], set[str]]:
    """The jobs whose inputs differ from the previous build, and the output names the
    previous build produced that this one does not. The names and lookups are checked
    first, while a forked process still takes the content objects' fingerprints."""
    explain = os.environ.get("SWK_EXPLAIN")
    todo = []
    names = set()
    checked = []  # (job, record, why so far): their objects are compared next
    for job in jobs:
        if not job.write:
            continue
        names.add(job.name)
        record = previous.pages.get(job.name)
        if record is None or record.template != job.template.name or "*" in record.names:
            todo.append(job)
            continue
        why = snap.changed_names(job, record.names, bool(explain))
        if not why or explain:
            why += [
                f"lookup {label}:{key}"
                for (label, key), old in record.lookups.items()
                if _lookup_token(context, label, key) != old
            ]
        checked.append((job, record, why))
    objects = snap.objects
    for job, record, why in checked:
        if not why or explain:
            why = [
                f"object {tok}" for tok, old in record.objects.items() if objects.get(tok) != old
            ] + why
        if why:
            todo.append(job)
            if explain:
                print(f"  {job.name}: {', '.join(why[:6])}", file=sys.stderr)
    todo.sort(key=lambda job: job.index)
    return todo, set(previous.pages) - names


def _state(previous, jobs, rendered, outputs, context, direct, snap: Snapshot) -> BuildState:
    """The dependency records after this build: the pages rendered now get new records (all
    fingerprints from the snapshot, i.e. from before rendering); the others keep theirs."""
    pages = dict(previous.pages) if previous is not None else {}
    for name in set(pages) - {j.name for j in jobs if j.write}:
        del pages[name]
    for job in rendered:
        names, tokens, lookups = outputs[job.index][1]
        record_names = {"*": None} if "*" in names else {n: snap.name(job, n) for n in names}
        pages[job.name] = PageRecord(
            job.template.name,
            record_names,
            {tok: snap.object(tok) for tok in tokens},
            {(label, key): _lookup_token(context, label, key) for label, key in lookups},
        )
    return BuildState(pages, direct, "")


def _clear_content_memo() -> None:
    """Empty Pelican's memo of ``get_content``/``get_summary`` (keyed by the objects)."""
    for name in ("get_content", "get_summary"):
        Content.__dict__[name].cache.clear()


def _give_back_memory() -> None:
    """Return freed heap memory to the system (glibc keeps it otherwise)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        pass


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _files_under(root: str) -> set[str]:
    found = set()
    if not os.path.isdir(root):
        return found
    for folder, _, files in os.walk(root):
        rel = os.path.relpath(folder, root)
        for name in files:
            found.add(name if rel == "." else os.path.join(rel, name))
    return found


def _remove(root: str, names: set[str]) -> int:
    """Remove output files no longer produced, and folders left empty by that."""
    removed = 0
    for name in sorted(names):
        path = os.path.join(root, name)
        if os.path.isfile(path) or os.path.islink(path):
            os.remove(path)
            removed += 1
        folder = os.path.dirname(path)
        while os.path.realpath(folder) != os.path.realpath(root):
            try:
                os.rmdir(folder)
            except OSError:
                break
            folder = os.path.dirname(folder)
    return removed


def _sync(source: str, target: str) -> None:
    """Copy the files generators wrote into ``source`` over to ``target``, replacing only
    those whose bytes differ (each atomically: the folder is being served)."""
    for name in sorted(_files_under(source)):
        src, dst = os.path.join(source, name), os.path.join(target, name)
        try:
            with open(src, "rb") as a, open(dst, "rb") as b:
                same = a.read() == b.read()
        except OSError:
            same = False
        if not same:
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            tmp = f"{dst}.swk-tmp"
            shutil.copyfile(src, tmp)
            shutil.copymode(src, tmp)
            os.replace(tmp, dst)
