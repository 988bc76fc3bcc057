// The probation-kg web page: an overview with entity search, saved-query forms, a SPARQL
// editor, results as a table (sort, filter, pages of PAGE_SIZE rows).
// Plain JavaScript served by probkg itself: no framework, no CDN, works offline. The editor
// is CodeMirror when setup has bundled it (static/vendor/editor.js), else the plain textarea.
// The page's state lives in its URL (?saved=NAME&param=value or ?query=..., then the table's
// _sort, _desc, _filter, _page and _chart), so any view of a result can be shared by its address.
"use strict";

const config = JSON.parse(document.getElementById("config").textContent);
const $ = (id) => document.getElementById(id);
const RESULTS_JSON = "application/sparql-results+json";
const PAGE_SIZE = 100;
const VIEW_KEYS = ["_sort", "_desc", "_filter", "_page", "_chart"]; // saved-query parameters never start with "_"

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function compact(iri) {
  let best = null;
  for (const [prefix, base] of Object.entries(config.prefixes)) {
    if (iri.startsWith(base) && (!best || base.length > best[1].length)) best = [prefix, base];
  }
  if (!best) return iri;
  const local = iri.slice(best[1].length);
  return local && !local.includes("/") && !local.includes("#") ? `${best[0]}:${local}` : iri;
}

// Our IRIs link to their pages here: entities under /id/, ontology terms under /ontology/.
function href(iri) {
  if (iri.startsWith(config.idBase)) return "/id/" + iri.slice(config.idBase.length);
  if (iri.startsWith(config.ontology)) return "/ontology/" + iri.slice(config.ontology.length);
  return iri;
}

function cell(binding) {
  const td = el("td");
  if (!binding) return td;
  if (binding.type === "uri") {
    td.append(el("a", { href: href(binding.value), title: binding.value, text: compact(binding.value) }));
  } else {
    td.textContent = binding.value;
  }
  return td;
}

// --- the results table: sort, filter, pages -------------------------------------------

const view = { vars: [], rows: [], sort: null, desc: false, filter: "", page: 1, chart: null, note: "" };

function cellText(binding) {
  if (!binding) return "";
  return binding.type === "uri" ? compact(binding.value) : binding.value;
}

function compareCells(a, b) {
  const x = cellText(a), y = cellText(b);
  const nx = Number(x), ny = Number(y);
  if (x !== "" && y !== "" && !Number.isNaN(nx) && !Number.isNaN(ny)) return nx - ny;
  return x.localeCompare(y, undefined, { numeric: true });
}

function readView(params) {
  view.sort = params.get("_sort");
  view.desc = params.get("_desc") === "1";
  view.filter = params.get("_filter") || "";
  view.page = Math.max(1, parseInt(params.get("_page") || "1", 10) || 1);
  view.chart = params.get("_chart");
}

// The address of the current query (`base`: its own parameters) with the table's view after it.
function address(base) {
  const params = new URLSearchParams([...base].filter(([key]) => !VIEW_KEYS.includes(key)));
  if (view.sort) params.set("_sort", view.sort);
  if (view.sort && view.desc) params.set("_desc", "1");
  if (view.filter) params.set("_filter", view.filter);
  if (view.page > 1) params.set("_page", String(view.page));
  if (view.chart) params.set("_chart", view.chart);
  return `/?${params}`;
}

function saveView() {
  history.replaceState(null, "", address(new URLSearchParams(location.search)));
}

function visibleRows() {
  const needle = view.filter.toLowerCase();
  let rows = needle
    ? view.rows.filter((row) => view.vars.some((v) => cellText(row[v]).toLowerCase().includes(needle)))
    : view.rows.slice();
  if (view.sort && view.vars.includes(view.sort)) {
    const key = view.sort, sign = view.desc ? -1 : 1;
    rows.sort((a, b) => sign * compareCells(a[key], b[key]));
  }
  return rows;
}

