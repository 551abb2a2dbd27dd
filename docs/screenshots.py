"""Screenshots of Herald's pages for the README: the sample published with a Spanish tree,
served on loopback, photographed by Debian's Chromium at a desktop's and a phone's width.

Run: make screenshots   (needs: apt-get install chromium apertium apertium-eng-spa)
Look at every picture before committing it.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from playwright.sync_api import sync_playwright  # noqa: E402

from herald.app import load, open_pipeline  # noqa: E402
from herald.serve import create_server  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SHOTS = {  # file name: (page, width)
    "index-desktop.png": ("index.html", 1100),
    "index-phone.png": ("index.html", 390),
    "feed-page-phone.png": ("countries/be.html", 390),
    "feed-page-es-desktop.png": ("es/countries/be.html", 1100),
    "article-desktop.png": ("{article}", 1100),
}


def main() -> None:
    chromium = shutil.which("chromium") or sys.exit("apt-get install chromium")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        config = (ROOT / "config" / "herald.toml").read_text(encoding="utf-8")
        config = config[: config.index("# The live source")]  # the sample only, offline
        config = config.replace("../samples/", f"{ROOT}/samples/")
        config = config.replace('"topics.toml"', f'"{ROOT}/config/topics.toml"')
        config = config.replace('"countries.toml"', f'"{ROOT}/config/countries.toml"')
        config = config.replace("http://127.0.0.1:8080/", "http://127.0.0.1:8765/")
        config += '\n[translate]\ntargets = ["es"]\nengine = "apertium"\n'
        (folder / "herald.toml").write_text(config, encoding="utf-8")
        (folder / "config").mkdir()
        pipeline = open_pipeline(load(folder / "herald.toml"))
        pipeline.run_once(datetime(2026, 3, 10, 18, tzinfo=UTC))
        pipeline.store.close()
        feeds = pipeline.settings.paths.output
        article = next(
            str(p.relative_to(feeds))
            for p in sorted((feeds / "articles").rglob("*.html"))
            if "Flanders" in p.read_text(encoding="utf-8")
        )
        server = create_server(feeds, "127.0.0.1", 8765)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium)
                for file, (path, width) in SHOTS.items():
                    page = browser.new_page(viewport={"width": width, "height": 900})
                    page.goto("http://127.0.0.1:8765/" + path.format(article=article))
                    page.screenshot(path=OUT / file)
                    page.close()
                    print(OUT / file)
                browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=10)


if __name__ == "__main__":
    main()
