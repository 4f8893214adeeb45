"""Draw the README picture, docs/school-network.png, from the default view of `zkg viz` (the alliances).

Writes the page for the built graph, opens it in Debian's headless Chromium (Playwright, network
blocked) at 1280×800 and saves a screenshot. Run it after the graph or the picture changes::

    python3 scripts/make_pictures.py            # docs/school-network.png
    python3 scripts/make_pictures.py --lang en  # English labels
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zkg import network as net  # noqa: E402
from zkg.viz import render_html  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--view", default="alliances", choices=list(net.VIEWS))
    ap.add_argument("--lang", default="zh", choices=["zh", "en"])
    ap.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "school-network.png")
    args = ap.parse_args(argv)
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