function drawTable() {
  const rows = visibleRows();
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  view.page = Math.min(view.page, pages);
  const first = (view.page - 1) * PAGE_SIZE;
  const shown = rows.slice(first, first + PAGE_SIZE);
  const count = `${view.rows.length} row${view.rows.length === 1 ? "" : "s"}`;
  $("status").textContent = view.filter ? `${count}, ${rows.length} matching “${view.filter}” ${view.note}` : `${count} ${view.note}`;
  const head = view.vars.map((v) => {
    const th = el("th", { "data-var": v, title: "Sort by this column", "aria-sort": v === view.sort ? (view.desc ? "descending" : "ascending") : "none" },
      v, v === view.sort ? (view.desc ? " ▼" : " ▲") : "");
    th.addEventListener("click", () => {
      if (view.sort === v) view.desc = !view.desc; else { view.sort = v; view.desc = false; }
      view.page = 1;
      saveView();
      drawTable();
    });
    return th;
  });
  const table = el("table", { id: "results-table", class: "results" });
  table.append(el("thead", {}, el("tr", {}, ...head)));
  const body = el("tbody");
  for (const row of shown) body.append(el("tr", {}, ...view.vars.map((v) => cell(row[v]))));
  table.append(body);
  const pager = el("div", { id: "pager", class: "pager" });
  const goto = (page) => { view.page = page; saveView(); drawTable(); };
  const prev = el("button", { type: "button", id: "page-prev", class: "secondary", text: "‹ Previous" });
  const next = el("button", { type: "button", id: "page-next", class: "secondary", text: "Next ›" });
  prev.disabled = view.page <= 1;
  next.disabled = view.page >= pages;
  prev.addEventListener("click", () => goto(view.page - 1));
  next.addEventListener("click", () => goto(view.page + 1));
  const range = rows.length ? `rows ${first + 1}–${first + shown.length} of ${rows.length}` : "no rows";
  pager.append(prev, el("span", { id: "page-info", text: `Page ${view.page} of ${pages} (${range})` }), next);
  $("table-wrap").replaceChildren(table, pager, ...chartOf(shown));
  sizeBars($("table-wrap"));
}

// --- a chart of a numeric column: one bar a row of the page shown, labelled by the first other column

function numericColumns() {
  return view.vars.filter((v) => {
    const cells = view.rows.map((row) => row[v]).filter(Boolean);
    return cells.length > 0 && cells.every((b) => b.type !== "uri" && b.value.trim() !== "" && Number.isFinite(Number(b.value)));
  });
}

function chartOf(rows) {
  if (!view.chart || !numericColumns().includes(view.chart)) return [];
  const name = view.vars.find((v) => v !== view.chart);
  const pairs = rows.map((row, i) => [name ? cellText(row[name]) : String(i + 1), Number(cellText(row[view.chart]) || 0)]);
  return [el("h3", { class: "chart-title", text: `${view.chart}${name ? ` by ${name}` : ""}` }), bars("results-chart", pairs)];
}

function chartPicker() {
  const columns = numericColumns();
  if (!columns.includes(view.chart)) view.chart = null;
  const picker = el("select", { id: "chart", "aria-label": "Chart a numeric column" },
    el("option", { value: "", text: columns.length ? "No chart" : "No numeric column to chart" }),
    ...columns.map((v) => el("option", { value: v, text: `Chart ${v}` })));
  picker.disabled = !columns.length;
  picker.value = view.chart || "";
  picker.addEventListener("change", () => { view.chart = picker.value || null; saveView(); drawTable(); });
  return picker;
}

function showTable(data, started) {
  const out = $("results");
  out.replaceChildren();
  const ms = Math.round(performance.now() - started);
  if ("boolean" in data) {
    $("status").textContent = `ASK: ${data.boolean} (${ms} ms)`;
    out.append(el("p", { class: "boolean", text: String(data.boolean) }));
    return;
  }
  view.vars = data.head.vars;
  view.rows = data.results.bindings;
  view.note = `(${ms} ms)`;
  const filter = el("input", { id: "filter", type: "search", placeholder: "Filter rows", value: view.filter, "aria-label": "Filter rows" });
  filter.addEventListener("input", () => { view.filter = filter.value; view.page = 1; saveView(); drawTable(); });
  out.append(el("div", { class: "actions" }, filter, chartPicker()), el("div", { id: "table-wrap" }));
  drawTable();
}

