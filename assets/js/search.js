// Search page: queries the Pagefind index, a static folder of this same site, and lists the
// results in the reader's language (Pagefind loads the index of the page's <html lang>).
// Without JavaScript the page keeps its form and a way to browse every agreement instead.
const section = document.getElementById("search-results");
const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-list");
const MAX_RESULTS = 30;

let pagefind = null;
let latest = 0;
let timer = 0;

function say(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
}

async function engine() {
  if (!pagefind) {
    const bundle = section.dataset.bundle;
    const found = await import(bundle + "pagefind.js");
    await found.options({ baseUrl: section.dataset.base });
    // A large site's index comes in shards: the first bundle lists the others to merge.
    const shards = await (await fetch(bundle + "shards.json")).json();
    for (const shard of shards) {
      await found.mergeIndex(bundle + shard, { baseUrl: section.dataset.base });
    }
    await found.init();
    pagefind = found;
  }
  return pagefind;
}

// Pagefind's excerpt is HTML with the matched words in <mark>: keep only text and marks.
function excerpt(html) {
  const p = document.createElement("p");
  p.className = "search-excerpt";
  const parsed = new DOMParser().parseFromString(html, "text/html");
  for (const node of parsed.body.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      p.append(mark);
    } else {
      p.append(node.textContent);
    }
  }
  return p;
}

function item(result) {
  const li = document.createElement("li");
  li.className = "search-result";
  if (result.meta.kind) {
    const kind = document.createElement("p");
    kind.className = "kicker";
    kind.textContent = result.meta.kind;
    li.append(kind);
  }
  const heading = document.createElement("h3");
  const link = document.createElement("a");
  link.href = result.url;
  link.textContent = result.meta.title || result.url;
  heading.append(link);
  li.append(heading, excerpt(result.excerpt));
  return li;
}

function remember(query) {
  const url = new URL(location.href);
  if (query) {
    url.searchParams.set("q", query);
  } else {
    url.searchParams.delete("q");
  }
  history.replaceState(null, "", url);
}

async function run(raw) {
  const query = raw.trim();
  const mine = ++latest;
  remember(query);
  if (!query) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  status.textContent = section.dataset.loading;
  try {
    const found = await (await engine()).search(query);
    const results = await Promise.all(found.results.slice(0, MAX_RESULTS).map((r) => r.data()));
    if (mine !== latest) return; // a newer query is on its way
    list.replaceChildren(...results.map(item));
    const n = found.results.length;
    const key = n === 0 ? "none" : n === 1 ? "one" : "many";
    status.textContent = say(section.dataset[key], { n, q: query });
  } catch {
    if (mine === latest) status.textContent = section.dataset.error;
  }
}

document.getElementById("search-nojs").hidden = true;
section.hidden = false;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(timer);
  run(input.value);
});
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => run(input.value), 250);
});
const initial = new URLSearchParams(location.search).get("q");
if (initial) {
  input.value = initial;
  run(initial);
}
