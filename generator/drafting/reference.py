"""The template author's reference (docs/templates.md), generated from the schema, the plan and the API.

Pelican documents every variable a theme sees in one table; ours is generated, so it cannot fall
behind: a test fails when a ``s.*`` method, a config key or a plan field has no entry here.
"""

from __future__ import annotations

import dataclasses
import inspect

from generator.bank.entries import CATEGORY_ZH
from generator.drafting.plan import Plan
from generator.drafting.schema import KEYS, REPORTER_FIELDS
from generator.drafting.template_api import TemplateApi

#: Every public member of ``s`` (TemplateApi): what it does, in Chinese, and an example line of a template.
API = {
    "phrase": ("从短语库取一条（类别可写中文名，如 开头、过渡）；可按主题、only、need、avoid、match 筛选，槽位用关键字参数填",
               '{{ s.phrase("过渡", need="count", count=s.count(4)) }}'),
    "phrases": ("取至多 n 条；only=\"curated\" 只用手写条目，need 要求含某槽位，avoid/match 为正则（错误或过慢的写法会报错），"
                "near= 优先与某句话题相近的句子",
                '{{ s.join(s.phrases("requirement", plan.body, theme, near=head), "") }}'),
    "heads": ("某主题的 n 条“一要……”小标题，序号随 kind（yao 一要、shi 一是、h2 （一）……）；每条讲一件事，两条不讲同一件事，"
              "短语库撑不起正文的小标题不用；problems= 传 s.problems_for(i) 的结果，就为每个问题选一条对题的小标题，"
              "其正文以“针对……的问题，……”开头；avoid= 为小标题不可匹配的正则；point= 传本部分的配置要点："
              "用户用自己的话写的要点（不是主题名），只取讲这件事的小标题，没有时写一条〔待补〕小标题",
              "{% for head in s.heads(theme, plan.subpoints, problems=s.problems_for(loop.index0)) %}"),
    "keypoints": ("提纲用的短要点（不带序号）；problems=、avoid= 同 heads",
                  "{% for k in s.keypoints(theme, 3, s.problems_for(loop.index0)) %}@h3 {{ loop.index }}.{{ k }}{% endfor %}"),
    "problems_for": ("第 i 个部分（cfg.points[i]）要回应的配置问题（cfg.problems 的下标）：按问题讲的主题和事分到对应部分，每个问题只分一次",
                     "{% set answers = s.problems_for(loop.index0) %}"),
    "answer_problems": ("为每个配置问题写一句“针对……的问题，……”，措施取自短语库里讲这件事的句子（没有时写一句如何整改，不凭空编措施）",
                        '{{ s.join(s.answer_problems(), "") }}'),
    "remedies": ("点评用：第 i 位述职人的“下一步”，逐条回应其本人的问题（要在解决……的问题上下功夫，……），"
                 "不对“各级党组织”提要求，不用别人用过的句子；n 为每个问题几句",
                 '下一步，{{ s.join(s.remedies(r.index), "") }}'),
    "carrier_for": ("为一条小标题找配置里与之同一件事的本地工作载体（carriers），写一句用好它的话；每个载体全稿只用一次，"
                    "没有对题的载体时为空", "{{ head }}。{{ body }}{{ s.carrier_for(head) }}"),
    "carriers_left": ("还没有哪一条用到的本地工作载体（结尾“用好……等载体”用）", '{{ s.join(s.carriers_left(), "、") }}'),
    "counts_reporters": ("配置的 occasion（本次会议的情况）是否已说了几位同志述职（如“4位现场述职”）：是则开场点名时不再说“四位同志”",
                         '{{ "" if s.counts_reporters(cfg.occasion) else s.count(cfg.reporters|length) ~ "位" }}同志'),
    "opens_with": ("某段文字（如调研点的所见）是否以某个名字或其后半截（至少四个字）开头：是则不必再写“在……，”",
                   '{{ "" if s.opens_with(v.seen, v.place) else "在" ~ v.place ~ "，" }}{{ v.seen }}'),
    "starts": ("某段文字（不计出处标记）是否以所给的词之一开头，如发言是否以“建议”起头（是则不写“谈到，”）",
               '{{ sp.name }}同志{{ "" if s.starts(sp.said, "建议", "希望") else "谈到，" }}{{ sp.said }}'),
    "asked": ("座谈会用：有哪些发言人提的要求（建议……、希望……、如果……愿意……）已在某条要点里点名回应（接在与之同一件事的问题的措施后面）",
              '{% if s.asked() %}会后要逐条梳理，按时给提建议的同志回话。{% endif %}'),
    "takes_up": ("座谈会用：某位发言人提的要求是否已在某条要点里点名回应（是则开头不必再说“建议很实在”）",
                 '{% if not s.takes_up(sp.name) %}{{ sp.name }}同志提的建议很实在。{% endif %}'),
    "situation": ("座谈会用：某位发言人讲的情况，去掉其中提的要求（要求由要点回应，开头不再重复）；全是要求时为空",
                  '{{ sp.name }}同志谈到，{{ s.situation(sp.name) }}'),
    "guiding": ("开会年份讲话用的指导思想表述（手写资料 years.yaml，注明出处），未收录的年份为空", "坚持{{ s.guiding() }}"),
    "year_tasks": ("开会年份的党建主线任务（如 抓好村（社区）“两委”换届），手写资料 years.yaml", '{{ s.join(s.year_tasks(), "，") }}'),
    "section_title": ("一级标题：已知主题用短语库的标题，否则原样用配置里的那句话", '@h1 {{ s.enum(loop.index, "h1") }}{{ s.section_title(point, loop.index0) }}'),
    "theme": ("一句话对应的规范主题（政治建设……），认不出时为空", "{% set theme = s.theme(point) %}"),
    "themes_known": ("全部规范主题", "{{ s.join(s.themes_known(), \"、\") }}"),
    "fact": ("把一个值作为配置事实写入（带出处）", '{{ s.fact(cfg.place, "place") }}'),
    "facts": ("某个列表型配置项的全部事实（带出处）", '{{ s.series(s.facts("achievements")) }}'),
    "todo": ("缺事实时写〔待补：说明〕，并在 Word 中黄色突出", '{{ s.todo("调研去过的地方") }}'),
    "year_facts": ("开会年份的公认意义（手写资料 years.yaml）", "{% for f in s.year_facts() %}是{{ f }}{% endfor %}"),
    "cn": ("中文数字（1–999）：s.cn(12) → 十二", "{{ s.cn(plan.subpoints) }}"),
    "count": ("量词前的数：两点意见、十二位同志", "下面，我讲{{ s.count(cfg.points|length) }}点意见。"),
    "enum": ("第 i 个序号：yao 一要、shi 一是、di 第一、h1 一、、h2 （一）、h3 1.、h4 （1）", '{{ s.enum(2, "h2") }}'),
    "emph": ("把一句标成“要点句”（单位版式可设为加粗）", "{{ s.emph(head) }}"),
    "series": ("一是A；二是B。只有一项时不编号", "{{ s.series(cfg.problems) }}"),
    "join": ("把列表连成一段，默认不加分隔符；要顿号写 s.join(列表, \"、\")", '{{ s.join(cfg.visits, "、") }}'),
    "lead": ("把一句的句末改成冒号，后面好接列举", '{{ s.lead(s.phrase("problem_intro")) }}'),
    "used": ("本稿已用的短语条数", "{# s.used #}"),
}