function showError(text, status) {
  let message = text;
  try { message = JSON.parse(text).error || text; } catch (e) { /* plain text */ }
  $("status").textContent = `Error ${status}`;
  $("results").replaceChildren(el("pre", { class: "error", text: message }));
}

async function show(response, started) {
  const text = await response.text();
  if (!response.ok) return showError(text, response.status);
  const type = response.headers.get("content-type") || "";
  if (type.startsWith(RESULTS_JSON) || type.startsWith("application/json")) return showTable(JSON.parse(text), started);
  $("status").textContent = `${type.split(";")[0]} (${Math.round(performance.now() - started)} ms)`;
  $("results").replaceChildren(el("pre", { class: "graph", text }));
}

function setTab(name) {
  for (const tab of document.querySelectorAll(".tab")) tab.classList.toggle("active", tab.dataset.panel === name);
  for (const panel of ["home", "saved", "sparql"]) $(`panel-${panel}`).hidden = name !== panel;
  if (name === "home") { $("status").textContent = ""; $("results").replaceChildren(); }
}

// --- saved queries ---------------------------------------------------------------

const byName = Object.fromEntries(config.queries.map((q) => [q.name, q]));

function savedParams(form) {
  const params = new URLSearchParams();
  for (const input of form.querySelectorAll("[data-param]")) {
    if (input.value !== "") params.set(input.dataset.param, input.value);
  }
  return params;
}

function selectSaved(name, values = {}, run = false) {
  const query = byName[name];
  if (!query) return;
  setTab("saved");
  for (const item of document.querySelectorAll("#saved-list button")) {
    item.classList.toggle("active", item.dataset.name === name);
  }
  const form = el("form", { id: "saved-form", "data-name": name });
  for (const p of query.params) {
    const id = `param-${p.name}`;
    const value = values[p.name] ?? p.default ?? "";
    let input, list = "";
    if (p.enum) {
      input = el("select", { id, name: p.name });
      if (!p.required) input.append(el("option", { value: "", text: "(any)" }));
      for (const option of p.enum) input.append(el("option", { value: option, text: option }));
      input.value = value;
    } else {
      input = el("input", { id, name: p.name, value, placeholder: p.type, required: p.required ? "" : null });
      if (p.type === "iri") list = lookup(input, `lookup-${p.name}`);
    }
    input.dataset.param = p.name;
    form.append(el("label", { for: id }, `${p.name} `, el("small", { text: `(${p.type}${p.optional ? ", optional" : ""})` })), input, list);
  }
  const csv = el("a", { id: "saved-csv", class: "button secondary", href: "#", download: `${name}.csv`, text: "Download CSV" });
  const share = el("a", { id: "saved-share", class: "button secondary", href: "#", text: "Link to these results" });
  form.append(el("div", { class: "actions" }, el("button", { type: "submit", id: "run-saved", text: "Run" }), csv, share));
  const update = () => {
    const params = savedParams(form);
    csv.href = `/api/queries/${name}?${new URLSearchParams([...params, ["format", "csv"]])}`;
    share.href = `/?${new URLSearchParams([["saved", name], ...params])}`;
  };
  form.addEventListener("input", update);
  form.addEventListener("submit", (event) => { event.preventDefault(); runSaved(form); });
  update();
  const sparql = el("details", {}, el("summary", { text: "SPARQL" }), el("pre", { text: query.sparql }));
  const open = el("button", { type: "button", class: "secondary", text: "Open in the editor" });
  open.addEventListener("click", () => { editor.set(query.sparql); updateSparqlLinks(); setTab("sparql"); });
  $("saved-detail").replaceChildren(
    el("h2", { text: query.summary }), el("p", { class: "name" }, el("code", { text: name })),
    el("p", { text: query.description }), form, sparql, open);
  if (run) runSaved(form, true);
}

