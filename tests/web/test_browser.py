"""The workbench in a real headless Chromium (Debian's chromium + chromium-driver through Selenium):
fill the form for each built-in type, generate, click a sentence and see its source, download the
.docx and compare it with what ``render`` writes for the downloaded YAML, upload a broken YAML.

One browser and one server for the whole module. The tests skip, saying why, only when Chromium or its
driver is not installed here; ``.ci/run`` installs both, so in CI they run."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from generator.drafting.packs import find_packs
from tests.web.browser import find_browser

BUILTIN = [p.id for p in find_packs().values() if p.origin == "内置"]

_browser, _driver = find_browser()
if _browser is None or _driver is None:
    pytest.skip("Chromium 或 chromium-driver 未安装（apt-get install chromium chromium-driver；.ci/run 会安装）",
                allow_module_level=True)
pytest.importorskip("selenium", reason="selenium 未安装（pip install '.[test]'）")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def live():
    from tests.web.browser import LiveServer

    server = LiveServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def browser(downloads):
    from tests.web.browser import make_driver

    drv = make_driver(downloads)
    drv.implicitly_wait(0)
    yield drv
    drv.quit()


def _wait(drv, condition, timeout: float = 20):
    return WebDriverWait(drv, timeout).until(condition)


def _by_id(drv, element_id: str):
    return drv.find_element(By.ID, element_id)


def _type_into(element, text: str) -> None:
    element.clear()
    element.send_keys(text)


def _generate(drv) -> None:
    old = drv.find_element(By.TAG_NAME, "html")
    _by_id(drv, "btn-generate").click()
    _wait(drv, EC.staleness_of(old))
    _wait(drv, EC.presence_of_element_located((By.ID, "status")))


def _add_item(drv, key: str, text: str) -> None:
    _by_id(drv, f"add-{key}").click()
    items = drv.find_elements(By.CSS_SELECTOR, f'.list[data-key="{key}"] .items > .item')
    field = items[-1].find_element(By.CSS_SELECTOR, "input, textarea")
    field.send_keys(text)


def _fill_row(drv, key: str, values: dict[str, str]) -> None:
    _by_id(drv, f"add-{key}").click()
    row = drv.find_elements(By.CSS_SELECTOR, f'.list[data-key="{key}"] .items > .item')[-1]
    for name, value in values.items():
        row.find_element(By.CSS_SELECTOR, f'[name="{key}.{name}"]').send_keys(value)


def _wait_file(folder: Path, suffix: str, before: set[Path], timeout: float = 20) -> Path:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        done = [p for p in folder.glob(f"*{suffix}") if p not in before]
        if done and not list(folder.glob("*.crdownload")):
            time.sleep(0.2)
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no {suffix} downloaded into {folder}: {list(folder.iterdir())}")


@pytest.mark.parametrize("type_id", BUILTIN)
def test_fill_the_form_generate_and_see_a_sentences_source(browser, live, type_id):
    drv = browser
    drv.get(live.url + "/")
    _by_id(drv, f"new-{type_id}").click()
    _wait(drv, EC.presence_of_element_located((By.ID, "f-place")))
    _type_into(_by_id(drv, "f-place"), "青榆县")
    # points: add one, move it to the top, remove the last
    _add_item(drv, "points", "党员教育管理")
    items = drv.find_elements(By.CSS_SELECTOR, '.list[data-key="points"] .items > .item')
    for _ in range(len(items) - 1):
        items = drv.find_elements(By.CSS_SELECTOR, '.list[data-key="points"] .items > .item')
        last = [i for i in items if i.find_element(By.TAG_NAME, "input").get_attribute("value") == "党员教育管理"][0]
        last.find_element(By.CSS_SELECTOR, ".js-up").click()
    items = drv.find_elements(By.CSS_SELECTOR, '.list[data-key="points"] .items > .item')
    assert items[0].find_element(By.TAG_NAME, "input").get_attribute("value") == "党员教育管理"
    if len(items) > 2:
        items[-1].find_element(By.CSS_SELECTOR, ".js-del").click()
    _add_item(drv, "achievements", "新建“两新”党组织36个")
    if type_id == "dianping":
        _fill_row(drv, "reporters", {"name": "李红梅", "post": "西岭镇党委书记", "highlights": "推行“支部+合作社”模式",
                                     "problems": "党员教育管理方式比较单一"})
    if type_id == "zuotan_outline":
        _fill_row(drv, "visits", {"place": "石桥镇河湾村", "seen": "村党群服务中心推行“一站式”服务"})
        _fill_row(drv, "speakers", {"name": "刘志强", "post": "石桥镇党委书记"})
    _generate(drv)
    draft = _wait(drv, EC.presence_of_element_located((By.ID, "draft")))
    text = draft.text
    assert "新建“两新”党组织36个" in text
    if type_id == "dianping":
        assert "红梅" in text
    if type_id == "zuotan_outline":
        assert "河湾村" in text
    heads = [h.text for h in drv.find_elements(By.CSS_SELECTOR, "#draft .doc-h2, #draft .doc-h1")]
    assert heads and _by_id(drv, "todo-count").text.isdigit()
    # the moved point leads: its form order is the draft's (the speech's first 一要/（一）)
    if type_id == "shuzhi_speech":
        assert any("党员" in h for h in heads[:3]), heads[:3]
    # a sentence from the phrasebank: its source with the entry and, for mined ones, the corpus line
    spans = drv.find_elements(By.CSS_SELECTOR, "#draft .sp.k-entry, #draft .sp.k-unit")
    assert spans
    spans[len(spans) // 2].click()
    detail = _wait(drv, EC.visibility_of_element_located((By.ID, "source-detail")))
    assert "编号" in detail.text and "短语库" in detail.text
    mined = [s for s in drv.find_elements(By.CSS_SELECTOR, "#draft .sp.k-unit")]
    if mined:
        mined[0].click()
        _wait(drv, lambda d: re.search(r"\.txt:\d+", _by_id(d, "source-detail").text))
    # a config fact: its key, reached from the keyboard
    fact = [s for s in drv.find_elements(By.CSS_SELECTOR, "#draft .sp.k-config") if "36个" in s.text][0]
    drv.execute_script("arguments[0].focus()", fact)
    fact.send_keys(Keys.ENTER)
    _wait(drv, lambda d: "achievements" in _by_id(d, "source-detail").text)
    # a finding links to its paragraph
    links = drv.find_elements(By.CSS_SELECTOR, "#findings a.flink")
    if links:
        links[0].click()
        target = _by_id(drv, "p-" + links[0].get_attribute("data-p"))
        _wait(drv, lambda d: "target" in target.get_attribute("class"))


def test_download_the_docx_and_it_is_what_render_writes(browser, live, downloads, tmp_path):

    drv = browser
    drv.get(live.url + "/new?type=shuzhi_speech")
    _type_into(_by_id(drv, "f-place"), "云溪区")
    _type_into(_by_id(drv, "f-seed"), "3")
    saved = _downloads_equal_render(drv, downloads, tmp_path)
    assert "云溪区" in saved.read_text(encoding="utf-8")


def test_upload_a_broken_yaml_and_see_the_loaders_line(browser, live, tmp_path):
    drv = browser
    broken = tmp_path / "坏的配置.yaml"
    broken.write_text("type: shuzhi_speech\nplace: 云溪区\nlevel: 区\nyear: 2026\npoints: [政治建设, 组织建设\n",
                      encoding="utf-8")
    drv.get(live.url + "/new?type=shuzhi_speech")
    _type_into(_by_id(drv, "f-place"), "保留的地名")
    _by_id(drv, "upload").send_keys(str(broken))
    _wait(drv, lambda d: "坏的配置.yaml" in _by_id(d, "upload-label").text)
    old = drv.find_element(By.TAG_NAME, "html")
    _by_id(drv, "btn-open").click()
    _wait(drv, EC.staleness_of(old))
    messages = drv.find_element(By.CSS_SELECTOR, ".messages").text
    assert "坏的配置.yaml" in messages and re.search(r"第\d+行", messages) and "方括号" in messages
    assert _by_id(drv, "f-place").get_attribute("value") == "保留的地名"  # the form that was open is kept


def test_open_a_good_yaml_and_it_drafts(browser, live):
    from tests.conftest import EXAMPLES

    drv = browser
    drv.get(live.url + "/")
    _by_id(drv, "upload").send_keys(str(EXAMPLES / "dianping.yaml"))
    old = drv.find_element(By.TAG_NAME, "html")
    _by_id(drv, "btn-open").click()
    _wait(drv, EC.staleness_of(old))
    _wait(drv, EC.presence_of_element_located((By.ID, "draft")))
    rows = drv.find_elements(By.CSS_SELECTOR, '.list[data-key="reporters"] .items > .item')
    assert len(rows) >= 2


# ---------------------------------------------------------------- 换一句 and 锁定
_SLOT_TEXT = """
const name = arguments[0];
for (const t of document.querySelectorAll('template[id^="slot-"]')) {
  const box = t.content.querySelector('.slot-box');
  if (box && box.dataset.slot === name) {
    const spans = document.querySelectorAll('#draft .sp[data-slot="' + t.id.slice(5) + '"]');
    return {text: Array.from(spans).map(s => s.textContent).join(''),
            locked: Array.from(spans).some(s => s.classList.contains('locked'))};
  }
}
return null;"""
def _downloads_equal_render(drv, downloads: Path, tmp_path: Path) -> Path:
    """Download the YAML and the .docx; the .docx must be what ``render`` writes for that YAML. The YAML's path."""
    from generator import render

    before = set(downloads.iterdir())
    _by_id(drv, "btn-yaml").click()
    saved = _wait_file(downloads, ".yaml", before)
    before = set(downloads.iterdir())
    _by_id(drv, "btn-docx").click()
    docx = _wait_file(downloads, ".docx", before)
    out = tmp_path / "render.docx"
    render(saved, out)
    assert docx.read_bytes() == out.read_bytes()
    return saved


