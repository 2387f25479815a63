"""Tests for the draft checker: each rule on drafts that break it and on a clean speech, the seeds' slips, the CLI."""

from __future__ import annotations

import json

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.checking.registry import RULES, check_file, check_lines, format_findings, read_year
from generator.cli import cli
from generator.errors import InputError
from generator.bank.fingerprint import build_index, fingerprint_speech

from conftest import seed_file

CLEAN = [
    "区委书记在2026年全区党组织书记抓基层党建工作述职评议会上的讲话",
    "同志们：",
    "今天召开全区党组织书记抓基层党建工作述职评议会，深入学习贯彻党的二十大和二十届历次全会精神，听取各党组织书记述职，安排部署今年的重点任务。",
    "刚才，五位同志作了述职，讲成绩实事求是，谈问题不遮不掩，我都同意。下面，我讲三点意见。",
    "一、坚持政治引领，筑牢思想根基",
    "一要深化理论武装，把学习贯彻党的二十大精神作为首要政治任务。二要严明政治纪律，坚决做到“两个维护”。",
    "二、坚持大抓基层，建强战斗堡垒",
    "一要持续整顿软弱涣散村党组织，坚持一村一策精准施治。二要抓好社区工作者队伍建设，坚决做到“两个维护”。",
    "三、坚持从严管理，压实工作责任",
    "各级党组织书记要切实扛起第一责任人职责，一级抓一级、层层抓落实……确保各项任务落地见效——这是硬要求。",
    "同志们，让我们以更加饱满的热情做好今年的工作！",
]
NO_INDEX: list = []


def rules_of(findings, severity=None):
    return sorted({f.rule for f in findings if severity is None or f.severity == severity})


def run(lines, **kw):
    kw.setdefault("indexes", NO_INDEX)
    return check_lines(lines, **kw)


def with_body(*body, title="区委书记在2026年全区党建工作会议上的讲话"):
    return [title, "同志们：", *body]


# ------------------------------------------------------------------ clean draft
def test_clean_speech_has_no_error_or_warning():
    findings = run(CLEAN, target_length=300)
    assert [f for f in findings if f.severity != "info"] == []
    assert rules_of(findings) == ["overlap"]  # only the note that no fingerprint index was given


def test_rule_ids():
    assert list(RULES) == ["placeholder", "count_mismatch", "enumeration", "repetition", "outdated_term", "overlap",
                           "length", "punctuation", "head_echo", "off_matter", "twin_heads", "list_count",
                           "level_voice", "address", "unanswered_problem", "crux_missed", "backbone", "tics"]
    assert all(callable(fn) for fn in RULES.values())  # id → function; findings carry their own severity
    assert run(with_body("请XX同志发言,谢谢。"), rules=["punctuation"])[0].rule == "punctuation"


def test_finding_fields_and_to_dict():
    f = run(with_body("请XX同志发言。"))[0]
    d = f.to_dict()
    assert list(d) == ["rule", "severity", "paragraph", "excerpt", "message"]
    assert (d["rule"], d["severity"], d["paragraph"]) == ("placeholder", "error", 3)
    assert "XX" in d["excerpt"] and len(d["excerpt"]) <= 40


# ------------------------------------------------------------------ placeholder
@pytest.mark.parametrize("text,shown", [
    ("请XX同志发言。", "XX"), ("共有*个党支部。", "*"), ("在20**年全面完成任务。", "20**年"),
    ("述职人共〔待补：人数〕名。", "〔待补：人数〕"), ("投入X余万元。", "X"), ("由{{ place }}负责。", "{{ place }}"),
    ("{place}各级党组织要抓落实。", "{place}"), ("新建党组织None个。", "None"), ("请＊＊同志讲话。", "＊＊"),
    ("出席的有：***同志。", "***"), ("{% if x %}加强领导。", "{% if x %}"),
])
def test_placeholder_found(text, shown):
    found = [f for f in run(with_body(text)) if f.rule == "placeholder"]
    assert len(found) == 1 and f"“{shown}”" in found[0].message and found[0].paragraph == 3


def test_placeholder_grouped_per_paragraph_and_no_false_alarm():
    found = [f for f in run(with_body("新建X个，整顿X个，提升X个。")) if f.rule == "placeholder"]
    assert len(found) == 1 and "3 处" in found[0].message
    assert not [f for f in run(with_body("开展X光体检，投入Excel统计，完成2026年任务。")) if f.rule == "placeholder"]