// An IRI parameter offers the entities whose name or acronym holds what was typed (entity-search).
function lookup(input, listId) {
  const list = el("datalist", { id: listId });
  input.setAttribute("list", listId);
  input.setAttribute("autocomplete", "off");
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2 || text.includes(":")) return;
    timer = setTimeout(async () => {
      const rows = await savedRows("entity-search", { text }).catch(() => []);
      const seen = new Set();
      list.replaceChildren(...rows.filter((row) => !seen.has(row.entity) && seen.add(row.entity)).slice(0, 20)
        .map((row) => el("option", { value: compact(row.entity), label: `${row.label} (${row.kind})` })));
    }, 250);
  });
  return list; // a datalist draws no box, so it takes no cell of the form's grid
}

async function runSaved(form, keepView = false) {
  const name = form.dataset.name;
  const params = savedParams(form);
  if (!keepView) readView(new URLSearchParams());
  history.replaceState(null, "", address(new URLSearchParams([["saved", name], ...params])));
  $("status").textContent = "Running…";
  $("results").replaceChildren();
  const started = performance.now();
  try {
    const response = await fetch(`/api/queries/${name}?${params}`, { headers: { Accept: RESULTS_JSON } });
    await show(response, started);
  } catch (error) {
    showError(String(error), "network");
  }
}

// --- SPARQL editor -----------------------------------------------------------------

// The textarea until CodeMirror is loaded; then CodeMirror's own get and set.
let editor = { get: () => $("editor").value, set: (text) => { $("editor").value = text; } };

async function enhanceEditor() {
  try {
    const [module, terms] = await Promise.all([
      import("/static/vendor/editor.js"),
      fetch("/api/terms").then((r) => (r.ok ? r.json() : { terms: [] })),
    ]);
    editor = module.createEditor($("editor"), {
      prefixes: config.prefixes, terms: terms.terms, onRun: runSparql, onChange: updateSparqlLinks,
      nonce: document.querySelector("meta[name=style-nonce]").content,
    });
    document.body.dataset.editor = "codemirror";
  } catch (error) {
    document.body.dataset.editor = "textarea"; // setup has not bundled the editor: the textarea serves
  }
}

// The form of a query (SELECT, ASK, CONSTRUCT or DESCRIBE): its first such keyword once
// IRIs, strings and comments are taken out (a prefix IRI may hold "#", a comment "select").
function queryForm(text) {
  const bare = text.replace(/<[^<>\s]*>/g, " ").replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, " ")
    .replace(/#.*$/gm, " ");
  const match = bare.match(/\b(select|ask|construct|describe)\b/i);
  return match ? match[1].toUpperCase() : "SELECT";
}

// A graph (CONSTRUCT, DESCRIBE) has no CSV: the download links offer its RDF syntaxes instead;
// an ASK result is one boolean, downloaded as JSON.
function updateSparqlLinks() {
  const query = editor.get();
  const form = queryForm(query);
  const graph = form === "CONSTRUCT" || form === "DESCRIBE";
  const [format, label, file] = form === "ASK" ? ["json", "Download JSON", "result.json"] : ["csv", "Download CSV", "results.csv"];
  const download = $("sparql-csv");
  download.hidden = graph;
  $("sparql-rdf").hidden = !graph;
  download.href = `/sparql?${new URLSearchParams({ query, format })}`;
  download.textContent = label;
  download.setAttribute("download", file);
  for (const rdf of ["turtle", "ntriples", "jsonld"]) {
    $(`sparql-${rdf}`).href = `/sparql?${new URLSearchParams({ query, format: rdf })}`;
  }
  $("sparql-share").href = `/?${new URLSearchParams({ query })}`;
}

async function runSparql(keepView = false) {
  const query = editor.get();
  if (!keepView) readView(new URLSearchParams());
  history.replaceState(null, "", address(new URLSearchParams({ query })));
  $("status").textContent = "Running…";
  $("results").replaceChildren();
  const started = performance.now();
  try {
    const response = await fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: `${RESULTS_JSON}, text/turtle;q=0.9` },
      body: new URLSearchParams({ query }),
    });
    await show(response, started);
  } catch (error) {
    showError(String(error), "network");
  }
}

// --- the overview: entity search and what the graph holds ------------------------------

