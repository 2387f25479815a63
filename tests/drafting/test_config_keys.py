"""The 2026-12 config keys: superior, carriers, occasion, phrases, pins, and visits/speakers as mappings —
how each is read and refused (file, line, key), what Config holds and what a template sees."""

from __future__ import annotations

import pickle
import textwrap
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from generator.drafting.compose import compose
from generator.drafting.config import Config, Speaker, Visit, parse_config
from generator.drafting.packs import resolve_type
from generator.drafting.schema import BY_NAME, KEYS, readme_table, starter_yaml
from generator.errors import ConfigError, InputError

MINIMAL = "type: zuotan_outline\nplace: 青榆县\nlevel: 县\nyear: 2026\n"
NEW_KEYS = ("superior", "carriers", "occasion", "phrases", "pins")


def parse(text: str, **kw) -> Config:
    return parse_config(text, "c.yaml", type_resolver=resolve_type, **kw)


def problems(text: str, **kw) -> str:
    with pytest.raises(ConfigError) as exc:
        parse(text, **kw)
    return exc.value.format()


# ---------------------------------------------------------------- declared once, documented everywhere
@pytest.mark.parametrize("name", NEW_KEYS)
def test_new_keys_are_declared_documented_and_in_every_starter(name):
    key = BY_NAME[name]
    assert key.help and key.label and key.example and not key.required
    assert f"| `{name}` |" in readme_table()
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"| `{name}` |" in readme
    starter = starter_yaml({"type": "zuotan_outline"}, [])
    assert f"# {name}: {key.example}" in starter  # commented out, with a realistic example


def test_every_example_is_valid_for_its_key(tmp_path):
    (tmp_path / "我的短语库").mkdir()
    text = MINIMAL + "".join(f"{k.name}: {k.example}\n" for k in KEYS
                             if k.example and k.name not in ("type", "place", "level", "year", "style", "minutes"))
    config = parse(text, base=tmp_path)
    assert config.superior == "市委" and config.carriers == ("“红色领航”工程", "党建引领“三治融合”")


def test_empty_starter_lists_show_their_example_items_as_comments():
    starter = starter_yaml({"type": "zuotan_outline", "visits": [], "speakers": []}, [])
    assert "visits: []" in starter and "#  - {place: 城关街道幸福里社区, seen: 社区党群服务中心推行“一站式”服务}" in starter
    assert "#  - 石桥镇党委书记刘志强" in starter
    uncommented = starter.replace("visits: []", "visits:").replace("speakers: []", "speakers:").replace("#  - ", "  - ")
    config = parse(uncommented.replace("type: zuotan_outline", MINIMAL))
    assert config.visits[1].seen and config.speakers[1].said


def test_new_keys_default_to_nothing():
    c = parse(MINIMAL)
    assert (c.superior, c.carriers, c.occasion, c.phrases, c.pins) == (None, (), None, (), {})
    assert c.visits == () and c.speakers == ()


# ---------------------------------------------------------------- superior
@pytest.mark.parametrize("value", ["市委", "县委", "区委", "省委", "中共青榆市委", "市委市政府"])
def test_superior_is_a_short_committee_name(value):
    assert parse(MINIMAL + f"superior: {value}\n").superior == value


@pytest.mark.parametrize("value,msg", [
    ("委", "2–20 字"), ("中" * 21, "2–20 字"), ("市委。", "不能含标点"), ("市委，县委", "不能含标点"),
    ("市 委", "不能含标点或空格"), ("12", "应为上级党委的简称"), ("[市委]", "应为上级党委的简称"),
])
def test_superior_refused_with_file_line_and_key(value, msg):
    text = problems(MINIMAL + f"superior: {value}\n")
    assert text.startswith("c.yaml：") and "第5行 superior:" in text and msg in text


def test_superior_equal_to_ones_own_committee_is_a_note():
    c = parse(MINIMAL + "superior: 县委\n")
    assert c.superior == "县委" and any("本级" in n and "superior" in n for n in c.notes)
    assert not parse(MINIMAL + "superior: 市委\n").notes


