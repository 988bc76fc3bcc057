// probation-kg graph page: draws the embedded view on a canvas, each node where
// Graphviz's sfdp placed it when the page was written, and shows what the graph
// says about a node when it is clicked. Offline and self-contained: every string from
// the data reaches the page through textContent, never as HTML.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var nodes = data.nodes, edges = data.edges, N = nodes.length;
  var canvas = document.getElementById("canvas");
  var ctx = canvas.getContext("2d");
  var panel = document.getElementById("panel");
  var statusLine = document.getElementById("status");

  // --- structure -------------------------------------------------------------------------------
  var degree = new Array(N).fill(0);
  var incident = nodes.map(function () { return []; });
  edges.forEach(function (e, i) {
    degree[e.s] += 1; degree[e.t] += 1;
    incident[e.s].push(i); if (e.t !== e.s) { incident[e.t].push(i); }
  });
  var radius = degree.map(function (d) { return Math.min(26, 4 + 2.2 * Math.sqrt(d)); });
  var byId = new Map();
  nodes.forEach(function (n, i) { byId.set(n.id, i); });

  // --- positions: laid out by Graphviz's sfdp when the page was written (probkg.views.layout)
  var x = new Float64Array(N), y = new Float64Array(N);
  nodes.forEach(function (n, i) { x[i] = n.x; y[i] = n.y; });

  // --- view transform and drawing ---------------------------------------------------------------
  var scale = 1, panX = 0, panY = 0, userMoved = false, width = 0, height = 0, dpr = 1;
  var selected = -1, neighbours = new Set();

  function resize() {
    dpr = window.devicePixelRatio || 1;
    width = canvas.clientWidth; height = canvas.clientHeight;
    canvas.width = Math.max(1, Math.round(width * dpr)); canvas.height = Math.max(1, Math.round(height * dpr));
    if (!userMoved) { fit(); }
    draw();
  }
  function fit() {
    if (N === 0) { return; }
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (var i = 0; i < N; i++) {
      x0 = Math.min(x0, x[i] - radius[i]); x1 = Math.max(x1, x[i] + radius[i]);
      y0 = Math.min(y0, y[i] - radius[i]); y1 = Math.max(y1, y[i] + radius[i]);
    }
    var margin = 30;
    scale = Math.min((width - 2 * margin) / Math.max(x1 - x0, 1), (height - 2 * margin) / Math.max(y1 - y0, 1), 2.5);
    panX = width / 2 - scale * (x0 + x1) / 2; panY = height / 2 - scale * (y0 + y1) / 2;
  }
  function screen(i) { return [panX + scale * x[i], panY + scale * y[i]]; }

  var drawn = { nodes: 0, edges: 0 };
  var EDGE_ALPHA = edges.length > 2000 ? 0.35 : 0.65;
  var byRadius = nodes.map(function (_, i) { return i; }).sort(function (a, b) { return radius[b] - radius[a] || a - b; });
  function edgeWidth(e) { return Math.min(6, 0.8 + Math.log2(1 + (e.weight || 1))); }

  function draw() {
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.globalAlpha = 1;
    ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, width, height);
    ctx.setTransform(dpr * scale, 0, 0, dpr * scale, dpr * panX, dpr * panY);
    var focus = selected >= 0, edgeCount = 0, nodeCount = 0;
    // edges, batched into one path per colour and width (thousands of strokes are slow)
    var batches = new Map(), lit = [];
    edges.forEach(function (e) {
      edgeCount += 1;
      if (focus && (e.s === selected || e.t === selected)) { lit.push(e); return; }
      var key = e.colour + " " + edgeWidth(e).toFixed(1);
      if (!batches.has(key)) { batches.set(key, []); }
      batches.get(key).push(e);
    });
    ctx.lineCap = "round";
    ctx.globalAlpha = focus ? 0.1 : EDGE_ALPHA;
    batches.forEach(function (list, key) {
      ctx.strokeStyle = key.split(" ")[0];
      ctx.lineWidth = parseFloat(key.split(" ")[1]) / Math.sqrt(scale);
      ctx.beginPath();
      list.forEach(function (e) { ctx.moveTo(x[e.s], y[e.s]); ctx.lineTo(x[e.t], y[e.t]); });
      ctx.stroke();
    });
    ctx.globalAlpha = 0.9;
    lit.forEach(function (e) {
      ctx.strokeStyle = e.colour; ctx.lineWidth = 2 * edgeWidth(e) / Math.sqrt(scale);
      ctx.beginPath(); ctx.moveTo(x[e.s], y[e.s]); ctx.lineTo(x[e.t], y[e.t]); ctx.stroke();
    });
    if (data.directed && (focus || edges.length <= 2000)) { (focus ? lit : edges).forEach(arrow); }
    // nodes
    ctx.lineWidth = 1 / scale; ctx.strokeStyle = "#555";
    for (var i = 0; i < N; i++) {
      ctx.globalAlpha = focus && i !== selected && !neighbours.has(i) ? 0.25 : 1;
      ctx.beginPath(); ctx.arc(x[i], y[i], radius[i], 0, 2 * Math.PI);
      ctx.fillStyle = nodes[i].colour; ctx.fill(); ctx.stroke();
      nodeCount += 1;
    }
    ctx.globalAlpha = 1;
    if (focus) {
      ctx.lineWidth = 3 / scale; ctx.strokeStyle = "#000";
      ctx.beginPath(); ctx.arc(x[selected], y[selected], radius[selected] + 2 / scale, 0, 2 * Math.PI); ctx.stroke();
    }
    drawLabels();
    drawn.nodes = nodeCount; drawn.edges = edgeCount;
    document.getElementById("node-count").textContent = String(nodeCount);
    document.getElementById("edge-count").textContent = String(edgeCount);
  }

  // Labels in screen pixels, biggest nodes first, each only where it overlaps no label already drawn.
  function drawLabels() {
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.font = "12px 'DejaVu Sans', Arial, sans-serif";
    ctx.textBaseline = "middle";
    var placed = [], budget = 600, focus = selected >= 0;
    var candidates = focus ? [selected].concat(Array.from(neighbours)) : byRadius;
    for (var k = 0; k < candidates.length && placed.length < budget; k++) {
      var i = candidates[k], p = screen(i);
      if (p[0] < -200 || p[0] > width + 50 || p[1] < -20 || p[1] > height + 20) { continue; }
      var text = nodes[i].label.length > 40 ? nodes[i].label.slice(0, 39) + "\u2026" : nodes[i].label;
      var tx = p[0] + radius[i] * scale + 3, w = ctx.measureText(text).width;
      var box = [tx - 1, p[1] - 8, tx + w + 1, p[1] + 8];
      var free = placed.every(function (b) { return box[2] < b[0] || box[0] > b[2] || box[3] < b[1] || box[1] > b[3]; });
      if (!free && !(focus && i === selected)) { continue; }
      placed.push(box);
      ctx.lineWidth = 3; ctx.strokeStyle = "rgba(255,255,255,0.92)"; ctx.strokeText(text, tx, p[1]);
      ctx.fillStyle = "#111"; ctx.fillText(text, tx, p[1]);
    }
  }
  function arrow(e) {
    var dx = x[e.t] - x[e.s], dy = y[e.t] - y[e.s], d = Math.sqrt(dx * dx + dy * dy);
    if (d < radius[e.t] + 2) { return; }
    var ux = dx / d, uy = dy / d, tipX = x[e.t] - ux * radius[e.t], tipY = y[e.t] - uy * radius[e.t];
    var size = 6 / Math.sqrt(scale);
    ctx.beginPath(); ctx.moveTo(tipX, tipY);
    ctx.lineTo(tipX - ux * size - uy * size * 0.5, tipY - uy * size + ux * size * 0.5);
    ctx.lineTo(tipX - ux * size + uy * size * 0.5, tipY - uy * size - ux * size * 0.5);
    ctx.closePath(); ctx.fillStyle = e.colour; ctx.fill();
  }

  // --- the panel: everything from the data goes in as text ------------------------------------
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }
  function show(i) {
    selected = i; neighbours = new Set();
    panel.replaceChildren();
    if (i < 0) { draw(); return; }
    incident[i].forEach(function (ei) { neighbours.add(edges[ei].s); neighbours.add(edges[ei].t); });
    neighbours.delete(i);
    var n = nodes[i];
    var title = el("h2", n.label); title.id = "panel-label"; panel.appendChild(title);
    var kind = el("p", null, "kind"); kind.id = "panel-kind";
    var sw = el("span", null, "swatch"); sw.style.background = n.colour; kind.appendChild(sw);
    kind.appendChild(document.createTextNode(n.kind)); panel.appendChild(kind);
    panel.appendChild(el("p", n.attrs.iri || n.id, "iri"));
    var keys = Object.keys(n.attrs).filter(function (k) { return k !== "iri"; }).sort();
    if (keys.length) {
      var table = el("table"); table.id = "panel-attrs";
      keys.forEach(function (k) {
        var row = el("tr"); row.appendChild(el("th", k)); row.appendChild(el("td", n.attrs[k])); table.appendChild(row);
      });
      panel.appendChild(table);
    }
    var fids = data.nodeFindings[n.id] || [];
    var heading = el("h3", fids.length + (fids.length === 1 ? " finding" : " findings")); panel.appendChild(heading);
    var list = el("div"); list.id = "panel-findings";
    fids.forEach(function (fid) {
      var f = data.findings[fid]; if (!f) { return; }
      var box = el("div", null, "finding " + (f.polarity || "none"));
      box.appendChild(el("span", f.polarity === "strength" ? "Strength" : f.polarity === "area-for-improvement" ? "Area for improvement" : "Finding", "polarity"));
      box.appendChild(el("p", f.label, "finding-label"));
      if (f.statement) { box.appendChild(el("p", f.statement, "statement")); }
      f.quotes.forEach(function (q) { box.appendChild(el("blockquote", q)); });
      box.appendChild(el("p", [fid, f.inspection].filter(Boolean).join(" · "), "meta"));
      list.appendChild(box);
    });
    panel.appendChild(list);
    if (neighbours.size) {
      panel.appendChild(el("h3", neighbours.size + " linked"));
      var nb = el("div", null, "neighbours");
      Array.from(neighbours).sort(function (a, b) { return nodes[a].label.localeCompare(nodes[b].label); }).slice(0, 200)
        .forEach(function (j) {
          var b = el("button", nodes[j].label); b.type = "button";
          b.addEventListener("click", function () { select(j, true); });
          nb.appendChild(b);
        });
      panel.appendChild(nb);
    }
    draw();
  }
  function select(i, centre) {
    if (centre && i >= 0) {
      userMoved = true;
      panX = width / 2 - scale * x[i]; panY = height / 2 - scale * y[i];
    }
    show(i);
  }

  // --- legend and search --------------------------------------------------------------------
  (function legend() {
    var box = document.getElementById("legend"), kinds = el("ul"), lines = el("ul");
    Object.keys(data.kinds).forEach(function (k) {
      var li = el("li"), sw = el("span", null, "swatch"); sw.style.background = data.kinds[k];
      li.appendChild(sw); li.appendChild(document.createTextNode(k)); kinds.appendChild(li);
    });
    Object.keys(data.polarity).forEach(function (k) {
      var li = el("li"), sw = el("span", null, "line"); sw.style.background = data.polarity[k];
      li.appendChild(sw); li.appendChild(document.createTextNode(k)); lines.appendChild(li);
    });
    box.appendChild(kinds); box.appendChild(lines);
  })();
  var labelList = document.getElementById("labels");
  if (N <= 5000) {
    nodes.forEach(function (n) { labelList.appendChild(el("option", n.label)); });
  }
  // The name-folding rule of probkg.rdf.names.fold: apostrophes, accents, case, "&" as "and", commas and spacing.
  function fold(s) {
    return String(s).replace(/[\u2018\u2019\u02bc]/g, "'").toLowerCase().normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "").replace(/&/g, " and ").replace(/[\s,]+/g, " ").trim();
  }
  function find(text) {
    var want = fold(text);
    if (!want) { return -1; }
    if (byId.has(text)) { return byId.get(text); }
    var i, partial = -1;
    for (i = 0; i < N; i++) {
      var names = [nodes[i].label, nodes[i].id, nodes[i].attrs.iri || "", nodes[i].attrs.acronyms || ""];
      var hit = names.some(function (s) { return fold(s) === want; }) ||
        String(nodes[i].attrs.acronyms || "").split(" | ").some(function (s) { return fold(s) === want; });
      if (hit) { return i; }
      if (partial < 0 && fold(nodes[i].label).indexOf(want) >= 0) { partial = i; }
    }
    return partial;
  }
  document.getElementById("search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var i = find(document.getElementById("search").value);
    statusLine.textContent = i < 0 ? "No node of that name" : "";
    if (i >= 0) { select(i, true); }
  });

  // --- mouse: pan, zoom, drag a node, click to select -------------------------------------------
  var dragNode = -1, panning = false, downX = 0, downY = 0, moved = false;
  function nodeAt(px, py) {
    var best = -1, bestD = Infinity;
    for (var i = 0; i < N; i++) {
      var p = screen(i), dx = p[0] - px, dy = p[1] - py, d = dx * dx + dy * dy, r = radius[i] * scale + 4;
      if (d <= r * r && d < bestD) { best = i; bestD = d; }
    }
    return best;
  }
  function local(ev) { var b = canvas.getBoundingClientRect(); return [ev.clientX - b.left, ev.clientY - b.top]; }
  canvas.addEventListener("mousedown", function (ev) {
    var p = local(ev); downX = p[0]; downY = p[1]; moved = false;
    dragNode = nodeAt(p[0], p[1]); panning = dragNode < 0;
    canvas.classList.add("dragging");
  });
  window.addEventListener("mousemove", function (ev) {
    if (!panning && dragNode < 0) { return; }
    var p = local(ev);
    if (Math.abs(p[0] - downX) + Math.abs(p[1] - downY) > 3) { moved = true; }
    if (!moved) { return; }
    userMoved = true;
    if (dragNode >= 0) {
      x[dragNode] = (p[0] - panX) / scale; y[dragNode] = (p[1] - panY) / scale;
    } else {
      panX += p[0] - downX; panY += p[1] - downY; downX = p[0]; downY = p[1];
    }
    draw();
  });
  window.addEventListener("mouseup", function (ev) {
    if (!panning && dragNode < 0) { return; }
    canvas.classList.remove("dragging");
    if (!moved) { var p = local(ev); select(nodeAt(p[0], p[1]), false); }
    dragNode = -1; panning = false;
  });
  canvas.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var p = local(ev), factor = Math.exp(-ev.deltaY * 0.0015);
    var next = Math.min(40, Math.max(0.02, scale * factor));
    panX = p[0] - (p[0] - panX) * next / scale; panY = p[1] - (p[1] - panY) * next / scale; scale = next;
    userMoved = true; draw();
  }, { passive: false });

  // --- run ----------------------------------------------------------------------------------------
  window.addEventListener("resize", resize);
  resize();
  document.documentElement.setAttribute("data-layout", "done");

  // A small API for tests and the browser console.
  window.probkgGraph = {
    get drawnNodes() { return drawn.nodes; },
    get drawnEdges() { return drawn.edges; },
    nodeCount: N,
    edgeCount: edges.length,
    find: find,
    select: function (id) { var i = byId.has(id) ? byId.get(id) : find(id); select(i, true); return i; },
    screenPosition: function (id) { var i = byId.get(id); if (i === undefined) { return null; } var p = screen(i); var b = canvas.getBoundingClientRect(); return [b.left + p[0], b.top + p[1]]; }
  };
})();