async function savedRows(name, params = {}) {
  const response = await fetch(`/api/queries/${name}?${new URLSearchParams(params)}`, { headers: { Accept: RESULTS_JSON } });
  if (!response.ok) throw new Error(`${name}: ${response.status}`);
  return plainRows(await response.json());
}

// How many ratings each standard was given in each band, across every inspection.
const RATINGS_BY_STANDARD = `SELECT ?standard ?framework ?code ?label ?band ?rank (COUNT(DISTINCT ?r) AS ?ratings) WHERE {
  ?r a pko:Rating ; pko:standard ?standard ; pko:band ?b .
  ?b skos:prefLabel ?band ; pko:rank ?rank .
  OPTIONAL { ?standard skos:inScheme/skos:prefLabel ?framework }
  OPTIONAL { ?standard skos:notation ?code }
  OPTIONAL { ?standard skos:prefLabel ?label }
} GROUP BY ?standard ?framework ?code ?label ?band ?rank ORDER BY ?framework ?code ?label`;

async function selectRows(query) {
  const response = await fetch("/sparql", { method: "POST", headers: { Accept: RESULTS_JSON }, body: new URLSearchParams({ query }) });
  if (!response.ok) throw new Error(`ratings by standard: ${response.status}`);
  return plainRows(await response.json());
}

function plainRows(data) {
  return data.results.bindings.map((row) => Object.fromEntries(Object.entries(row).map(([k, b]) => [k, b.value])));
}

// A list of labelled bars, widest for the largest number: a chart with no library.
// Widths follow the magnitude; a negative number's bar is marked as such.
function bars(id, pairs) {
  const most = Math.max(...pairs.map(([, n]) => Math.abs(n)), Number.MIN_VALUE);
  return el("ul", { id, class: "bars" }, ...pairs.map(([label, n]) => el("li", {},
    el("span", { class: "bar-label", text: label, title: label }),
    el("span", { class: n < 0 ? "bar negative" : "bar", "data-width": String(Math.round((100 * Math.abs(n)) / most)) }),
    el("span", { class: "bar-count", text: String(n) }))));
}

function sizeBars(root) {
  // Widths through the CSSOM: the page's Content-Security-Policy forbids inline style attributes.
  for (const bar of root.querySelectorAll(".bar[data-width]")) bar.style.width = `${bar.dataset.width}%`;
}

function tally(rows, key, weight = () => 1) {
  const counts = new Map();
  for (const row of rows) if (row[key]) counts.set(row[key], (counts.get(row[key]) || 0) + weight(row));
  return [...counts];
}

async function overviewBlock(id, build) {
  const box = $(id);
  try {
    box.replaceChildren(...(await build()));
    sizeBars(box);
  } catch (error) {
    box.replaceChildren(el("p", { class: "error", text: String(error) }));
  }
}

function loadOverview() {
  overviewBlock("overview-inspections", async () => {
    const rows = (await savedRows("inspections")).map((row) => ({ ...row, year: row.year || (row.start || "").slice(0, 4) }));
    const years = tally(rows, "year").sort(([a], [b]) => a.localeCompare(b));
    return [bars("inspections-by-year", years), el("p", { class: "more" }, el("a", { href: "/?saved=inspections", text: `All ${rows.length} inspections` }))];
  });
  overviewBlock("overview-ratings", async () => {
    const rows = await savedRows("league-table");
    const cols = [["body", "Body"], ["year", "Year"], ["overall", "Overall"], ["outstanding", "Outstanding"],
      ["good", "Good"], ["requiresImprovement", "Requires improvement"], ["inadequate", "Inadequate"]];
    const table = el("table", { id: "ratings-by-body", class: "results" },
      el("thead", {}, el("tr", {}, ...cols.map(([, title]) => el("th", { text: title })))),
      el("tbody", {}, ...rows.map((row) => el("tr", {}, ...cols.map(([key]) => el("td", { text: row[key] ?? "" }))))));
    return [table, el("p", { class: "more" }, el("a", { href: "/?saved=ratings-timeline", text: "Ratings over time" }))];
  });
  overviewBlock("overview-standards", async () => {
    const rows = await selectRows(RATINGS_BY_STANDARD);
    const bands = [...new Map(rows.map((row) => [row.band, Number(row.rank)]))].sort(([, a], [, b]) => b - a).map(([band]) => band);
    const standards = new Map();
    for (const row of rows) {
      if (!standards.has(row.standard)) {
        standards.set(row.standard, { framework: row.framework || "", name: [row.code, row.label].filter(Boolean).join(" "), counts: {} });
      }
      standards.get(row.standard).counts[row.band] = row.ratings;
    }
    const table = el("table", { id: "ratings-by-standard", class: "results" },
      el("thead", {}, el("tr", {}, el("th", { text: "Framework" }), el("th", { text: "Standard" }), ...bands.map((band) => el("th", { text: band })))),
      el("tbody", {}, ...[...standards].map(([iri, s]) => el("tr", {}, el("td", { text: s.framework }),
        el("td", {}, el("a", { href: href(iri), title: iri, text: s.name || compact(iri) })),
        ...bands.map((band) => el("td", { text: s.counts[band] || "" }))))));
    return [table];
  });
  overviewBlock("overview-criticised", async () => {
    const rows = await savedRows("most-criticised");
    const top = tally(rows, "entityLabel", (row) => Number(row.areasForImprovement))
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).slice(0, 10);
    return [bars("most-criticised", top), el("p", { class: "more" }, el("a", { href: "/?saved=most-criticised", text: "By inspection" }))];
  });
}