# ------------------------------------------------------------------ repetition
def test_repetition_sentence_and_phrase():
    lines = with_body("我们要持续深化党建引领基层治理。", "会后各单位抓好落实。", "我们要持续深化党建引领基层治理。")
    found = [f for f in run(lines) if f.rule == "repetition"]
    assert [(f.paragraph, f.severity) for f in found] == [(5, "warning")] and "第3段" in found[0].message
    lines = with_body("要把乡镇干部周转房建设的各项措施落实落细。", "还要把乡镇干部周转房建设的各项措施抓出成效。")
    found = [f for f in run(lines) if f.rule == "repetition"]
    assert [f.paragraph for f in found] == [4] and "乡镇干部周转房建设的各项措施" in found[0].message


def test_repetition_ignores_formulas_and_quoted_terms():
    lines = with_body("用习近平新时代中国特色社会主义思想凝心铸魂，坚决做到“两个维护”。",
                      "用习近平新时代中国特色社会主义思想指导实践，增强“四个意识、四个自信、两个维护”。",
                      "始终把“四个意识、四个自信、两个维护”落到实处。")
    assert not [f for f in run(lines) if f.rule == "repetition"]


def test_repetition_skips_sentences_with_placeholders():
    lines = with_body("首先，请***同志述职，由我进行点评；", "请***同志述职，由我进行点评；", "请XX同志述职，由我进行点评。")
    assert not [f for f in run(lines) if f.rule == "repetition"]


def test_repetition_phrase_does_not_bridge_list_items():
    lines = with_body("存在的不足：一是问题整改还不够扎实；二是组织生活开展不够规范。",
                      "需要改进的地方：一是党员教育管理还不够扎实；二是组织生活开展存在短板。")
    assert not [f for f in run(lines) if f.rule == "repetition"]
    within = with_body("一是问题整改还不够扎实；二是把支部建在产业链上带动集体增收。", "三是把支部建在产业链上带动集体增收致富。")
    assert [f.paragraph for f in run(within) if f.rule == "repetition"] == [4]


# ------------------------------------------------------------------ outdated_term
def test_outdated_term_by_year():
    lines = with_body("深入学习贯彻党的十九大精神，为决胜全面建成小康社会提供保障。")
    found = [f for f in run(lines, year=2026) if f.rule == "outdated_term"]
    assert len(found) == 2 and all(f.severity == "error" for f in found)
    assert any("十九大" in f.message for f in found)
    assert not [f for f in run(lines, year=2019) if f.rule == "outdated_term"]


def test_outdated_term_year_from_title_or_unknown():
    lines = with_body("深入学习贯彻党的十九大精神。")
    assert [f.severity for f in run(lines) if f.rule == "outdated_term"] == ["error"]  # 2026 from the title
    untitled = with_body("深入学习贯彻党的十九大精神。", title="在党建工作会议上的讲话")
    notes = [f for f in run(untitled) if f.rule == "outdated_term"]
    assert [(f.severity, f.paragraph) for f in notes] == [("info", 0)] and "--year" in notes[0].message


@pytest.mark.parametrize("lines,year", [
    (["在2022年全县党（工）委书记抓基层党建工作述职评议会上的讲话", "同志们："], 2022),
    (["在全市会议上的讲话", "（2026年1月12日）", "同志们："], 2026),
    (["在全市会议上的讲话", "同志们：", "认真总结2025年工作，安排部署2026年重点任务，力争到2035年见效。"], 2026),
    (["在全市会议上的讲话", "同志们："], None),
    (["在云溪区2025年度党组织书记抓基层党建工作述职评议会议上的讲话", "区委书记", "同志们："], 2026),
    (["在2025年度全区会议上的讲话", "区委书记", "（2026年1月16日）", "同志们："], 2026),
])
def test_read_year(lines, year):
    assert read_year(lines) == year


# ------------------------------------------------------------------ overlap
@pytest.fixture(scope="module")
def seed_index(seeds_dir):
    return build_index((p.name, fingerprint_speech(p.read_text(encoding="utf-8")))
                       for p in sorted(seeds_dir.glob("00[0124]_*.txt")))


def test_overlap_finds_copied_paragraph_and_names_source(seed_index):
    copied = next(line for line in seed_file("002").read_text(encoding="utf-8").splitlines()
                  if line.startswith("三要坚持“正风纪”"))
    findings = run(with_body("今天我们开会。", copied), indexes=[seed_index])
    warn = [f for f in findings if f.rule == "overlap" and f.severity == "warning"]
    assert [f.paragraph for f in warn] == [4] and seed_file("002").name in warn[0].message
    share = [f for f in findings if f.rule == "overlap" and f.severity == "info"]
    assert len(share) == 1 and seed_file("002").name in share[0].message