# ---------------------------------------------------------------- carriers
def test_carriers_are_kept_verbatim():
    c = parse(MINIMAL + "carriers:\n  - “红色领航”工程\n  - 党建引领“三治融合”\n")
    assert c.carriers == ("“红色领航”工程", "党建引领“三治融合”")
    assert parse(MINIMAL + "carriers: “红色领航”工程\n").carriers == ("“红色领航”工程",)


@pytest.mark.parametrize("value,where,msg", [
    ("[红]", "carriers[0]", "2–40 字"), ("[" + "红" * 41 + "]", "carriers[0]", "2–40 字"),
    ("[红色领航, 红色领航]", "carriers[1]", "与 carriers[0] 重复"), ("[12]", "carriers[0]", "应为非空文字"),
    ("{a: 1}", "carriers", "应为列表"), ("['']", "carriers[0]", "应为非空文字"),
])
def test_carriers_refused_with_line_and_key(value, where, msg):
    text = problems(MINIMAL + f"carriers: {value}\n")
    assert f"第5行 {where}:" in text and msg in text


# ---------------------------------------------------------------- occasion
@pytest.mark.parametrize("value,expected", [
    ("这是换届后召开的第一次座谈会。", "这是换届后召开的第一次座谈会。"),
    ("这是换届后召开的第一次座谈会", "这是换届后召开的第一次座谈会。"),
    ("这是换届后召开的第一次座谈会，", "这是换届后召开的第一次座谈会。"),
    ("这是第一次座谈会；", "这是第一次座谈会。"),
    ("这是第一次座谈会!", "这是第一次座谈会！"),
    ("大家说“要抓实。”", "大家说“要抓实。”"),
    ("会议开得及时吗？", "会议开得及时吗？"),
    ("这是第一次座谈会。。", "这是第一次座谈会。"),
    ("|\n  这是第一次\n  座谈会\n", "这是第一次座谈会。"),
])
def test_occasion_is_verbatim_and_ends_as_a_sentence(value, expected):
    assert parse(MINIMAL + f"occasion: {value}\n").occasion == expected


@pytest.mark.parametrize("value,msg", [
    ("长" * 201, "最多 200 字"), ("2026", "应为一两句话"), ("[a, b]", "应为一两句话"), ("'，，'", "不只是标点"),
])
def test_occasion_refused_with_line_and_key(value, msg):
    text = problems(MINIMAL + f"occasion: {value}\n")
    assert "第5行 occasion:" in text and msg in text


def _one_line(value: str) -> bool:
    return len(value.splitlines()) <= 1 and not any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs")
                                                    for ch in value)


def _yaml_with(key: str, value) -> str | None:
    try:
        return MINIMAL + yaml.safe_dump({key: value}, allow_unicode=True, width=10**6)
    except (yaml.YAMLError, UnicodeEncodeError):
        return None


def _config_with(key: str, value):
    """The config with ``key: value``; None when YAML cannot carry the value or the loader refused it — a
    refusal must name the file."""
    text = _yaml_with(key, value)
    if text is None:
        return None
    try:
        return parse(text)
    except InputError as err:
        assert err.format().startswith("c.yaml")
        return None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=220))
def test_property_occasion_is_one_line_without_controls_and_a_whole_sentence(value):
    config = _config_with("occasion", value)
    if config is not None and config.occasion is not None:
        assert _one_line(config.occasion) and config.occasion[-1] in "。！？…”’」』》〉）)]】"
        assert len(config.occasion) <= 200


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=45), max_size=4))
def test_property_carriers_are_one_line_without_controls(values):
    config = _config_with("carriers", values)
    if config is None:
        return
    assert all(_one_line(c) and 2 <= len(c) <= 40 for c in config.carriers)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=60), st.dictionaries(st.sampled_from(["place", "seen", "name", "post", "said", "x"]),
                                                       st.text(max_size=40), max_size=3)))
def test_property_visit_and_speaker_items_are_one_line(item):
    for key in ("visits", "speakers"):
        config = _config_with(key, [item])
        if config is None:
            continue
        for got in getattr(config, key):
            assert _one_line(str(got)) and all(_one_line(v) for v in got.fields().values())