async function search(text) {
  const out = $("search-results");
  if (!text.trim()) { out.replaceChildren(); return; }
  history.replaceState(null, "", `/?${new URLSearchParams({ search: text })}`);
  out.replaceChildren(el("li", { class: "hint", text: "Searching…" }));
  try {
    const seen = new Set();
    const items = [];
    for (const row of await savedRows("entity-search", { text })) {
      if (seen.has(row.entity)) continue;
      seen.add(row.entity);
      const matched = row.matched !== row.label ? ` (${row.matched})` : "";
      items.push(el("li", {}, el("a", { href: href(row.entity), text: row.label }), el("span", { class: "badge", text: row.kind }),
        el("span", { class: "hint", text: matched })));
    }
    out.replaceChildren(...(items.length ? items : [el("li", { class: "hint", text: `Nothing named “${text}”.` })]));
  } catch (error) {
    out.replaceChildren(el("li", { class: "error", text: String(error) }));
  }
}

// --- start -------------------------------------------------------------------------

function start() {
  $("max-rows").textContent = config.maxRows;
  $("timeout").textContent = config.timeout;
  for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => setTab(tab.dataset.panel));
  const list = $("saved-list");
  for (const query of config.queries) {
    const button = el("button", { type: "button", "data-name": query.name, title: query.summary },
      el("strong", { text: query.name }), el("span", { text: query.summary }));
    button.addEventListener("click", () => selectSaved(query.name));
    list.append(el("li", {}, button));
  }
  const textarea = $("editor");
  textarea.value = config.prologue + "\nSELECT ?entity ?label WHERE {\n  ?entity a pko:SystemOrTool ; skos:prefLabel ?label .\n}\nORDER BY ?label\nLIMIT 50\n";
  textarea.addEventListener("input", updateSparqlLinks);
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); runSparql(); }
  });
  $("sparql-form").addEventListener("submit", (event) => { event.preventDefault(); runSparql(); });
  $("search-form").addEventListener("submit", (event) => { event.preventDefault(); search($("search").value); });

  const params = new URLSearchParams(location.search);
  readView(params);
  if (params.has("query")) {
    textarea.value = params.get("query");
    setTab("sparql");
    runSparql(true);
  } else if (params.has("saved") && byName[params.get("saved")]) {
    const values = Object.fromEntries([...params].filter(([key]) => key !== "saved" && !VIEW_KEYS.includes(key)));
    selectSaved(params.get("saved"), values, true);
  } else if (location.hash === "#sparql") {
    setTab("sparql");
  } else if (location.hash === "#saved") {
    setTab("saved");
  } else {
    if (params.has("search")) { $("search").value = params.get("search"); search(params.get("search")); }
    loadOverview();
  }
  updateSparqlLinks();
  enhanceEditor();
}

start();