def test_overlap_with_corpus_folder(tmp_path, seeds_dir):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "mine.txt").write_bytes(seed_file("002").read_bytes())
    copied = next(line for line in seed_file("002").read_text(encoding="utf-8").splitlines()
                  if line.startswith("二要坚持“强班子”"))
    warn = [f for f in run(with_body(copied), corpus_dirs=[folder]) if f.rule == "overlap" and f.severity == "warning"]
    assert [f.paragraph for f in warn] == [3] and "mine.txt" in warn[0].message
    with pytest.raises(InputError):
        run(with_body(copied), corpus_dirs=[tmp_path / "missing"])


def test_overlap_uses_shipped_index(tmp_path, monkeypatch):
    # A source the real shipped index cannot hold: only the patched phrasebank folder can name it.
    copied = ("我们要把抓好党建作为最大的政绩，坚持问题导向，聚焦群众反映强烈的突出问题，"
              "以钉钉子精神一件一件抓落实，确保每一项整改任务都见到实效、经得起检验。")
    build_index([("only_in_tmp.txt", fingerprint_speech(f"讲话\n同志们：\n{copied}\n"))]).save(tmp_path / "mined")
    monkeypatch.setattr("generator.resources.phrasebank_dir", lambda: tmp_path)
    warn = [f for f in check_lines(with_body(copied)) if f.rule == "overlap" and f.severity == "warning"]
    assert [f.paragraph for f in warn] == [3] and "only_in_tmp.txt" in warn[0].message
    # With no index in the patched folder there is none to use: the patch is what the checker reads.
    monkeypatch.setattr("generator.resources.phrasebank_dir", lambda: tmp_path / "empty")
    info = [f for f in check_lines(with_body(copied)) if f.rule == "overlap"]
    assert [f.severity for f in info] == ["info"] and "未找到查重指纹索引" in info[0].message


def test_overlap_clean_draft_has_no_warning(seed_index):
    assert not [f for f in run(CLEAN, indexes=[seed_index]) if f.rule == "overlap"]


# ------------------------------------------------------------------ length
@pytest.mark.parametrize("target,severity", [(100, None), (110, None), (80, "warning"), (130, "warning"),
                                             (40, "error"), (300, "error")])
def test_length(target, severity):
    lines = ["标题不计入字数，很长很长很长", "同志们：", "字" * 97]  # 3 + 97 = 100 characters of speech
    found = [f for f in run(lines, target_length=target) if f.rule == "length"]
    assert [f.severity for f in found] == ([severity] if severity else [])


# ------------------------------------------------------------------ punctuation
@pytest.mark.parametrize("text,word", [
    ("今天,我们开会。", "半角"), ("同志们:", "半角"), ("各单位(部门)要抓落实。", "半角"), ("要抓落实;", "半角"),
    ("坚决做到“两个维护。", "没有配对"), ("学习《党章。", "没有配对"), ("要抓落实，，确保见效。", "重复"),
    ("要抓落实。。", "重复"), ("要抓落实，。", "重复"),
])
def test_punctuation_found(text, word):
    found = [f for f in run(with_body(text)) if f.rule == "punctuation"]
    assert found and word in found[0].message and found[0].severity == "warning"


def test_punctuation_half_width_throughout_is_one_finding():
    lines = with_body(*[f"{k}单位,要抓落实:不走过场。" for k in "甲乙丙丁戊己"], "一段全角，没有问题。")
    found = [f for f in run(lines) if f.rule == "punctuation"]
    assert len(found) == 1 and found[0].paragraph == 3
    assert "“,:”，全文 6 段共 12 处（第3、4、5段等）" in found[0].message
    few = [f for f in run(with_body("今天,开会。", "明天,开会。")) if f.rule == "punctuation"]
    assert [f.paragraph for f in few] == [3, 4]


def test_punctuation_allows_ellipsis_dash_and_numbers():
    ok = with_body("要抓好学习……抓好落实——这是硬要求。", "增长3.5%，达到1,200个（2026年）。", "1.加强领导", "（1）明确责任")
    assert not [f for f in run(ok) if f.rule == "punctuation"]


# ------------------------------------------------------------------ seeds
def test_seed_002_announces_four_gives_three():
    found = [f for f in check_file(seed_file("002")) if f.rule == "count_mismatch"]
    assert len(found) == 1 and "四个方面" in found[0].excerpt and "三部分" in found[0].message


