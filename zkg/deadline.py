"""Running a query under a deadline: a worker thread, a caller that waits in short slices, and
how to stop the worker when the caller gives up.

:func:`run_with_deadline` gives one whole answer, :func:`stream_with_deadline` rows as they are
computed (constant memory). On timeout the caller gets :class:`~zkg.errors.QueryTimeout`, on
Ctrl-C :class:`~zkg.errors.QueryInterrupted` at once, and the worker is stopped as far as its
engine allows (:class:`Job`) and abandoned: neither embedded engine can be cancelled from outside.
An engine calls :func:`interruptible` in its worker once the query is parsed.

Workers are kept between queries (:class:`_Workers`): starting a thread costs about 0.15 ms, as
much as a small question on an open store. A worker goes back to the pool only when its job could
never be stopped from outside (it never became :func:`interruptible`), so no stop meant for one
query can land in the next.
"""

from __future__ import annotations

import queue
import threading
import time
import traceback
from typing import Any, Callable, Iterable, Iterator, TypeVar

from zkg.errors import QueryInterrupted, QueryTimeout

__all__ = ["Job", "interruptible", "run_with_deadline", "stream_with_deadline", "take"]

T = TypeVar("T")


class _Abandoned(BaseException):
    """Raised inside a worker whose caller gave up, to stop evaluation that runs in Python."""


class Job:
    """One query's worker thread and how to stop it.

    ``cancelled`` stops row loops at the next row. :meth:`interrupt` also raises
    :class:`_Abandoned` inside the worker (``PyThreadState_SetAsyncExc``), which stops an engine
    that evaluates in Python (rdflib) at its next step; it is only allowed once the engine has
    parsed the query (:func:`interruptible`: a parser stopped half-way may keep broken state).
    Oxigraph evaluates in Rust: the exception lands when control returns to Python (the next row),
    so an embedded Oxigraph query that computes one huge aggregate runs to its end.
    """

    local = threading.local()

    def __init__(self) -> None:
        self.cancelled = threading.Event()
        self.lock = threading.Lock()
        self.interruptible = False
        self.ever_interruptible = False  # then its worker is not reused (see _Workers)
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        """Called first in the worker: the job runs on this thread."""
        Job.local.job = self
        with self.lock:
            self.thread = threading.current_thread()

    def interrupt(self) -> None:
        self.cancelled.set()
        with self.lock:
            if not (self.interruptible and self.thread is not None and self.thread.is_alive()):
                return
        # An exception raised this way can be swallowed (e.g. inside a gc callback): repeat it a
        # few times until the worker has left the engine (it clears ``interruptible`` on its way out).
        threading.Thread(target=self._keep_interrupting, name="zkg-stop", daemon=True).start()

    def _keep_interrupting(self, tries: int = 50, pause: float = 0.1) -> None:
        import ctypes  # only here: a command that is never stopped does not import it

        for _ in range(tries):
            with self.lock:
                thread = self.thread
                # a thread that is alive has an ident (it is None only before the thread starts)
                if not (self.interruptible and thread is not None and thread.is_alive() and thread.ident is not None):
                    return
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident),
                                                           ctypes.py_object(_Abandoned))
            time.sleep(pause)


def interruptible() -> None:
    """Called by an engine in its worker once the query is parsed: from now on it may be stopped."""
    job = getattr(Job.local, "job", None)
    if job is not None:
        with job.lock:
            job.interruptible = not job.cancelled.is_set()
            job.ever_interruptible = job.ever_interruptible or job.interruptible


class _Workers:
    """Idle worker threads kept for the next query (at most ``keep``). ``submit(job, fn, name)``
    runs ``fn()`` on one, named ``name`` while it runs (``zkg-idle`` while it waits)."""

    def __init__(self, keep: int = 16) -> None:
        self.lock = threading.Lock()
        self.idle = 0
        self.keep = keep
        self.tasks: queue.SimpleQueue = queue.SimpleQueue()

    def submit(self, job: Job, fn: Callable[[], None], name: str) -> None:
        with self.lock:
            reuse = self.idle > 0
            if reuse:
                self.idle -= 1  # that worker is promised to this task
        self.tasks.put((job, fn, name))
        if not reuse:
            threading.Thread(target=self._work, name=name, daemon=True).start()

    def _work(self) -> None:
        me = threading.current_thread()
        try:
            while True:
                job, fn, name = self.tasks.get()
                me.name = name
                fn()
                Job.local.job = None
                with self.lock:
                    if job.ever_interruptible or self.idle >= self.keep:
                        return  # a stop aimed at that job may still be on its way: end this thread
                    me.name = "zkg-idle"
                    self.idle += 1
        except _Abandoned:  # a late stop for the job just done (it could be stopped): end here
            pass


