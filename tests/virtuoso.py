"""A real Virtuoso for the tests: ``virtuoso-t`` (Debian's ``virtuoso-opensource``, installed by
``scripts/setup.sh --test``) on free ports of 127.0.0.1, with a database folder of its own and an
ini of ours; stopped and removed afterwards. The settings a user needs are the ones written here
(``docs/servers.md``): the SPARQL user may update (for ``/sparql-graph-crud``), the endpoint
returns whole answers, and questions name the default graph with ``default-graph-uri``.

    with running_virtuoso(tmp_path) as virtuoso:
        virtuoso.url            # http://127.0.0.1:PORT (…/sparql, …/sparql-graph-crud)

A missing ``virtuoso-t`` is an error, not a skip: the suite needs it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

from zkg.serve import free_port

__all__ = ["DEFAULT_GRAPH", "Virtuoso", "running_virtuoso"]

#: The named graph that holds the dataset's default graph on Virtuoso (its own default graph is the
#: union of every graph); questions ask with ``default-graph-uri`` set to it.
DEFAULT_GRAPH = "urn:zhaotong-kg:default"

INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 4
MaxClientConnections = 4
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 300
MaxQueryCostEstimationTime = 0
"""

#: Run once by the database administrator: the SPARQL endpoint's user may write (Graph Store Protocol).
GRANTS = 'GRANT SPARQL_UPDATE TO "SPARQL";'


@dataclasses.dataclass
class Virtuoso:
    """A running ``virtuoso-t``: its HTTP base URL, its SQL port and its folder."""

    url: str
    sql_port: int
    folder: Path
    process: subprocess.Popen

    def isql(self, statements: str) -> str:
        """Run SQL as the administrator (``isql-vt``); raise with its last line on failure."""
        done = subprocess.run([_binary("isql-vt"), f"127.0.0.1:{self.sql_port}", "dba", "dba",
                               f"exec={statements}"], capture_output=True, text=True, timeout=120)
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql-vt failed: {(done.stdout + done.stderr).strip().splitlines()[-1:]}")
        return done.stdout


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is not installed: run scripts/setup.sh --test (apt package virtuoso-opensource)")
    return found


def _wait(process: subprocess.Popen, url: str, folder: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (folder / "virtuoso.log").read_text(errors="replace").strip().splitlines()[-3:]
            raise RuntimeError(f"virtuoso-t stopped at start: {log}")
        try:
            with urllib.request.urlopen(f"{url}/sparql?query=ASK%7B%7D", timeout=5):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise RuntimeError(f"virtuoso-t did not answer on {url} within {timeout:g} s")


@contextlib.contextmanager
def running_virtuoso(folder: Path, timeout: float = 300.0) -> Iterator[Virtuoso]:
    """Start ``virtuoso-t +foreground`` on free 127.0.0.1 ports with a new database in ``folder``,
    grant the SPARQL user updates, yield it; then stop it and remove ``folder``."""
    binary = _binary("virtuoso-t")
    folder.mkdir(parents=True, exist_ok=True)
    sql, http = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(d=folder, sql=sql, http=http), encoding="utf-8")
    process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=folder,
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        server = Virtuoso(f"http://127.0.0.1:{http}", sql, folder, process)
        _wait(process, server.url, folder, timeout)
        server.isql(GRANTS)
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
