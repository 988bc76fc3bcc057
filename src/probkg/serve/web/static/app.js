// The probation-kg web page: saved-query forms, a SPARQL editor, results as a table.
// Plain JavaScript served by probkg itself: no framework, no CDN, works offline.
// The page's state lives in its URL (?saved=NAME&param=value or ?query=...), so any
// result can be shared by copying the address.
"use strict";

const config = JSON.parse(document.getElementById("config").textContent);
const $ = (id) => document.getElementById(id);
const RESULTS_JSON = "application/sparql-results+json";

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

function href(iri) {
  return iri.startsWith(config.idBase) ? "/id/" + iri.slice(config.idBase.length) : iri;
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

function showTable(data, started) {
  const out = $("results");
  out.replaceChildren();
  const ms = Math.round(performance.now() - started);
  if ("boolean" in data) {
    $("status").textContent = `ASK: ${data.boolean} (${ms} ms)`;
    out.append(el("p", { class: "boolean", text: String(data.boolean) }));
    return;
  }
  const vars = data.head.vars;
  const rows = data.results.bindings;
  $("status").textContent = `${rows.length} row${rows.length === 1 ? "" : "s"} (${ms} ms)`;
  const table = el("table", { id: "results-table", class: "results" });
  table.append(el("thead", {}, el("tr", {}, ...vars.map((v) => el("th", { text: v })))));
  const body = el("tbody");
  for (const row of rows) body.append(el("tr", {}, ...vars.map((v) => cell(row[v]))));
  table.append(body);
  out.append(table);
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
  $("panel-saved").hidden = name !== "saved";
  $("panel-sparql").hidden = name !== "sparql";
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
    let input;
    if (p.enum) {
      input = el("select", { id, name: p.name });
      if (!p.required) input.append(el("option", { value: "", text: "(any)" }));
      for (const option of p.enum) input.append(el("option", { value: option, text: option }));
      input.value = value;
    } else {
      input = el("input", { id, name: p.name, value, placeholder: p.type, required: p.required ? "" : null });
    }
    input.dataset.param = p.name;
    form.append(el("label", { for: id }, `${p.name} `, el("small", { text: `(${p.type}${p.optional ? ", optional" : ""})` })), input);
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
  open.addEventListener("click", () => { $("editor").value = query.sparql; setTab("sparql"); });
  $("saved-detail").replaceChildren(
    el("h2", { text: query.summary }), el("p", { class: "name" }, el("code", { text: name })),
    el("p", { text: query.description }), form, sparql, open);
  if (run) runSaved(form);
}

async function runSaved(form) {
  const name = form.dataset.name;
  const params = savedParams(form);
  history.replaceState(null, "", `/?${new URLSearchParams([["saved", name], ...params])}`);
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

// The form of a query (SELECT, ASK, CONSTRUCT or DESCRIBE): its first such keyword once
// IRIs, strings and comments are taken out (a prefix IRI may hold "#", a comment "select").
function queryForm(text) {
  const bare = text.replace(/<[^<>\s]*>/g, " ").replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, " ")
    .replace(/#.*$/gm, " ");
  const match = bare.match(/\b(select|ask|construct|describe)\b/i);
  return match ? match[1].toUpperCase() : "SELECT";
}

// A graph (CONSTRUCT, DESCRIBE) has no CSV: the download links offer its RDF syntaxes instead.
function updateSparqlLinks() {
  const query = $("editor").value;
  const graph = ["CONSTRUCT", "DESCRIBE"].includes(queryForm(query));
  $("sparql-csv").hidden = graph;
  $("sparql-rdf").hidden = !graph;
  $("sparql-csv").href = `/sparql?${new URLSearchParams({ query, format: "csv" })}`;
  for (const format of ["turtle", "ntriples", "jsonld"]) {
    $(`sparql-${format}`).href = `/sparql?${new URLSearchParams({ query, format })}`;
  }
  $("sparql-share").href = `/?${new URLSearchParams({ query })}`;
}

async function runSparql() {
  const query = $("editor").value;
  history.replaceState(null, "", `/?${new URLSearchParams({ query })}`);
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
  const editor = $("editor");
  editor.value = config.prologue + "\nSELECT ?entity ?label WHERE {\n  ?entity a pko:SystemOrTool ; skos:prefLabel ?label .\n}\nORDER BY ?label\nLIMIT 50\n";
  editor.addEventListener("input", updateSparqlLinks);
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); runSparql(); }
  });
  $("sparql-form").addEventListener("submit", (event) => { event.preventDefault(); runSparql(); });
  updateSparqlLinks();

  const params = new URLSearchParams(location.search);
  if (params.has("query")) {
    editor.value = params.get("query");
    updateSparqlLinks();
    setTab("sparql");
    runSparql();
  } else if (params.has("saved") && byName[params.get("saved")]) {
    const values = Object.fromEntries([...params].filter(([key]) => key !== "saved"));
    selectSaved(params.get("saved"), values, true);
  } else if (location.hash === "#sparql") {
    setTab("sparql");
  }
}

start();
