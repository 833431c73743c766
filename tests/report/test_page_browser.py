"""The report page in a real headless browser: Chromium, driven over its DevTools protocol.

The page must load with no console error and no request beyond itself, show its tables
and every chart (each image decoded, naturalWidth > 0), and render to a screenshot.
Chromium comes from the Debian packages, installed by ``make browser`` (a visible step of
``make test``, as root with apt-get, as on CI); a test never changes the system, and without
Chromium these tests skip and say how to get it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ccsim.experiment import Experiment, run_experiment
from ccsim.plots import plot_results
from ccsim.report import write_report
from ccsim.scenario import load_scenario

websocket = pytest.importorskip(
    "websocket", reason="websocket-client is not installed (pip install -e '.[dev]')"
)

DAY = """\
name = "browser day"
start = "08:00"
period = "30min"
horizon = "2h"

[targets]
service_level = 0.95
asa = "10s"

[[contact_types]]
name = "billing"
arrivals = { per_hour = 90 }
handle_time = { dist = "exponential", mean = "4min" }
patience = { dist = "exponential", mean = "3min" }

[[contact_types]]
name = "tech"
arrivals = { per_hour = 30 }
handle_time = { dist = "exponential", mean = "6min" }
patience = { dist = "exponential", mean = "5min" }

[[agent_groups]]
name = "specialists"
skills = ["billing"]
staff = 4

[[agent_groups]]
name = "generalists"
skills = ["tech", "billing"]
staff = [4, 5, 5, 4]
"""

@pytest.fixture(scope="session")
def chromium() -> str:
    """The chromium command; the tests skip without it (``make browser`` installs it)."""
    found = shutil.which("chromium")
    if found is None:
        pytest.skip("Chromium is not installed: `make browser` installs Debian's chromium when "
                    "run as root with apt-get (make test does this first), or run "
                    "`sudo apt-get install chromium`")
    return found


class DevTools:
    """One page target of a running Chromium, spoken to over its DevTools websocket:
    ``call`` sends a command and returns its result; events that arrive meanwhile are
    kept in ``events``."""

    def __init__(self, url: str):
        self.socket = websocket.create_connection(url, timeout=60, suppress_origin=True)
        self.events: list[dict[str, Any]] = []
        self._last = 0

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self._last += 1
        self.socket.send(json.dumps({"id": self._last, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self._last:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]
            self.events.append(message)

    def wait_for(self, event: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == event for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {event} within {timeout} s")
            self.events.append(json.loads(self.socket.recv()))

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def close(self) -> None:
        self.socket.close()


@pytest.fixture
def browser(chromium: str, tmp_path: Path) -> Iterator[DevTools]:
    """A headless Chromium with a blank page, on a free port, ended after the test."""
    profile = tmp_path / "profile"
    process = subprocess.Popen(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-extensions", "--remote-debugging-port=0", "--remote-allow-origins=*",
         f"--user-data-dir={profile}", "--window-size=1280,1000", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        port = _devtools_port(profile / "DevToolsActivePort", process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30) as reply:
            pages = [t for t in json.load(reply) if t["type"] == "page"]
        tools = DevTools(pages[0]["webSocketDebuggerUrl"])
        yield tools
        tools.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _devtools_port(announced: Path, process: subprocess.Popen) -> int:
    """The port Chromium chose (it writes it into its profile once it listens)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chromium exited with code {process.returncode}")
        if announced.is_file() and announced.read_text().strip():
            return int(announced.read_text().split()[0])
        time.sleep(0.1)
    raise TimeoutError("chromium did not open its DevTools port within 60 s")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    (folder / "day.toml").write_text(DAY)
    experiment = Experiment.from_scenario(load_scenario(folder / "day.toml"), replications=4,
                                          source=folder / "day.toml")
    run_experiment(experiment, workers=1, out=folder / "out", progress=False)
    assert plot_results(folder / "out")
    return write_report(folder / "out")


def test_the_report_page_loads_in_chromium_without_errors_and_shows_tables_and_charts(
    browser: DevTools, report: Path, tmp_path: Path
) -> None:
    for domain in ("Page", "Runtime", "Log", "Network"):
        browser.call(f"{domain}.enable")
    browser.call("Page.navigate", url=report.as_uri())
    browser.wait_for("Page.loadEventFired")

    problems = [
        e["params"] for e in browser.events
        if e.get("method") == "Runtime.exceptionThrown"
        or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in
            ("error", "assert"))
        or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
    ]
    assert not problems
    requested = [e["params"]["request"]["url"] for e in browser.events
                 if e.get("method") == "Network.requestWillBeSent"]
    assert requested and all(u == report.as_uri() or u.startswith("data:") for u in requested)

    tables = browser.evaluate(
        "Object.fromEntries([...document.querySelectorAll('table')].map(t => [t.id, "
        "[...t.tBodies[0].rows].map(r => r.cells[0].innerText.trim())]))"
    )
    assert tables["by-contact-type"] == ["all", "billing", "tech"]
    assert tables["by-team"] == ["specialists", "generalists"]
    assert tables["targets"] == ["all", "billing", "tech"]
    assert {"totals", "contact-types", "teams"} <= set(tables)
    visible = browser.evaluate(
        "[...document.querySelectorAll('table')].every(t => t.getBoundingClientRect().height > 0)"
    )
    assert visible
    images = browser.evaluate(
        "[...document.images].map(i => [i.alt, i.complete, i.naturalWidth])"
    )
    charts = sorted(p.name for p in (report.parent / "charts").rglob("*.png"))
    assert sorted(alt for alt, _, _ in images) == charts
    assert all(complete and width > 0 for _, complete, width in images), images

    size = browser.call("Page.getLayoutMetrics")["cssContentSize"]
    shot = browser.call(
        "Page.captureScreenshot", format="png", captureBeyondViewport=True,
        clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
    )
    import base64

    png = base64.b64decode(shot["data"])
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    (tmp_path / "report.png").write_bytes(png)  # to look at: pytest --basetemp=DIR
