// Agreements index: filter the table in place by partner, theme, type, status and year.
// The choices live in the address (?partner=riga&status=active), so a filtered view can be
// shared; ids, not words, so the same address works in both languages. Without JavaScript
// the form stays hidden and the table lists every agreement.
const form = document.getElementById("filters");
const table = document.getElementById("agreements-table");

if (form && table) {
  const rows = [...table.tBodies[0].rows];
  const selects = [...form.querySelectorAll("select")];
  const count = document.getElementById("filter-count");
  const none = document.getElementById("filter-none");

  const readAddress = () => {
    const params = new URLSearchParams(location.search);
    for (const select of selects) {
      const wanted = params.get(select.name) || "";
      select.value = [...select.options].some((o) => o.value === wanted) ? wanted : "";
    }
  };

  const apply = (remember) => {
    const chosen = selects.filter((s) => s.value).map((s) => [s.name, s.value]);
    let shown = 0;
    for (const row of rows) {
      const match = chosen.every(([name, value]) =>
        (row.dataset[name] || "").split(" ").includes(value));
      row.hidden = !match;
      if (match) shown += 1;
    }
    none.hidden = shown > 0;
    count.textContent = count.dataset.template
      .replace("{shown}", String(shown)).replace("{total}", String(rows.length));
    const query = new URLSearchParams(chosen).toString();
    if (remember) {
      history.replaceState(null, "", query ? `?${query}` : location.pathname);
    }
    // The language switch keeps the same view in the other language.
    for (const link of document.querySelectorAll(".langs a[hreflang]")) {
      const url = new URL(link.href);
      url.search = query;
      link.href = url.href;
    }
  };

  form.hidden = false;
  readAddress();
  apply(false);
  form.addEventListener("change", () => apply(true));
  form.addEventListener("reset", () => setTimeout(() => apply(true)));
  form.addEventListener("submit", (event) => event.preventDefault());
}