# ---------------------------------------------------------------- visits and speakers
def test_plain_visit_and_speaker_strings_keep_working():
    c = parse(MINIMAL + "visits: [石桥镇河湾村, 城关街道幸福里社区]\nspeakers: [石桥镇党委书记刘志强]\n")
    assert c.visits == ("石桥镇河湾村", "城关街道幸福里社区") and "、".join(c.visits) == "石桥镇河湾村、城关街道幸福里社区"
    v = c.visits[0]
    assert isinstance(v, Visit) and isinstance(v, str) and str(v) == "石桥镇河湾村"
    assert (v.place, v.seen, v["place"], v["seen"]) == ("石桥镇河湾村", "", "石桥镇河湾村", "")
    sp = c.speakers[0]
    assert isinstance(sp, Speaker) and str(sp) == "石桥镇党委书记刘志强"
    assert (sp.name, sp.post, sp.said) == ("石桥镇党委书记刘志强", "", "")  # a plain string is not split


def test_visits_and_speakers_as_mappings():
    c = parse(MINIMAL + "visits:\n  - {place: 石桥镇河湾村, seen: 村党群服务中心“一站式”办理群众事项}\n  - 东城社区\n"
              "speakers:\n  - {name: 李红梅, post: 幸福里社区党委书记, said: 反映网格员力量不足}\n  - {name: 刘志强}\n")
    v = c.visits[0]
    assert (str(v), v.place, v.seen) == ("石桥镇河湾村", "石桥镇河湾村", "村党群服务中心“一站式”办理群众事项")
    assert c.visits[1].fields() == {"place": "东城社区", "seen": ""}
    sp = c.speakers[0]
    assert (str(sp), sp.name, sp.post, sp.said) == ("幸福里社区党委书记李红梅", "李红梅", "幸福里社区党委书记", "反映网格员力量不足")
    assert c.speakers[1].fields() == {"name": "刘志强", "post": "", "said": ""} and str(c.speakers[1]) == "刘志强"


def test_items_compare_by_text_and_fields_and_survive_pickling():
    a, b = Visit(place="河湾村", seen="看了"), Visit(place="河湾村")
    assert a == "河湾村" and b == "河湾村" and a != b and hash(a) == hash("河湾村")
    assert pickle.loads(pickle.dumps(a)) == a and pickle.loads(pickle.dumps(a)).seen == "看了"
    assert repr(a) == "Visit(place='河湾村', seen='看了')" and a[:2] == "河湾"
    with pytest.raises(AttributeError):
        a.seen = "x"  # type: ignore[misc]
    with pytest.raises(KeyError):
        a["said"]
    c1 = parse(MINIMAL + "visits: [{place: 河湾村, seen: 看了}]\n")
    c2 = parse(MINIMAL + "visits: [{place: 河湾村, seen: 听了}]\n")
    assert c1 != c2 and c1 == parse(MINIMAL + "visits: [{place: 河湾村, seen: 看了}]\n")


@pytest.mark.parametrize("text,line,key,msg", [
    ("visits:\n  - {place: 河湾村, saw: 服务中心}\n", 6, "visits[0].saw", "可用的字段：place（地点）、seen（看到的情况）"),
    ("visits:\n  - {seen: 服务中心}\n", 6, "visits[0]", "缺少 place（地点）"),
    ("visits:\n  - {place: [河湾村]}\n", 6, "visits[0].place", "应为文字"),
    ("visits:\n  - {place: ''}\n", 6, "visits[0].place", "不能为空（地点）"),
    ("speakers:\n  - {name: 李红梅, job: 书记}\n", 6, "speakers[0].job", "可用的字段：name（姓名）、post（职务）、said（发言要点）"),
    ("speakers:\n  - {post: 书记, said: 很好}\n", 6, "speakers[0]", "缺少 name（姓名）"),
    ("speakers:\n  - {name: " + "李" * 61 + "}\n", 6, "speakers[0].name", "最多 60 字"),
    ("speakers:\n  - {name: 李红梅, said: " + "说" * 301 + "}\n", 6, "speakers[0].said", "最多 300 字"),
    ("visits: true\n", 5, "visits", "应为列表"),
    ("visits:\n  - [a, b]\n", 6, "visits[0]", "应为非空文字"),
])
def test_visit_and_speaker_problems_name_line_and_key(text, line, key, msg):
    got = problems(MINIMAL + text)
    assert got.startswith("c.yaml：") and f"第{line}行 {key}:" in got and msg in got