_WORKERS = _Workers()


def _timeout_error(wait: float) -> QueryTimeout:
    return QueryTimeout(f"the query did not finish within {wait:g} s: narrow it "
                        "(LIMIT, fewer joins) or raise --timeout")


def run_with_deadline(work: Callable[[threading.Event], T], timeout: float | None) -> T:
    """Run ``work(cancelled)`` in a worker thread; wait at most ``timeout`` seconds.

    The caller's thread only waits, in short slices, so Ctrl-C interrupts it at once. On timeout or
    Ctrl-C the worker is stopped as far as its engine allows (:class:`Job`) and abandoned.
    """
    box: dict[str, Any] = {}
    done, job = threading.Event(), Job()

    def run() -> None:
        try:
            job.start()
            try:
                box["result"] = work(job.cancelled)
            except BaseException as exc:  # handed to the waiting thread, re-raised there
                box["error"] = _without_frames(exc)
            finally:
                with job.lock:
                    job.interruptible = False
        except _Abandoned:  # arrived on the way out: nothing left to stop
            pass
        finally:
            done.set()

    _WORKERS.submit(job, run, "zkg-query")
    deadline = None if not timeout else time.monotonic() + timeout
    try:
        while not done.wait(0.05 if deadline is None else max(0.0, min(0.05, deadline - time.monotonic()))):
            if deadline is not None and time.monotonic() >= deadline:
                job.interrupt()
                assert timeout, "a deadline is set only for a timeout"
                raise _timeout_error(timeout)
    except KeyboardInterrupt:
        job.interrupt()
        raise QueryInterrupted("interrupted (Ctrl-C): the query was abandoned") from None
    if "error" in box:
        raise box["error"]
    return box["result"]


def stream_with_deadline(produce: Callable[[], Iterator], timeout: float | None) -> tuple[Any, Iterator[tuple]]:
    """Run ``produce()`` in a worker thread: an iterator whose first item is the column names and
    the rest rows. Return ``(columns, rows)``; rows come as they are computed, in batches through a
    small queue (constant memory). ``timeout`` covers the whole stream; stop iterating to abandon it.
    """
    pipe: queue.Queue = queue.Queue(maxsize=8)
    job = Job()
    cancelled = job.cancelled

    def put(item: tuple) -> None:
        while not cancelled.is_set():
            try:
                pipe.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def work() -> None:
        try:
            job.start()
            try:
                items = produce()
                try:
                    put(("columns", next(items)))
                    batch: list[tuple] = []
                    for row in items:
                        if cancelled.is_set():
                            return
                        batch.append(row)
                        if len(batch) >= 1000:
                            put(("rows", batch))
                            batch = []
                    put(("rows", batch))
                    put(("end", None))
                finally:
                    close = getattr(items, "close", None)
                    if close is not None:
                        close()
            except BaseException as exc:  # handed to the reading thread
                put(("error", _without_frames(exc)))
            finally:
                with job.lock:
                    job.interruptible = False
        except _Abandoned:  # arrived on the way out: nothing left to stop
            pass

    _WORKERS.submit(job, work, "zkg-stream")
    deadline = None if not timeout else time.monotonic() + timeout

    def get() -> tuple:
        try:
            while True:
                if deadline is not None and time.monotonic() >= deadline:
                    assert timeout, "a deadline is set only for a timeout"
                    raise _timeout_error(timeout)
                try:
                    kind, value = pipe.get(timeout=0.05)
                except queue.Empty:
                    continue
                if kind == "error":
                    raise value
                return kind, value
        except KeyboardInterrupt:
            job.interrupt()
            raise QueryInterrupted("interrupted (Ctrl-C): the query was abandoned") from None
        except BaseException:
            job.interrupt()
            raise

    kind, columns = get()

    def rows() -> Iterator[tuple]:
        try:
            while True:
                kind, value = get()
                if kind == "end":
                    return
                yield from value
        finally:
            job.interrupt()

    return columns, rows()


def _without_frames(exc: BaseException) -> BaseException:
    """``exc`` and the exceptions chained to it, with their frames cleared: the frames hold engine
    objects (pyoxigraph's may only be dropped on the thread that made them)."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        traceback.clear_frames(e.__traceback__)
        e.__traceback__ = None
        todo += [e.__cause__, e.__context__]
    return exc


def take(rows: Iterable[tuple], max_rows: int | None, cancelled: threading.Event) -> tuple[list[tuple], bool]:
    """At most ``max_rows`` rows (None: all); whether more were there. Stops when cancelled."""
    taken: list[tuple] = []
    for row in rows:
        if cancelled.is_set():
            break
        if max_rows is not None and len(taken) >= max_rows:
            return taken, True
        taken.append(row)
    return taken, False
