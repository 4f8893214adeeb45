"""Draw the README pictures: docs/school-network.png, from the default view of `zkg viz` (the
alliances), and screenshots of the explorer (`zkg serve`): home, an entity page, the article, a question.

The picture: the page for the built graph, opened in Debian's headless Chromium (Playwright, network
blocked) at 1280×800. The explorer: a real `zkg serve` on the built graph, each page opened at
1280×800 (every request to another origin aborted) and saved whole. Run it after the graph, the
picture or the pages change::

    python3 scripts/make_pictures.py            # docs/school-network.png and docs/explorer-*.png
    python3 scripts/make_pictures.py --lang en  # English labels in the picture
    python3 scripts/make_pictures.py --only explorer
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from zkg import network as net  # noqa: E402
from zkg.viz import render_html  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
#: The explorer's pages in the README: file name in docs/ → path on the server.
EXPLORER_PAGES = {
    "explorer-home.png": "/",
    "explorer-entity.png": "/id/alliance/zhaotong-no1",
    "explorer-article.png": "/article",
    "explorer-question.png": "/questions/alliance-counties?" + urllib.parse.urlencode({"alliance": "昭通一中"}),
}


def explorer_pictures(folder: Path) -> list[str]:
    """Screenshots of :data:`EXPLORER_PAGES` from a real ``zkg serve`` into ``folder``; returns the
    problems (a page that does not answer 200, a console error, a request to another origin)."""
    from playwright.sync_api import sync_playwright

    from browser import Serve, Visit, launch

    problems: list[str] = []
    server = Serve("--graph-dir", str(ROOT / "graph"))
    try:
        with sync_playwright() as p:
            browser = launch(p)
            for name, path in EXPLORER_PAGES.items():
                visit = Visit(browser, server.url, path, width=1280)
                try:
                    status = visit.response.status if visit.response else 0
                    if status != 200:
                        problems.append(f"{path} answered {status}: not drawn")
                        continue
                    problems += [f"{path}: {p}" for p in visit.problems()]
                    visit.page.screenshot(path=str(folder / name), full_page=False)
                    print(f"wrote {(folder / name).relative_to(ROOT) if (folder / name).is_relative_to(ROOT) else folder / name}")
                finally:
                    visit.close()
            browser.close()
    finally:
        server.stop()
    return problems


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--view", default="alliances", choices=list(net.VIEWS))
    ap.add_argument("--lang", default="zh", choices=["zh", "en"])
    ap.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "school-network.png")
    ap.add_argument("--only", choices=["network", "explorer"], help="draw only the picture or only the explorer")
    args = ap.parse_args(argv)
    if args.only != "network":
        problems = explorer_pictures(ROOT / "docs")
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems or args.only == "explorer":
            return 1 if problems else 0
    from playwright.sync_api import sync_playwright

    G = net.load_network(ROOT / "graph", ROOT / "ontology" / "zhaotong.ttl")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        page_file = Path(tmp) / "page.html"
        page_file.write_text(render_html(G, args.view, seed=0), encoding="utf-8")
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        url = page_file.as_uri()
        context.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.goto(url)
        page.wait_for_function("window.zkg && window.zkg.ready === true", timeout=120_000)
        if args.lang == "en":
            page.check("input[name=lang][value=en]")
        page.wait_for_timeout(300)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.output))
        browser.close()
    if errors:
        print(f"console errors: {errors}", file=sys.stderr)
        return 1
    print(f"wrote {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
