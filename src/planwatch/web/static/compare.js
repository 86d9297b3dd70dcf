// planwatch compare pages: click a column heading to sort the table (numbers by value, text by
// Chinese collation; "—" always last). The table reads fine without it.
(function () {
  "use strict";
  const collator = new Intl.Collator(document.documentElement.lang || "zh-CN", { numeric: true });
  document.querySelectorAll("table.sortable").forEach(table => {
    const heads = Array.from(table.tHead.rows[0].cells);
    heads.forEach((th, col) => {
      const button = th.querySelector("button.sort");
      if (!button) return;
      button.addEventListener("click", () => {
        const asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(h => h.setAttribute("aria-sort", "none"));
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        const numeric = th.classList.contains("num");
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        const key = row => {
          const cell = row.cells[col];
          if (numeric) { const v = parseFloat(cell.dataset.sort); return isNaN(v) ? null : v; }
          const text = cell.textContent.trim();
          return text === "—" || text === "" ? null : text;
        };
        rows.sort((a, b) => {
          const ka = key(a), kb = key(b);
          if (ka === null || kb === null) return (ka === null) - (kb === null);
          const d = numeric ? ka - kb : collator.compare(ka, kb);
          return asc ? d : -d;
        });
        table.classList.add("sorted");
        rows.forEach(r => { r.classList.remove("grp-start"); body.appendChild(r); });
      });
    });
  });
})();