_SWAPPABLE = """
const out = [];
for (const t of document.querySelectorAll('template[id^="slot-"]')) {
  const box = t.content.querySelector('.slot-box');
  const span = document.querySelector('#draft .sp[data-slot="' + t.id.slice(5) + '"]');
  if (span && t.content.querySelector('#btn-swap') && !box.textContent.includes('上级党委')) out.push(box.dataset.slot);
}
return out;"""


def _slot(drv, name: str) -> dict:
    found = drv.execute_script(_SLOT_TEXT, name)
    assert found is not None, f"slot {name} not on the page"
    return found


def _span_of(drv, name: str):
    index = drv.execute_script(
        "for (const t of document.querySelectorAll('template[id^=\"slot-\"]'))"
        " if (t.content.querySelector('.slot-box').dataset.slot === arguments[0]) return t.id.slice(5);", name)
    span = drv.find_element(By.CSS_SELECTOR, f'#draft .sp[data-slot="{index}"]')
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'})", span)
    return span


def _press(drv, button) -> None:
    old = drv.find_element(By.TAG_NAME, "html")
    button.click()
    _wait(drv, EC.staleness_of(old))
    _wait(drv, EC.presence_of_element_located((By.ID, "draft")))


def _passes_the_checker(drv) -> None:
    assert _by_id(drv, "error-count").text == "0", drv.find_element(By.ID, "findings").text


