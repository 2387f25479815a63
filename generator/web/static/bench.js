// speechgen 工作台: list editing (add, remove, reorder), the type switch, the source of a clicked sentence and
// its 换一句/锁定 buttons (rendered by the server in <template>s; pressing one posts the form to /pin).
// Our own small script; the page works from the server's HTML, this only makes editing quicker.
(function () {
  "use strict";

  function itemOf(el) { return el.closest(".item"); }

  function onTool(button) {
    const box = button.closest(".list");
    if (!box) return false;
    const items = box.querySelector(".items");
    if (button.classList.contains("js-add")) {
      const tpl = box.querySelector("template");
      const row = tpl.content.firstElementChild.cloneNode(true);
      items.appendChild(row);
      const first = row.querySelector("input, textarea");
      if (first) first.focus();
      return true;
    }
    const item = itemOf(button);
    if (!item) return false;
    if (button.classList.contains("js-del")) {
      const next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      const focus = next ? next.querySelector("input, textarea") : box.querySelector(".js-add");
      if (focus) focus.focus();
    } else if (button.classList.contains("js-up") && item.previousElementSibling) {
      items.insertBefore(item, item.previousElementSibling);
      button.focus();
    } else if (button.classList.contains("js-down") && item.nextElementSibling) {
      items.insertBefore(item.nextElementSibling, item);
      button.focus();
    }
    return true;
  }

  function sourceData() {
    const blob = document.getElementById("sources-data");
    if (!blob) return {};
    try { return JSON.parse(blob.textContent || "{}"); } catch (e) { return {}; }
  }

  function showActions(span) {
    // the slot's buttons (换一句, 锁定/解锁), or why this stretch cannot be swapped
    const actions = document.getElementById("slot-actions");
    if (!actions) return null;
    const tpl = document.getElementById(span.dataset.slot !== undefined ? "slot-" + span.dataset.slot
                                                                          : "fixed-" + span.dataset.kind);
    if (!tpl) { actions.replaceChildren(); return null; }
    actions.replaceChildren(tpl.content.cloneNode(true));
    return actions.querySelector("button");
  }

  function showSource(span, data, fromKeyboard) {
    const body = document.getElementById("source-body");
    const rows = data[span.dataset.src];
    if (!body || !rows) return;
    document.querySelectorAll(".sp.selected").forEach(function (s) { s.classList.remove("selected"); });
    const same = span.dataset.slot !== undefined
      ? document.querySelectorAll('.sp[data-slot="' + span.dataset.slot + '"]') : [span];
    same.forEach(function (s) { s.classList.add("selected"); });
    const box = document.createElement("div");
    box.className = "source";
    box.id = "source-detail";
    box.dataset.src = span.dataset.src;
    const dl = document.createElement("dl");
    rows.forEach(function (row) {
      const dt = document.createElement("dt");
      dt.textContent = row[0];
      const dd = document.createElement("dd");
      dd.textContent = row[1];
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
    box.appendChild(dl);
    body.replaceChildren(box);
    const first = showActions(span);
    if (fromKeyboard && first) first.focus();  // Enter on a sentence opens its buttons; Esc comes back
  }

  function selectedSpan() { return document.querySelector(".sp.selected"); }

  function restoreSelection(data) {
    // after 换一句/锁定 the page comes back with the same place shown and the pressed button focused again
    const paper = document.getElementById("draft");
    if (!paper || paper.dataset.selected === undefined) return;
    const span = paper.querySelector('.sp[data-slot="' + paper.dataset.selected + '"]');
    if (!span) return;
    showSource(span, data, false);
    span.scrollIntoView({ block: "center" });
    const button = paper.dataset.focus ? document.getElementById(paper.dataset.focus) : null;
    (button || span).focus({ preventScroll: true });
  }

  function markParagraph(number) {
    const target = document.getElementById("p-" + number);
    if (!target) return;
    document.querySelectorAll(".paper > div.target").forEach(function (d) { d.classList.remove("target"); });
    target.classList.add("target");
    target.scrollIntoView({ block: "center" });
    const first = target.querySelector(".sp");
    if (first) first.focus({ preventScroll: true });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const data = sourceData();
    document.addEventListener("click", function (e) {
      const button = e.target.closest("button");
      if (button && button.type === "button" && onTool(button)) { e.preventDefault(); return; }
      const span = e.target.closest(".sp");
      if (span) { showSource(span, data, false); return; }
      const link = e.target.closest("a.flink");
      if (link) { e.preventDefault(); markParagraph(link.dataset.p); }
    });
    document.addEventListener("keydown", function (e) {
      const span = e.target.closest && e.target.closest(".sp");
      if (span && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); showSource(span, data, true); }
      if (e.key === "Escape" && e.target.closest && e.target.closest("#slot-actions")) {
        const back = selectedSpan();
        if (back) { e.preventDefault(); back.focus(); }
      }
      if (e.altKey && (e.key === "g" || e.key === "G")) {
        const gen = document.getElementById("btn-generate");
        if (gen) { e.preventDefault(); gen.click(); }
      }
    });
    restoreSelection(data);
    const upload = document.getElementById("upload");
    const uploadLabel = document.getElementById("upload-label");
    if (upload && uploadLabel) {
      upload.addEventListener("change", function () {
        uploadLabel.textContent = upload.files && upload.files.length ? upload.files[0].name : "选择配置文件…";
      });
    }
    const type = document.getElementById("f-type");
    const sw = document.getElementById("btn-switch");
    if (type && sw) {
      sw.hidden = true;
      type.addEventListener("change", function () {
        const form = sw.form;
        if (form && form.requestSubmit) form.requestSubmit(sw); else sw.click();
      });
    }
  });
})();