def test_a_single_mapping_is_one_item():
    assert parse(MINIMAL + "visits: {place: 河湾村, seen: 看了}\n").visits == (Visit(place="河湾村", seen="看了"),)


# ---------------------------------------------------------------- phrases
def test_phrases_relative_to_the_config_folder(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "more").mkdir()
    cfg = tmp_path / "c.yaml"
    c = parse_config(MINIMAL + "phrases: [mine, more, mine]\n", str(cfg), type_resolver=resolve_type)
    assert c.phrases == (tmp_path / "mine", tmp_path / "more") and all(isinstance(p, Path) for p in c.phrases)
    c = parse_config(MINIMAL + "phrases: mine\n", str(cfg), type_resolver=resolve_type)
    assert c.phrases == (tmp_path / "mine",)
    absolute = parse_config(MINIMAL + f"phrases: '{tmp_path / 'more'}'\n", "elsewhere/c.yaml", type_resolver=resolve_type)
    assert absolute.phrases == (tmp_path / "more",)


def test_phrases_loaded_from_a_file_use_its_folder(tmp_path, monkeypatch):
    from generator.drafting.config import load_config

    (tmp_path / "sub" / "mine").mkdir(parents=True)
    (tmp_path / "sub" / "c.yaml").write_text(MINIMAL + "phrases: [mine]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert load_config("sub/c.yaml", type_resolver=resolve_type).phrases == (tmp_path / "sub" / "mine",)


def test_phrases_must_be_existing_folders(tmp_path):
    (tmp_path / "file.yaml").write_text("- a\n", encoding="utf-8")
    (tmp_path / "mine").mkdir()
    text = problems(MINIMAL + "phrases:\n  - mine\n  - nope\n  - file.yaml\n  - 12\n", base=tmp_path)
    assert "c.yaml：配置有 3 处问题" in text
    assert "第7行 phrases[1]: 短语库文件夹不存在：nope" in text
    assert "第8行 phrases[2]: 不是文件夹：file.yaml" in text and "第9行 phrases[3]: 应为短语库文件夹的路径" in text
    assert "第5行 phrases: 应为短语库文件夹的路径" in problems(MINIMAL + "phrases: {a: 1}\n", base=tmp_path)
    assert "第5行 phrases: 短语库文件夹不存在" in problems(MINIMAL + "phrases: nope\n", base=tmp_path)


# ---------------------------------------------------------------- pins (工作台用)
def test_pins_shape_only():
    c = parse(MINIMAL + "pins:\n  opening: opening.0012\n  'sec1.head2': 一要把政治建设摆在首位\n")
    assert c.pins == {"opening": "opening.0012", "sec1.head2": "一要把政治建设摆在首位"} and isinstance(c.pins, dict)
    assert "工作台用" in BY_NAME["pins"].help


@pytest.mark.parametrize("text,where,msg", [
    ("pins: [a]\n", "第5行 pins:", "映射"), ("pins:\n  opening: 12\n", "第6行 pins.opening:", "应为短语条目 id 或一句原文"),
    ("pins:\n  3: x\n", "第6行 pins.3:", "位置应为"), ("pins:\n  opening: [a]\n", "第6行 pins.opening:", "文字"),
])
def test_pins_refused_with_line_and_key(text, where, msg):
    got = problems(MINIMAL + text)
    assert where in got and msg in got


def test_a_default_pins_mapping_is_never_shared():
    a, b = Config({}), Config({})
    a.pins["x"] = "y"
    assert b.pins == {} and parse(MINIMAL).pins == {}


# ---------------------------------------------------------------- what a template sees
def _pack(root: Path, body: str) -> Path:
    pack = root / "packs" / "tt"
    pack.mkdir(parents=True)
    (pack / "manifest.yaml").write_text("id: tt\nname: 测试会议讲话\n", encoding="utf-8")
    (pack / "speech.j2").write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return root / "packs"


def _draft(tmp_path, body: str, extra: str):
    packs = _pack(tmp_path, body)
    config = parse_config("type: tt\nplace: 青榆县\nlevel: 县\nyear: 2026\n" + extra, "c.yaml",
                          type_resolver=lambda t: resolve_type(t, [packs]))
    return compose(config, template_dirs=[packs])


def test_template_reads_visits_and_speakers_as_strings_and_as_fields(tmp_path):
    d = _draft(tmp_path, """
        @title 座谈
        @p 调研了{{ s.join(cfg.visits, "、") }}。
        @p {% for v in cfg.visits %}[{{ v }}|{{ v.place }}|{{ v.seen }}|{{ v["place"] }}]{% endfor %}{{ "" }}
        @p {% for sp in cfg.speakers %}[{{ sp }}|{{ sp.name }}|{{ sp.post }}|{{ sp.said }}]{% endfor %}{{ "" }}
        @p 看到{{ cfg.visits|selectattr("seen")|list|length }}处，{{ s.join(cfg.visits|map(attribute="place")|list, "、") }}。
        """, "visits:\n  - 石桥镇河湾村\n  - {place: 东城社区, seen: 网格员入户走访}\n"
             "speakers:\n  - 石桥镇党委书记刘志强\n  - {name: 李红梅, post: 幸福里社区党委书记, said: 反映网格员力量不足。}\n")
    p = [b.text for b in d.blocks]
    assert p[0] == "调研了石桥镇河湾村、东城社区。"
    assert p[1] == "[石桥镇河湾村|石桥镇河湾村||石桥镇河湾村][东城社区|东城社区|网格员入户走访|东城社区]"
    assert p[2] == "[石桥镇党委书记刘志强|石桥镇党委书记刘志强||][幸福里社区党委书记李红梅|李红梅|幸福里社区党委书记|反映网格员力量不足]"
    assert p[3] == "看到1处，石桥镇河湾村、东城社区。"
    sources = {s.source for b in d.blocks for s in b.spans}
    assert {"config:visits[0]", "config:visits[1].seen", "config:speakers[1].said", "config:speakers[1].post"} <= sources


def test_template_reads_superior_carriers_occasion(tmp_path):
    body = """
        @title 讲话
        @p {{ cfg.occasion }}在{{ cfg.superior or "上级党委" }}的坚强领导下，我们推进{{ s.join(cfg.carriers, "、") }}。
        @p [{{ cfg.phrases|length }}|{{ cfg.pins|length }}]
        """
    d = _draft(tmp_path, body, "superior: 市委\ncarriers: [“红色领航”工程, 党建引领“三治融合”]\n"
                               "occasion: 这是换届后的第一次座谈会\npins: {opening: opening.0001}\n")
    assert d.blocks[0].text == "这是换届后的第一次座谈会。在市委的坚强领导下，我们推进“红色领航”工程、党建引领“三治融合”。"
    assert d.blocks[1].text == "[0|1]"
    assert {"config:occasion", "config:superior", "config:carriers[1]"} <= {s.source for b in d.blocks for s in b.spans}
    bare = _draft(tmp_path / "b", body, "")
    assert bare.blocks[0].text == "在上级党委的坚强领导下，我们推进。"


def test_template_sees_phrase_folders_as_text_never_as_paths(tmp_path):
    (tmp_path / "mine").mkdir()
    packs = _pack(tmp_path, "@title 讲话\n@p {{ cfg.phrases[0].read_text() }}\n")
    config = parse_config("type: tt\nplace: 青榆县\nlevel: 县\nyear: 2026\nphrases: [mine]\n", str(tmp_path / "c.yaml"),
                          type_resolver=lambda t: resolve_type(t, [packs]))
    with pytest.raises(InputError):  # a str has no read_text: the folder is never opened by a template
        compose(config, template_dirs=[packs])