#: Every field of ``plan``: what it means.
PLAN = {
    "level": "篇幅档次（0 起，越大越长）",
    "subpoints": "每部分讲几条（2–5）",
    "body": "每条小标题后几句（1–10）",
    "intro": "每部分的引言几句（0–2）",
    "extra": "开头、形势、结尾各多说几句（0–3）",
    "thin": "按比例少说一句的条目份额（贴合字数用，模板一般不直接读）",
}

#: What a template sees besides the config keys.
CONTEXT = {
    "cfg.scope / cfg.committee / cfg.our": "由 level 推出的称谓：全区、区委、我区",
    "cfg.reporters[i]": "述职人：name、post、highlights、problems（均带出处），name_text 纯文字，index 下标，"
                        "address 当面称呼用的名字（刘志强 → 志强，孙丽 → 孙丽；填 {reporter} 槽，第三次起改称“你”），"
                        "problem_themes 问题涉及的主题",
    "cfg.visits[i] / cfg.speakers[i]": "调研点、发言人：本身是原来的文字（{{ v }}），另有字段 place、seen（看到的情况）"
                                       "与 name、post、said（讲了什么），没写的字段为空",
    "each": "render --each 为每位述职人单独成文时为 true",
}


def public_members() -> list[str]:
    return sorted(n for n, _ in inspect.getmembers(TemplateApi) if not n.startswith("_"))


def reference_markdown() -> str:
    """docs/templates.md: everything a template may use, with examples."""
    out = ["# 模板可用的一切（自动生成，勿手改）", "",
           "由 `python tests/golden/regen.py` 从 `generator/drafting/schema.py`、`plan.py` 与 `template_api.py` 生成；"
           "测试保证它与代码一致。模板每行以 `@title`、`@byline`、`@salutation`、`@h1`–`@h4`、`@p` 开头；"
           "`{{ … }}` 只能输出文字或数字（输出列表或空值会报错并指出模板行）。", "",
           "## cfg：配置项", "", "| 名字 | 含义 |", "|---|---|"]
    out += [f"| `cfg.{k.name}` | {k.help.replace('|', '｜')} |" for k in KEYS]
    out += [f"| `{name}` | {text} |" for name, text in CONTEXT.items()]
    out += ["", "述职人的字段：" + "、".join(f"`{f}` {h}" for f, h in REPORTER_FIELDS.items()) + "。", "",
            "## plan：篇幅计划", "", "| 名字 | 含义 |", "|---|---|"]
    out += [f"| `plan.{f.name}` | {PLAN[f.name]} |" for f in dataclasses.fields(Plan)]
    out += ["", "## s：取用短语与事实", "", "| 调用 | 作用 | 例 |", "|---|---|---|"]
    for name in public_members():
        member = getattr(TemplateApi, name)
        sig = "" if isinstance(member, property) else str(inspect.signature(member)).replace("self, ", "").replace("(self)", "()")
        text, example = API[name]
        out.append(f"| `s.{name}{sig}` | {text} | `{example.replace('|', '¦')}` |")
    out += ["", "## 短语类别", "", "类别可写英文 id，也可写中文名：", "", "| id | 中文名 |", "|---|---|"]
    out += [f"| `{c}` | {zh} |" for c, zh in CATEGORY_ZH.items()]
    return "\n".join(out) + "\n"
