// planwatch: small progressive enhancements; every page works without them.
(function () {
  "use strict";
  const zh = document.documentElement.lang !== "en";

  // Document view: a highlighted line shows its items in the side list, and an
  // item in the list scrolls to and marks its line.
  function focusLine(id) {
    document.querySelectorAll(".ln.focus").forEach(e => e.classList.remove("focus"));
    const el = document.getElementById(id);
    if (el) { el.classList.add("focus"); el.scrollIntoView({ block: "center" }); }
  }
  document.querySelectorAll(".doc-text .ln.hl").forEach(line => {
    line.addEventListener("click", () => {
      document.querySelectorAll(".doc-items li.focus").forEach(e => e.classList.remove("focus"));
      let first = null;
      (line.dataset.items || "").trim().split(/\s+/).forEach(key => {
        const li = document.getElementById("item-" + key);
        if (li) { li.classList.add("focus"); first = first || li; }
      });
      (line.dataset.findings || "").trim().split(/\s+/).forEach(key => {
        const li = document.getElementById("finding-" + key);
        if (li) { li.classList.add("focus"); first = first || li; }
      });
      if (first) first.scrollIntoView({ block: "center" });
      focusLine(line.id);
    });
  });
  document.querySelectorAll(".doc-items a.to-line").forEach(a => {
    a.addEventListener("click", ev => { ev.preventDefault(); focusLine(a.getAttribute("href").slice(1)); history.replaceState(null, "", a.getAttribute("href")); });
  });
  // Audit panel: a finding marks every line it names in the source beside it.
  document.querySelectorAll(".audit-findings li[data-lines]").forEach(li => {
    li.addEventListener("click", ev => {
      ev.preventDefault();
      document.querySelectorAll(".ln.focus").forEach(e => e.classList.remove("focus"));
      document.querySelectorAll(".audit-findings li.focus").forEach(e => e.classList.remove("focus"));
      li.classList.add("focus");
      const ids = li.dataset.lines.trim().split(/\s+/).map(n => "L" + n);
      ids.forEach(id => { const el = document.getElementById(id); if (el) el.classList.add("focus"); });
      const first = document.getElementById(ids[0]);
      if (first) first.scrollIntoView({ block: "center" });
      history.replaceState(null, "", "#" + ids[0]);
    });
  });
  if (location.hash.startsWith("#L")) focusLine(location.hash.slice(1));

  // Error pages: "back" goes back in history (a javascript: link would be inline script, refused by the CSP).
  document.querySelectorAll("a[data-back]").forEach(a => {
    a.addEventListener("click", ev => { if (history.length > 1) { ev.preventDefault(); history.back(); } });
  });

  // Forms: validate numbers as the user types, with the message beside the field.
  const MSG = {
    number: zh ? "请输入数字" : "Enter a number",
    negative: zh ? "不能为负数" : "Cannot be negative",
    percent: zh ? "百分比不能超过100" : "A percentage cannot exceed 100",
    required: zh ? "必填" : "Required",
    large: zh ? "数值过大" : "The value is too large",
  };
  function check(input) {
    const v = input.value.trim();
    let msg = "";
    if (!v) { msg = input.dataset.required ? MSG.required : ""; }
    else if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(v.replace(/,/g, ""))) msg = MSG.number;
    else {
      const x = parseFloat(v.replace(/,/g, ""));
      if (!isFinite(x) || Math.abs(x) > 1e13) msg = MSG.large;
      else if (x < 0 && input.dataset.allowNegative !== "1") msg = MSG.negative;
      else if (input.dataset.percent === "1" && x > 100) msg = MSG.percent;
    }
    const out = document.querySelector('.field-error[data-for="' + input.id + '"]');
    if (out) out.textContent = msg;
    input.classList.toggle("invalid", !!msg);
    input.setAttribute("aria-invalid", msg ? "true" : "false");
    return !msg;
  }
  document.querySelectorAll("input[data-validate=number]").forEach(input => {
    input.addEventListener("input", () => check(input));
    input.form && input.form.addEventListener("submit", ev => { if (!check(input)) { ev.preventDefault(); input.focus(); } });
  });
})();

// "Select all" boxes: a header checkbox with data-select-all="G" ticks every box with data-group="G".
(function () {
  document.querySelectorAll("input[data-select-all]").forEach(all => {
    all.addEventListener("change", () => {
      document.querySelectorAll('input[data-group="' + all.dataset.selectAll + '"]').forEach(box => { box.checked = all.checked; });
    });
  });
})();