def test_swap_a_sentence_lock_another_and_both_stay_with_another_seed(browser, live, downloads, tmp_path):
    from tests.conftest import EXAMPLES

    drv = browser
    drv.get(live.url + "/")
    _by_id(drv, "upload").send_keys(str(EXAMPLES / "shuzhi_speech.yaml"))
    _press(drv, _by_id(drv, "btn-open"))
    _passes_the_checker(drv)
    # slots that do not hang on a sub-point head (要求@<head>#k): another seed draws other heads, and a lock
    # on a body sentence is then reported unused — these stay whatever the seed
    names = [n for n in drv.execute_script(_SWAPPABLE) if not n.startswith("要求@")]
    assert len(names) >= 4
    first, second = names[len(names) // 3], names[2 * len(names) // 3]
    # 换一句: the panel says which of how many comes next, and the draft has it there after the press
    before = _slot(drv, first)["text"]
    _span_of(drv, first).click()
    actions = _wait(drv, EC.visibility_of_element_located((By.ID, "slot-actions")))
    assert re.search(r"换一句 → 第 \d+/\d+ 句", actions.text)
    coming = actions.find_element(By.CSS_SELECTOR, ".next-text").text
    assert coming and coming != before
    _press(drv, _by_id(drv, "btn-swap"))
    swapped = _slot(drv, first)
    assert swapped["text"] == coming and swapped["locked"]
    assert drv.switch_to.active_element.get_attribute("id") == "btn-swap"  # ready to press again
    assert "已换一句" in _by_id(drv, "status").text
    _passes_the_checker(drv)
    # 锁定 another, from the keyboard: Enter on the sentence opens its buttons, Tab to 锁定, Enter. Chosen on
    # the page as it is now: the swap may have redrawn unlocked sentences, and their slots with them
    now = [n for n in drv.execute_script(_SWAPPABLE) if n != first and not n.startswith("要求@")]
    second = now[2 * len(now) // 3]
    kept = _slot(drv, second)["text"]
    span = _span_of(drv, second)
    drv.execute_script("arguments[0].focus()", span)
    span.send_keys(Keys.ENTER)
    _wait(drv, lambda d: d.switch_to.active_element.get_attribute("id") == "btn-swap")
    drv.switch_to.active_element.send_keys(Keys.TAB)
    lock = drv.switch_to.active_element
    assert lock.get_attribute("id") == "btn-lock"
    old = drv.find_element(By.TAG_NAME, "html")
    lock.send_keys(Keys.ENTER)
    _wait(drv, EC.staleness_of(old))
    _wait(drv, EC.presence_of_element_located((By.ID, "draft")))
    assert _slot(drv, second)["locked"] and _by_id(drv, "pins-count").text == "2"
    # another seed: both sentences stay where they are
    _type_into(_by_id(drv, "f-seed"), "11")
    _generate(drv)
    assert _slot(drv, first) == {"text": coming, "locked": True}
    assert _slot(drv, second) == {"text": kept, "locked": True}
    assert _by_id(drv, "pins-used").text == "2"
    _passes_the_checker(drv)
    # the .docx is what render writes for the downloaded YAML (pins and seed in it); an earlier test's files of
    # the same name go first, as the browser would write over them
    for old_file in downloads.iterdir():
        old_file.unlink()
    saved = _downloads_equal_render(drv, downloads, tmp_path)
    assert "pins:" in saved.read_text(encoding="utf-8")
