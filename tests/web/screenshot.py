"""Screenshot of the workbench for the README: ``python tests/web/screenshot.py`` (writes docs/workbench.png).

It drives the same headless Chromium as the browser tests (Debian's chromium + chromium-driver through
Selenium) at 1366×768, a common office screen: opens examples/shuzhi_speech.yaml, lets it draft, clicks a
phrasebank sentence on screen and presses 换一句, so that the page shows the swapped sentence locked in the
draft and its source with the 换一句/解锁 buttons. Run it again whenever the page changes."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def shoot(out: Path, config: Path, width: int = 1366, height: int = 768) -> Path:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.web.browser import LiveServer, find_browser, make_driver

    if None in find_browser():
        raise SystemExit("需要 Chromium 与 chromium-driver：apt-get install chromium chromium-driver")
    server = LiveServer()
    with tempfile.TemporaryDirectory() as downloads:
        drv = make_driver(Path(downloads), width, height)
        try:
            # the page's own size, not the window's: what a 1366×768 screen shows below the browser's bars
            drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
            drv.get(server.url + "/")
            drv.find_element(By.ID, "upload").send_keys(str(config))
            old = drv.find_element(By.TAG_NAME, "html")
            drv.find_element(By.ID, "btn-open").click()
            WebDriverWait(drv, 30).until(EC.staleness_of(old))
            WebDriverWait(drv, 30).until(EC.presence_of_element_located((By.ID, "draft")))
            # a sentence 换一句 can act on (its slot has another fitting sentence), on screen if one is
            swappable = [s for s in drv.find_elements(By.CSS_SELECTOR, "#draft .sp[data-slot]") if drv.execute_script(
                "const t = document.getElementById('slot-' + arguments[0].dataset.slot);"
                "return !!(t && t.content.querySelector('#btn-swap'))", s)]
            long = [s for s in swappable if len(s.text) >= 16] or swappable
            shown = [s for s in long if drv.execute_script(
                "return arguments[0].getBoundingClientRect().bottom < innerHeight - 20", s)]
            if shown or long:
                target = (shown or long)[min(1, len(shown or long) - 1)]
                if not shown:
                    drv.execute_script("arguments[0].scrollIntoView({block: 'center'})", target)
                target.click()
                swap = drv.find_elements(By.ID, "btn-swap")
                if swap:  # the page comes back with that place shown, the new sentence locked there
                    html = drv.find_element(By.TAG_NAME, "html")
                    swap[0].click()
                    WebDriverWait(drv, 30).until(EC.staleness_of(html))
                    WebDriverWait(drv, 30).until(EC.presence_of_element_located((By.ID, "draft")))
            time.sleep(0.3)
            out.parent.mkdir(parents=True, exist_ok=True)
            drv.save_screenshot(str(out))
        finally:
            drv.quit()
            server.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="截取工作台页面（README 用）")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "workbench.png")
    parser.add_argument("--config", type=Path, default=ROOT / "examples" / "shuzhi_speech.yaml")
    args = parser.parse_args()
    print(f"已写入 {shoot(args.output, args.config)}")


if __name__ == "__main__":
    main()
