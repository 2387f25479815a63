"""A live workbench on 127.0.0.1 and a headless Chromium driving it (Debian's chromium + chromium-driver
through Selenium): shared by the browser tests and by ``python tests/web/screenshot.py``."""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
DRIVER = ("chromedriver", "chromium-driver")


def find_browser() -> tuple[str | None, str | None]:
    """Paths of the Chromium binary and its driver, None where absent."""
    browser = next((p for p in map(shutil.which, CHROMIUM) if p), None)
    driver = next((p for p in map(shutil.which, DRIVER) if p), None)
    return browser, driver


class LiveServer:
    """The workbench app served by werkzeug on 127.0.0.1 (a free port) in a background thread."""

    def __init__(self, **options) -> None:
        from werkzeug.serving import make_server

        from generator.web import HOST, create_app, make_settings

        self.temp = Path(tempfile.mkdtemp(prefix="speechgen-bench-test-"))
        self.app = create_app(make_settings(temp_root=self.temp, **options))
        self.server = make_server(HOST, 0, self.app, threaded=True)
        self.url = f"http://{HOST}:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        shutil.rmtree(self.temp, ignore_errors=True)


def make_driver(download_dir: Path, width: int = 1366, height: int = 768):
    """A headless Chromium whose downloads land in ``download_dir``, at an office screen's size."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver = find_browser()
    options = webdriver.ChromeOptions()
    if browser:
        options.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={width},{height}", "--lang=zh-CN", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-sync", "--disable-component-update"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(download_dir), "download.prompt_for_download": False,
        "download.directory_upgrade": True, "safebrowsing.enabled": False,
    })
    service = Service(executable_path=driver) if driver else Service()
    drv = webdriver.Chrome(options=options, service=service)
    drv.set_window_size(width, height)
    try:  # headless Chromium needs telling where downloads go
        drv.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(download_dir)})
    except Exception:
        pass
    return drv