def test_seed_001_mixed_enumeration_and_outdated_terms():
    findings = check_file(seed_file("001"), year=2026)
    mixed = [f for f in findings if f.rule == "enumeration" and "混用" in f.message]
    assert len(mixed) == 3  # 一要/二是 in each of the three sections
    outdated = [f for f in findings if f.rule == "outdated_term"]
    assert any("十九大" in f.excerpt for f in outdated)
    assert not any("十九" in f.excerpt for f in check_file(seed_file("001"), year=2019)
                   if f.rule == "outdated_term")


# ------------------------------------------------------------------ files, formats, report
def _write_all(tmp_path, lines):
    (tmp_path / "d.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "d.md").write_text("# " + lines[0] + "\n\n" + "\n\n".join(
        ("## " + x if x[:2] in ("一、", "二、", "三、") else x) for x in lines[1:]) + "\n", encoding="utf-8")
    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    d.save(tmp_path / "d.docx")


def test_docx_md_txt_same_findings(tmp_path):
    lines = CLEAN[:3] + ["下面，我讲四点意见。", "一、坚持政治引领", "一要抓学习。二是抓落实，，请XX同志负责。", "二、坚持大抓基层", "四、从严管理"]
    _write_all(tmp_path, lines)
    results = [[f.to_dict() for f in check_file(tmp_path / f"d.{ext}")] for ext in ("txt", "md", "docx")]
    assert results[0] == results[1] == results[2]
    assert {"placeholder", "enumeration", "count_mismatch", "punctuation"} <= {f["rule"] for f in results[0]}


@pytest.mark.parametrize("pack", ["shuzhi_speech", "dianping", "zuotan_outline", "dangjian_meeting"])
def test_rendered_example_docx_and_md_agree_and_have_no_error(runner, tmp_path, pack):
    from conftest import EXAMPLES

    config = EXAMPLES / f"{pack}.yaml"
    if not config.is_file():
        pytest.skip("example config not present")
    results = []
    for ext in ("md", "docx"):
        out = tmp_path / f"draft.{ext}"
        assert runner.invoke(cli, ["render", str(config), "-o", str(out)]).exit_code == 0
        results.append([f.to_dict() for f in check_file(out)])
    assert results[0] == results[1]
    assert [f for f in results[0] if f["severity"] == "error"] == []


@pytest.mark.parametrize("name,data", [("none.txt", None), ("empty.txt", b"  \n"), ("x.pdf", b"abc"),
                                       ("bad.docx", b"not a zip")])
def test_check_file_bad_input(tmp_path, name, data):
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    with pytest.raises(InputError):
        check_file(path)


def test_format_findings_groups_and_summary():
    text = format_findings(run(with_body("请XX同志发言,谢谢。")), "草稿.txt")
    assert text.startswith("检查 草稿.txt")
    assert "占位符[placeholder]（1）" in text and "标点[punctuation]（1）" in text  # grouped by rule, in Chinese
    assert text.index("占位符[placeholder]") < text.index("标点[punctuation]")  # errors' rules first
    assert text.rstrip().endswith("共 3 处：错误 1，警告 1，提示 1")
    assert "未发现问题" in format_findings([], "x")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="一二三四五是要、，。：“”（）()*X讲点意见方面党建工作2026年十九大 \n", max_size=60),
                min_size=1, max_size=8))
def test_check_lines_never_raises(lines):
    findings = run(lines, year=2026, target_length=100)
    n = len([line for line in lines if line.strip()])
    assert all(0 <= f.paragraph <= n and len(f.excerpt) <= 40 and f.message for f in findings)


# ------------------------------------------------------------------ CLI
def test_cli_exit_codes_and_json(runner, tmp_path):
    clean = tmp_path / "clean.txt"
    clean.write_text("\n".join(CLEAN), encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text("\n".join(with_body("请XX同志发言。")), encoding="utf-8")
    assert runner.invoke(cli, ["check", str(clean)]).exit_code == 0
    result = runner.invoke(cli, ["check", str(bad), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data[0]["rule"] == "placeholder" and set(data[0]) >= {"rule", "severity", "paragraph", "excerpt", "message"}
    missing = runner.invoke(cli, ["check", str(tmp_path / "missing.txt")])
    assert missing.exit_code == 2 and "Traceback" not in missing.output


def test_cli_year_and_target_length(runner, tmp_path):
    draft = tmp_path / "d.txt"
    draft.write_text("\n".join(with_body("学习党的十九大精神。", title="党建工作会议讲话")), encoding="utf-8")
    assert runner.invoke(cli, ["check", str(draft), "--year", "2019"]).exit_code == 0
    result = runner.invoke(cli, ["check", str(draft), "--year", "2026", "--target-length", "5000"])
    assert result.exit_code == 1 and "十九大" in result.output and "目标 5000 字" in result.output
