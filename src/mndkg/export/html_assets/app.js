/* mndkg interactive graph.
 *
 * Every text that comes from the graph is put on the page with textContent or
 * as a vis-network canvas label, never parsed as markup: a label is always text.
 * The data arrive as one JSON block; links are built only from fixed https
 * prefixes, so no value from the graph can become a javascript: URL.
 */
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("mndkg-data").textContent);
  const $ = (id) => document.getElementById(id);
  const t0 = performance.now();
  const kinds = new Map(data.kinds.map((k) => [k.key, k]));
  const relations = new Map(data.relations.map((r) => [r.key, r]));
  const records = new Map(data.nodes.map((n) => [n.id, n]));
  const edgeRecords = new Map(data.edges.map((e) => [e.id, e]));
  const big = !data.physics;
  const state = {
    settled: false,
    settleMs: null,
    names: "plain",
    selected: null,
    hiddenKinds: new Set(),
    hiddenRelations: new Set(),
  };
  const OLS_PREFIXES = new Set([
    "MONDO", "HP", "CL", "UBERON", "CHEBI", "DOID", "MAXO", "NCIT", "GO", "PR", "SO", "EFO",
    "OGMS", "ORDO", "NBO", "PATO", "OBI",
  ]);

  /* ---------- small helpers ---------- */

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function shown(n) {
    return state.names === "plain" && n.plain_label ? n.plain_label : n.label;
  }

  function wrap(text, width) {
    const lines = [];
    let line = "";
    for (const word of String(text).split(/\s+/)) {
      if (line && line.length + word.length + 1 > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    }
    if (line) lines.push(line);
    return lines.join("\n");
  }

  function firstSentence(text) {
    const match = /^(.+?[.!?])(\s|$)/.exec(text || "");
    const sentence = match ? match[1] : text || "";
    return sentence.length > 180 ? sentence.slice(0, 177) + "…" : sentence;
  }

  function kindLabel(key) {
    return (kinds.get(key) || { label: key }).label;
  }

  function byShown(a, b) {
    return shown(records.get(a)).localeCompare(shown(records.get(b)));
  }

  function link(href, text) {
    const a = el("a", null, text);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  function webUrl(url) {
    return /^https?:\/\//i.test(url || "") ? url : null;
  }

  /* ---------- vis-network data ---------- */

  function nodeLook(n, dim) {
    const k = kinds.get(n.kind);
    const focus = n.id === data.focus;
    return {
      id: n.id,
      opacity: dim ? 0.15 : 1,
      borderWidth: focus ? 5 : 2,
      color: {
        background: k.colour,
        border: "#222",
        highlight: { background: k.colour, border: "#000" },
        hover: { background: k.colour, border: "#000" },
      },
      font: { color: dim ? "rgba(0,0,0,0.18)" : "#111" },
    };
  }

  function visNode(n) {
    const look = nodeLook(n, false);
    look.label = wrap(shown(n), 22);
    look.shape = kinds.get(n.kind).shape;
    look.size = n.id === data.focus ? n.size + 10 : n.size;
    look.font = Object.assign(look.font, { size: Math.round(24 + (look.size - 16) * 1.2) });
    /* In the whole graph, hubs repel in proportion to their mass: heavy hubs push one
       another apart, so the diseases spread out with their shared symptoms between them
       instead of piling up (labels overlapping) in the centre. Size grows with degree,
       16 to 40. A focused view has one centre, which mass would only push off to a side. */
    if (!data.focus) look.mass = 1 + Math.pow((look.size - 16) / 6, 2);
    look.x = n.x;
    look.y = n.y;
    return look;
  }

  function edgeLook(e, dim) {
    const r = relations.get(e.relation);
    const base = r.hierarchy ? "#2b2b2b" : "#7d7d7d";
    return {
      id: e.id,
      color: { color: base, highlight: "#000", hover: "#000", opacity: dim ? 0.07 : 1 },
      font: { color: dim ? "rgba(0,0,0,0)" : "#222", strokeWidth: dim ? 0 : 4 },
    };
  }

  function visEdge(e) {
    const r = relations.get(e.relation);
    const look = edgeLook(e, false);
    look.from = e.from;
    look.to = e.to;
    look.label = r.label;
    look.arrows = "to";
    look.dashes = r.hierarchy ? [12, 8] : false;
    look.width = r.hierarchy ? 3.5 : 1.6;
    return look;
  }

  const nodes = new vis.DataSet(data.nodes.map(visNode));
  const edges = new vis.DataSet(data.edges.map(visEdge));
  const face = "system-ui, 'Segoe UI', Roboto, 'Liberation Sans', 'DejaVu Sans', Arial, sans-serif";
  const options = {
    autoResize: true,
    layout: { improvedLayout: false },
    physics: data.physics
      ? {
          enabled: true,
          solver: "forceAtlas2Based",
          forceAtlas2Based: {
            gravitationalConstant: -260,
            centralGravity: 0.012,
            springLength: 170,
            springConstant: 0.06,
            damping: 0.5,
            avoidOverlap: 0.8,
          },
          stabilization: { enabled: true, iterations: data.physicsSteps, updateInterval: 50, fit: true },
          minVelocity: 1,
        }
      : { enabled: false },
    interaction: {
      hover: true,
      tooltipDelay: 100,
      hideEdgesOnDrag: big,
      hideEdgesOnZoom: big,
      keyboard: { enabled: true, bindToWindow: false },
    },
    nodes: {
      font: { size: 26, face: face, strokeWidth: 6, strokeColor: "#ffffff", vadjust: 2 },
      scaling: { label: { drawThreshold: 4 } },
    },
    edges: {
      scaling: { label: { drawThreshold: 9 } },
      font: { size: 18, face: face, align: "middle", strokeColor: "#ffffff" },
      smooth: big ? false : { enabled: true, type: "continuous", roundness: 0.3 },
      selectionWidth: 2,
      arrows: { to: { scaleFactor: 0.7 } },
    },
  };
  const container = $("graph");
  const network = new vis.Network(container, { nodes: nodes, edges: edges }, options);

  /* A white background, so a saved PNG is not transparent on a dark slide. */
  network.on("beforeDrawing", (ctx) => {
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.restore();
  });

  /* ---------- settle: physics runs a bounded number of steps, then stops ---------- */

  function settle() {
    if (state.settled) return;
    network.setOptions({ physics: { enabled: false } });
    network.storePositions();
    state.settled = true;
    if (data.focus && records.has(data.focus)) {
      network.selectNodes([data.focus]);
      markTree(data.focus);
    }
    network.fit({ animation: false });
    state.settleMs = performance.now() - t0;
    updateCounts();
    document.body.dataset.settled = "true";
  }

  if (data.physics) {
    network.once("stabilizationIterationsDone", settle);
    setTimeout(settle, 20000);
  } else {
    network.once("afterDrawing", settle);
    setTimeout(settle, 5000);
  }

  /* ---------- highlight, selection and the details panel ---------- */

  function highlight(id) {
    const near = new Set(network.getConnectedNodes(id));
    near.add(id);
    const incident = new Set(network.getConnectedEdges(id));
    nodes.update(data.nodes.map((n) => nodeLook(n, !near.has(n.id))));
    edges.update(data.edges.map((e) => edgeLook(e, !incident.has(e.id))));
  }

  function clearHighlight() {
    nodes.update(data.nodes.map((n) => nodeLook(n, false)));
    edges.update(data.edges.map((e) => edgeLook(e, false)));
  }

  function markTree(id) {
    for (const b of document.querySelectorAll(".tree-node.current")) b.classList.remove("current");
    for (const b of document.querySelectorAll(".tree-node")) {
      if (b.dataset.node === id) {
        b.classList.add("current");
        for (let p = b.parentElement; p; p = p.parentElement) if (p.tagName === "DETAILS") p.open = true;
      }
    }
  }

  function select(id, move, dim) {
    const n = records.get(id);
    if (!n) return;
    if (state.hiddenKinds.has(n.kind)) {
      state.hiddenKinds.delete(n.kind);
      const box = document.querySelector('input[data-kind="' + CSS.escape(n.kind) + '"]');
      if (box) box.checked = true;
      applyFilters();
    }
    state.selected = id;
    network.selectNodes([id]);
    if (dim !== false) highlight(id);
    showDetails(id);
    markTree(id);
    if (move) {
      network.setSize("100%", "100%"); // the panel may have narrowed the canvas
      const scale = Math.max(network.getScale(), 0.9);
      network.focus(id, { scale: scale, animation: { duration: 500, easingFunction: "easeInOutQuad" } });
    }
  }

  function clearSelection() {
    state.selected = null;
    network.unselectAll();
    clearHighlight();
    $("details").hidden = true;
    markTree(null);
  }

  function section(body, title, items) {
    if (!items.length) return;
    body.appendChild(el("h3", null, title));
    const list = el("ul");
    for (const item of items) {
      const li = el("li");
      for (const part of item) li.appendChild(typeof part === "string" ? document.createTextNode(part) : part);
      list.appendChild(li);
    }
    body.appendChild(list);
  }

  function entityButton(id) {
    const b = el("button", "fact-link", shown(records.get(id)));
    b.type = "button";
    b.addEventListener("click", () => select(id, true));
    return b;
  }

  function factItems(id) {
    const items = [];
    for (const e of data.edges) {
      const r = relations.get(e.relation).label;
      if (e.from === id) items.push([r + " ", entityButton(e.to)]);
      else if (e.to === id) items.push([entityButton(e.from), " " + r + " this"]);
    }
    return items;
  }

  function xrefItems(n) {
    return (n.xrefs || []).map((curie) => {
      const item = [link("https://bioregistry.io/" + encodeURIComponent(curie).replace("%3A", ":"), curie)];
      const prefix = curie.split(":")[0];
      if (OLS_PREFIXES.has(prefix)) {
        const ols = "https://www.ebi.ac.uk/ols4/search?q=" + encodeURIComponent(curie);
        item.push(" · ", link(ols, "OLS"));
      }
      return item;
    });
  }

  function sourceItems(edgeList) {
    const ids = new Set();
    for (const e of edgeList) for (const s of e.sources || []) ids.add(s);
    return [...ids].sort().map((sid) => {
      const s = data.sources[sid] || { label: sid };
      const url = webUrl(s.url);
      const item = [url ? link(url, s.label || sid) : el("span", null, s.label || sid)];
      if (s.title) item.push(el("div", "muted", s.title));
      if (s.identifier) item.push(el("div", "muted", s.identifier));
      return item;
    });
  }

  function showDetails(id) {
    const n = records.get(id);
    const body = $("details-body");
    body.replaceChildren();
    const tag = el("span", "kind-tag", kindLabel(n.kind));
    tag.style.background = kinds.get(n.kind).colour;
    body.appendChild(tag);
    body.appendChild(el("h2", null, n.label));
    if (n.plain_label && n.plain_label !== n.label) body.appendChild(el("p", "plain", "In plain words: " + n.plain_label));
    if (n.definition) body.appendChild(el("p", "definition", n.definition));
    section(body, "Also called", (n.synonyms || []).map((s) => [s]));
    section(body, "Facts", factItems(id));
    section(body, "Cross-references", xrefItems(n));
    const own = data.edges.filter((e) => e.from === id || e.to === id);
    section(body, "Sources of these facts", sourceItems(own));
    const iri = el("p", "muted", "Identifier: ");
    iri.appendChild(webUrl(n.iri) ? link(n.iri, n.id) : el("span", null, n.id));
    body.appendChild(iri);
    $("details").hidden = false;
  }

  function showEdge(edgeId) {
    const e = edgeRecords.get(edgeId);
    const body = $("details-body");
    body.replaceChildren(el("span", "kind-tag", "fact"));
    const line = el("h2");
    line.append(entityButton(e.from), " " + relations.get(e.relation).label + " ", entityButton(e.to));
    body.appendChild(line);
    section(body, "Sources", sourceItems([e]));
    $("details").hidden = false;
  }

  network.on("click", (params) => {
    if (params.nodes.length) select(params.nodes[0], false);
    else if (params.edges.length) showEdge(params.edges[0]);
    else clearSelection();
  });
  $("close-details").addEventListener("click", clearSelection);

  /* ---------- hover card: label, plain name, one-line definition ---------- */

  const tip = $("tip");
  network.on("hoverNode", (params) => {
    const n = records.get(params.node);
    tip.replaceChildren(el("div", "tip-label", n.label));
    if (n.plain_label && n.plain_label !== n.label) tip.appendChild(el("div", "tip-plain", n.plain_label));
    tip.appendChild(el("div", "tip-kind", kindLabel(n.kind)));
    if (n.definition) tip.appendChild(el("div", "tip-def", firstSentence(n.definition)));
    const frame = container.getBoundingClientRect();
    const x = Math.min(frame.left + params.pointer.DOM.x + 16, window.innerWidth - 440);
    tip.style.left = Math.max(x, 4) + "px";
    tip.style.top = frame.top + params.pointer.DOM.y + 16 + "px";
    tip.hidden = false;
  });
  network.on("blurNode", () => (tip.hidden = true));
  network.on("dragStart", () => (tip.hidden = true));
  network.on("zoom", () => (tip.hidden = true));

  /* ---------- filters: one checkbox per kind and per relation ---------- */

  function visibleCounts() {
    return { nodes: network.body.nodeIndices.length, edges: network.body.edgeIndices.length };
  }

  function updateCounts() {
    const c = visibleCounts();
    $("counts").textContent = c.nodes + " entities · " + c.edges + " facts shown";
  }

  function applyFilters() {
    const hidden = (id) => state.hiddenKinds.has(records.get(id).kind);
    nodes.update(data.nodes.map((n) => ({ id: n.id, hidden: hidden(n.id) })));
    edges.update(
      data.edges.map((e) => ({
        id: e.id,
        hidden: state.hiddenRelations.has(e.relation) || hidden(e.from) || hidden(e.to),
      })),
    );
    updateCounts();
  }

  const SVG = "http://www.w3.org/2000/svg";
  const SHAPES = {
    dot: "M10 2a8 8 0 1 0 0.01 0z",
    square: "M3 3h14v14H3z",
    triangle: "M10 2l8 15H2z",
    triangleDown: "M2 3h16l-8 15z",
    diamond: "M10 1l9 9-9 9-9-9z",
    hexagon: "M5.5 2h9l4.5 8-4.5 8h-9L1 10z",
    star: "M10 1l2.6 6 6.4.5-4.9 4.2 1.5 6.3L10 14.6 4.4 18l1.5-6.3L1 7.5 7.4 7z",
  };

  function swatch(shape, colour) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "22");
    svg.setAttribute("height", "22");
    svg.setAttribute("viewBox", "0 0 20 20");
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", SHAPES[shape] || SHAPES.dot);
    path.setAttribute("fill", colour);
    path.setAttribute("stroke", "#222");
    path.setAttribute("stroke-width", "1.2");
    svg.appendChild(path);
    return svg;
  }

  function lineSample(hierarchy) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "34");
    svg.setAttribute("height", "12");
    const line = document.createElementNS(SVG, "line");
    for (const [k, v] of [["x1", 1], ["y1", 6], ["x2", 33], ["y2", 6]]) line.setAttribute(k, v);
    line.setAttribute("stroke", hierarchy ? "#2b2b2b" : "#7d7d7d");
    line.setAttribute("stroke-width", hierarchy ? "3.5" : "2");
    if (hierarchy) line.setAttribute("stroke-dasharray", "7 4");
    svg.appendChild(line);
    return svg;
  }

  function filterRow(mark, text, count, attr, key, hiddenSet) {
    const row = el("label");
    const box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.setAttribute(attr, key);
    box.addEventListener("change", () => {
      if (box.checked) hiddenSet.delete(key);
      else hiddenSet.add(key);
      applyFilters();
    });
    row.append(box, mark, el("span", null, text), el("span", "count", count));
    return row;
  }

  for (const k of data.kinds) {
    $("kinds").appendChild(filterRow(swatch(k.shape, k.colour), k.label, k.count, "data-kind", k.key, state.hiddenKinds));
  }
  for (const r of data.relations) {
    $("relations").appendChild(
      filterRow(lineSample(r.hierarchy), r.label, r.count, "data-relation", r.key, state.hiddenRelations),
    );
  }

  /* ---------- the hierarchy of each kind, as a collapsible tree ---------- */

  const children = new Map();
  const parents = new Map();
  for (const e of data.edges) {
    if (!relations.get(e.relation).hierarchy) continue;
    if (!children.has(e.to)) children.set(e.to, []);
    children.get(e.to).push(e.from);
    if (!parents.has(e.from)) parents.set(e.from, []);
    parents.get(e.from).push(e.to);
  }

  function treeItem(id, path) {
    const button = el("button", "tree-node", shown(records.get(id)));
    button.type = "button";
    button.dataset.node = id;
    button.addEventListener("click", (event) => {
      event.preventDefault();
      select(id, true);
    });
    const kids = (children.get(id) || []).filter((c) => !path.has(c)).sort(byShown);
    if (!kids.length) {
      const leaf = el("div", "tree-leaf");
      leaf.appendChild(button);
      return leaf;
    }
    const branch = el("details", "tree-branch");
    const summary = el("summary");
    summary.appendChild(button);
    branch.appendChild(summary);
    const below = new Set(path).add(id);
    for (const kid of kids) branch.appendChild(treeItem(kid, below));
    return branch;
  }

  for (const k of data.kinds) {
    const members = data.nodes.filter((n) => n.kind === k.key).map((n) => n.id);
    const sameKind = (p) => records.get(p).kind === k.key;
    const roots = members.filter((id) => !(parents.get(id) || []).some(sameKind)).sort(byShown);
    const box = el("details");
    box.open = k.key === "Disease";
    const summary = el("summary", "kind", k.label + " (" + k.count + ")");
    box.appendChild(summary);
    for (const id of roots) box.appendChild(treeItem(id, new Set()));
    $("tree").appendChild(box);
  }

  /* ---------- search by label, plain name or synonym ---------- */

  const index = data.nodes.map((n) => ({
    id: n.id,
    names: [n.label, n.plain_label, ...(n.synonyms || []), n.id].filter(Boolean).map((s) => s.toLowerCase()),
  }));

  function findMatches(query, limit) {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const scored = [];
    for (const entry of index) {
      let best = 9;
      for (const name of entry.names) {
        if (name === q) best = Math.min(best, 0);
        else if (name.startsWith(q)) best = Math.min(best, 1);
        else if (name.includes(" " + q)) best = Math.min(best, 2);
        else if (name.includes(q)) best = Math.min(best, 3);
      }
      if (best < 9) scored.push([best, records.get(entry.id).label.length, entry.id]);
    }
    scored.sort((a, b) => a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : 1));
    return scored.slice(0, limit || 10).map((s) => s[2]);
  }

  const input = $("search");
  const list = $("suggestions");
  let active = 0;

  function renderSuggestions() {
    const found = findMatches(input.value, 10);
    list.replaceChildren();
    active = 0;
    found.forEach((id, i) => {
      const li = el("li", i === 0 ? "active" : null, records.get(id).label);
      li.setAttribute("role", "option");
      li.dataset.node = id;
      const n = records.get(id);
      const extra = n.plain_label && n.plain_label !== n.label ? n.plain_label + " · " : "";
      li.appendChild(el("span", "suggest-kind", extra + kindLabel(n.kind)));
      li.addEventListener("mousedown", (event) => {
        event.preventDefault();
        pick(id);
      });
      list.appendChild(li);
    });
    list.hidden = found.length === 0;
  }

  function pick(id) {
    list.hidden = true;
    input.value = records.get(id).label;
    select(id, true);
  }

  input.addEventListener("input", renderSuggestions);
  input.addEventListener("blur", () => (list.hidden = true));
  input.addEventListener("keydown", (event) => {
    const items = list.querySelectorAll("li");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!items.length) return;
      items[active].classList.remove("active");
      active = (active + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      items[active].classList.add("active");
    } else if (event.key === "Enter") {
      const found = items.length ? items[active].dataset.node : findMatches(input.value, 1)[0];
      if (found) pick(found);
    } else if (event.key === "Escape") {
      list.hidden = true;
    }
  });

  /* ---------- buttons ---------- */

  function relabel() {
    nodes.update(data.nodes.map((n) => ({ id: n.id, label: wrap(shown(n), 22) })));
    for (const b of document.querySelectorAll(".tree-node")) b.textContent = shown(records.get(b.dataset.node));
  }

  $("names").addEventListener("click", () => {
    state.names = state.names === "plain" ? "scientific" : "plain";
    $("names").textContent = state.names === "plain" ? "Scientific names" : "Plain names";
    relabel();
  });

  $("fit").addEventListener("click", () => {
    clearSelection();
    network.fit({ animation: { duration: 400 } });
  });

  function pngDataUrl() {
    return container.querySelector("canvas").toDataURL("image/png");
  }

  $("png").addEventListener("click", () => {
    const a = el("a");
    a.href = pngDataUrl();
    a.download = (data.focus ? "mndkg-" + data.focus.replace(/[^A-Za-z0-9]+/g, "-") : "mndkg-graph") + ".png";
    document.body.appendChild(a);
    a.click();
    a.remove();
  });

  $("toggle-sidebar").addEventListener("click", () => $("sidebar").classList.toggle("collapsed"));

  updateCounts();
  window.mndkg = {
    network: network,
    nodes: nodes,
    edges: edges,
    state: state,
    data: data,
    select: select,
    clearSelection: clearSelection,
    findMatches: findMatches,
    visibleCounts: visibleCounts,
    pngDataUrl: pngDataUrl,
  };
})();
