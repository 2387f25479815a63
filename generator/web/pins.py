"""换一句 and 锁定 as the page asks for them: one button's request applied to the config's ``pins``
(slot id → entry id, or the user's own text).

Only that mapping is edited here. Which sentence may stand where, and which pins a draft could not use,
is the library's to say when it composes the config again (``generator.drafting.compose``)."""

from __future__ import annotations

import json
from dataclasses import dataclass

#: What a button may ask: put the next sentence in (and keep it), keep the current one, let go of a pin
#: (``unlock`` from the source panel, ``drop`` from the list of pins the draft could not use).
ACTIONS = ("swap", "lock", "unlock", "drop")
MAX_SLOT = 80  # as the loader allows (generator.drafting.config._pins)
MAX_VALUE = 2000


@dataclass(frozen=True)
class PinRequest:
    do: str
    slot: str
    value: str = ""


def request_value(do: str, slot: str, value: str = "") -> str:
    """The value of the button that asks for ``do`` at ``slot`` (what ``parse`` reads back)."""
    body = {"do": do, "slot": slot, **({"value": value} if value else {})}
    return json.dumps(body, ensure_ascii=False)


def parse(raw: str | None) -> PinRequest | None:
    """The request a pressed button sent, or None when it is not one the page makes."""
    if not raw or len(raw) > MAX_SLOT * 4 + MAX_VALUE * 4 + 100:
        return None
    try:
        body = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    do, slot, value = body.get("do"), body.get("slot"), body.get("value", "")
    if do not in ACTIONS or not isinstance(slot, str) or not isinstance(value, str):
        return None
    slot, value = slot.strip(), value.strip()
    if not slot or len(slot) > MAX_SLOT or len(value) > MAX_VALUE or (do in ("swap", "lock") and not value):
        return None
    return PinRequest(do, slot, value)


def apply(pins, req: PinRequest) -> tuple[dict, str]:
    """``pins`` (the config's value, possibly absent) with ``req`` applied, and what to tell the user.

    Raises ValueError (a Chinese message) when the config's ``pins`` is not a mapping the page can edit."""
    if pins in (None, "", {}):
        pins = {}
    if not isinstance(pins, dict):
        raise ValueError("配置里的 pins 不是“位置: 句子”的映射，页面无法修改；请先在配置文件里改正或删去它。")
    out = {str(k): v for k, v in pins.items()}
    if req.do == "swap":
        out[req.slot] = req.value
        return out, "已换一句，并锁定在这个位置（重新生成时保留；点“解锁”放开）。"
    if req.do == "lock":
        out[req.slot] = req.value
        return out, "已锁定这一句：改动配置或换随机种子重新生成时都保留它。"
    existed = out.pop(req.slot, None) is not None
    if req.do == "drop":
        return out, f"已移除没有用上的锁定“{req.slot}”。" if existed else "这个锁定已经不在配置里了。"
    return out, "已解锁这一句，重新生成时由工具重新挑选。" if existed else "这一句本来就没有锁定。"
