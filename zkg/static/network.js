(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("zkg-data").textContent);
  var lang = "zh";
  var enabled = {};
  var kindInfo = {};
  var showHub = false;
  D.kinds.forEach(function (k) { enabled[k.name] = true; kindInfo[k.name] = k; });
  var byId = {};
  D.nodes.forEach(function (n) { byId[n.id] = n; });
  var TIP_FIGURES = 15, TIP_QUOTES = 3;

  function el(tag, text, cls) {  // every string from the data goes in as text, never as HTML
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function zh() { return lang === "zh"; }
  function nodeLabel(n) {
    var text = zh() ? n.zh : n.en;
    if (n.kind === "alliance" && "members" in n) text += "\n" + membersText(n.members);
    return text;
  }
  function edgeLabel(name) { var e = D.edgeNames[name]; return e ? e[lang] : name; }
  function groupName(n) {  // digits in threes, for English
    var parts = String(n).split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return parts.join(".");
  }
  // A figure's amount with its unit: the article's words in Chinese (or value + the unit's label
  // from the ontology when a derived figure has none), value + the unit's English label in English.
  function amount(g) {
    var v = g.value || "";
    if (g.kind === "change" && v.charAt(0) !== "-") v = "+" + v;
    if (zh()) {
      var stated = g.as_stated && g.as_stated !== g.value ? g.as_stated : "";
      if (stated && g.kind === "change" && !/^[-+]/.test(stated)) stated = "+" + stated;
      var bound = g.bound && g.bound !== "Exactly" && !stated ? (g.bound_zh || "") : "";
      return bound + (stated || v + (g.unit_zh || ""));
    }
    var unit = g.unit_en || "";
    var b = g.bound && g.bound !== "Exactly" ? (g.bound_en || "") + " " : "";
    return b + (v.charAt(0) === "+" ? "+" + groupName(v.slice(1)) : groupName(v)) + (unit ? " " + unit : "");
  }
  function figureText(g) {
    var ind = zh() ? g.indicator_zh : g.indicator_en;
    var text;
    if (g.kind === "change") {
      var since = g.baseline_year ? (zh() ? "较" + g.baseline_year + "年 " : "") : (g.period ? g.period + " " : "");
      text = ind + (zh() ? "：" : ": ") + since + amount(g) +
             (!zh() && g.baseline_year ? " since " + g.baseline_year : "") +
             (g.year ? (zh() ? "（至" + g.year + "年）" : " (to " + g.year + ")") : "");
    } else {
      text = ind + (zh() ? "：" : ": ") + amount(g) +
             (g.year ? (zh() ? "（" + g.year + "年）" : " (" + g.year + ")") : "") +
             (g.period ? (zh() ? "（" + g.period + "）" : " (" + g.period + ")") : "");
    }
    return text;
  }
  function statusText(g) {
    var kind = g.kind === "change" ? (zh() ? "变化" : "change") : (zh() ? "水平" : "level");
    var st = zh() ? g.status_zh : g.status_en;
    return " · " + kind + (st ? " · " + st : "");
  }
  function membersText(m) {
    if (!m) return zh() ? "成员数未说明" : "members not stated";
    return (zh() ? "成员 " : "members: ") + amount(m);
  }
  function nodeColor(n) {
    var k = kindInfo[n.kind];
    var bg = n.color || k.color, border = n.border || k.border;
    return { background: bg, border: border, highlight: { background: bg, border: "#000" },
             hover: { background: bg, border: "#000" } };
  }

  var groups = {};
  D.kinds.forEach(function (k) {
    groups[k.name] = { color: { background: k.color, border: k.border,
                                highlight: { background: k.color, border: "#000" } },
                       shape: D.large ? "dot" : k.shape, size: D.large ? 4 : 14 };
  });
  if (!D.large) groups.unstated = Object.assign({}, groups.unstated || {},
    { shapeProperties: { borderDashes: [6, 4] }, borderWidth: 2, font: { color: "#666" } });
  var nodes = new vis.DataSet(D.nodes.map(function (n) {
    var o = { id: n.id, label: nodeLabel(n), group: n.kind };
    if (n.color || n.border) o.color = nodeColor(n);
    if (D.positioned) { o.x = n.x; o.y = n.y; }
    return o;
  }));
  var edges = new vis.DataSet(D.edges.map(function (e, i) {
    var o = { id: i, from: e.from, to: e.to, name: e.name };
    if (D.edgeLabels) o.label = edgeLabel(e.name);
    if (e.unstated) o.dashes = [6, 4];
    if (e.par && !D.large) o.smooth = { enabled: true, type: e.par % 2 ? "curvedCW" : "curvedCCW",
                                        roundness: 0.25 * Math.ceil(e.par / 2) };
    return o;
  }));
  var nodesView = new vis.DataView(nodes, { filter: function (n) { return enabled[n.group]; } });
  var edgesView = new vis.DataView(edges, { filter: function (e) {
    var rec = D.edges[e.id];
    return enabled[byId[e.from].kind] && enabled[byId[e.to].kind] && (showHub || !rec.hub); } });

  var options = {
    groups: groups,
    layout: { randomSeed: D.seed, improvedLayout: !D.positioned },
    nodes: { font: { size: D.view === "alliances" ? 15 : 13, face: "sans-serif", multi: false },
             borderWidth: 1, widthConstraint: D.large ? false : { maximum: D.view === "alliances" ? 220 : 150 } },
    edges: { arrows: { to: { enabled: true, scaleFactor: 0.5 } }, color: { color: "#9aa", highlight: "#333" },
             font: { size: D.view === "alliances" ? 13 : 11, color: "#345", strokeWidth: 3, strokeColor: "#fff",
                     align: "horizontal" },
             smooth: D.positioned ? false : { type: "continuous" } },
    interaction: { hover: true, tooltipDelay: 100, hideEdgesOnDrag: D.large, hideEdgesOnZoom: D.large,
                   navigationButtons: false, keyboard: false },
    physics: D.positioned ? { enabled: false } : {
      enabled: true, solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -60, springLength: 110, avoidOverlap: 0.3 },
      stabilization: { enabled: true, iterations: D.iterations, updateInterval: 50, fit: true } }
  };
  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodesView, edges: edgesView }, options);
  var state = { network: network, nodes: nodes, edges: edges, data: D, ready: false,
                physicsStopped: D.positioned, describe: describe, showDetails: showDetails,
                search: search, focusNode: focusNode, exportPng: exportPng, figureText: figureText,
                setLanguage: setLanguage };
  window.zkg = state;

  function ready() {
    state.ready = true;
    document.body.setAttribute("data-ready", "1");
  }
  function done() {
    if (!D.positioned) network.setOptions({ physics: false });  // settle, then stop for good
    state.physicsStopped = true;
    network.fit();
    ready();
  }
  if (D.positioned) network.once("afterDrawing", function () { network.fit(); ready(); });
  else network.once("stabilizationIterationsDone", done);

  function figureList(figs, limit, target) {
    var ul = el("ul");
    figs.slice(0, limit).forEach(function (g) {
      var li = el("li", figureText(g));
      li.appendChild(el("span", statusText(g), "status"));
      if (g.quote) li.appendChild(el("blockquote", "“" + g.quote + "”"));
      ul.appendChild(li);
    });
    target.appendChild(ul);
    if (figs.length > limit) target.appendChild(el("div", zh() ? "……另有" + (figs.length - limit) + "项数据（点击节点看全部）"
                                                             : "… " + (figs.length - limit) + " more figures (click the node for all)", "more"));
  }
  // A DOM fragment about one node, built from text nodes only; brief (for the tooltip) or full.
  function describe(id, brief) {
    var n = byId[id], f = document.createDocumentFragment();
    if (!n) return f;
    var k = kindInfo[n.kind];
    var other = zh() ? n.en : n.zh;
    f.appendChild(el("b", (zh() ? n.zh : n.en) + (other && other !== (zh() ? n.zh : n.en) ? " · " + other : "")));
    var cls = zh() ? n.cls_zh : n.cls_en;
    f.appendChild(el("div", (zh() ? k.zh : k.en) + (cls && cls !== (zh() ? k.zh : k.en) ? (zh() ? "（" + cls.split("|").join("、") + "）" : " (" + cls.split("|").join(", ") + ")") : "")));
    if (n.alt && n.alt.length) f.appendChild(el("div", (zh() ? "又称：" : "Also: ") + n.alt.join(zh() ? "、" : ", ")));
    if (n.kind === "alliance" && "members" in n) f.appendChild(el("div", membersText(n.members)));
    if (n.kind === "unstated") f.appendChild(el("div", zh() ? "文章未说明该联盟覆盖哪些区县。" :
                                                      "The article does not say which counties this alliance covers.", "note"));
    if (n.iri && !brief) f.appendChild(el("div", n.iri, "iri"));
    if (n.figures && n.figures.length) {
      f.appendChild(el("div", (zh() ? "数据（" : "Figures (") + n.figures.length + (zh() ? "项）：" : "):")));
      figureList(n.figures, brief ? TIP_FIGURES : Infinity, f);
    }
    if (n.quotes && n.quotes.length) {
      f.appendChild(el("div", zh() ? "原文：" : "The article's words:"));
      var limit = brief ? TIP_QUOTES : n.quotes.length;
      n.quotes.slice(0, limit).forEach(function (q) { f.appendChild(el("blockquote", "“" + q + "”")); });
      if (n.quotes.length > limit) f.appendChild(el("div", zh() ? "……另有" + (n.quotes.length - limit) + "处原文"
                                                              : "… " + (n.quotes.length - limit) + " more quotes", "more"));
    }
    return f;
  }
  function describeEdge(id) {
    var e = D.edges[id], f = document.createDocumentFragment();
    f.appendChild(el("b", nodeLabel(byId[e.from]).split("\n")[0] + " → " + edgeLabel(e.name) + " → " +
                          nodeLabel(byId[e.to]).split("\n")[0]));
    if (e.role) f.appendChild(el("div", e.role));
    if (e.unstated) f.appendChild(el("div", zh() ? "文章未说明" : "not stated in the article", "note"));
    (e.quotes || []).forEach(function (q) { f.appendChild(el("blockquote", "“" + q + "”")); });
    return f;
  }
  function showDetails(id) {
    document.getElementById("details").replaceChildren(describe(id, false));
  }

  // The tooltip stays inside the window, scrolls when long, and stays open while the pointer is on it.
  var tip = document.getElementById("tip");
  var hideTimer = null, onTip = false;
  function showTip(frag, pointer) {
    clearTimeout(hideTimer);
    tip.replaceChildren(frag);
    tip.scrollTop = 0;
    tip.style.display = "block";
    var r = container.getBoundingClientRect();  // vis empties its container, so the tip lives outside
    var x = r.left + pointer.DOM.x + 14, y = r.top + pointer.DOM.y + 14;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    if (x + w > window.innerWidth - 8) x = Math.max(8, r.left + pointer.DOM.x - w - 14);
    if (y + h > window.innerHeight - 8) y = Math.max(8, window.innerHeight - h - 8);
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }
  function hideTipSoon() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(function () { if (!onTip) tip.style.display = "none"; }, 400);
  }
  tip.addEventListener("mouseenter", function () { onTip = true; clearTimeout(hideTimer); });
  tip.addEventListener("mouseleave", function () { onTip = false; hideTipSoon(); });
  network.on("hoverNode", function (p) { showTip(describe(p.node, true), p.pointer); });
  network.on("hoverEdge", function (p) { showTip(describeEdge(p.edge), p.pointer); });
  network.on("blurNode", hideTipSoon);
  network.on("blurEdge", hideTipSoon);
  network.on("dragStart", function () { tip.style.display = "none"; });
  network.on("selectNode", function (p) { showDetails(p.nodes[0]); });

  // Search: any zh, en or alternative label containing the text (case ignored).
  function search(text) {
    var q = String(text || "").trim().toLowerCase();
    if (!q) return [];
    var found = [];  // [rank, id]: exact names first, then the shortest name that holds the text
    D.nodes.forEach(function (n) {
      if (!enabled[n.kind]) return;
      var names = [n.zh, n.en].concat(n.alt || []).map(function (s) { return String(s).toLowerCase(); });
      var best = Infinity;
      names.forEach(function (s) { if (s.indexOf(q) >= 0) best = Math.min(best, s === q ? 0 : s.length); });
      if (best < Infinity) found.push([best, n.id]);
    });
    found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    return found.map(function (f) { return f[1]; });
  }
  function focusNode(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.2), animation: false });
    showDetails(id);
    state.focused = id;
  }
  var searchBox = document.getElementById("search"), hits = document.getElementById("hits");
  function showHits() {
    var found = search(searchBox.value);
    hits.replaceChildren();
    if (searchBox.value.trim() && !found.length) hits.appendChild(el("div", zh() ? "没有找到" : "nothing found", "note"));
    found.slice(0, 8).forEach(function (id) {
      var b = el("button", nodeLabel(byId[id]).split("\n")[0]);
      b.type = "button";
      b.addEventListener("click", function () { focusNode(id); });
      hits.appendChild(b);
    });
    return found;
  }
  searchBox.addEventListener("input", showHits);
  searchBox.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { var found = showHits(); if (found.length) focusNode(found[0]); }
  });

  // PNG: the canvas on white, downloaded.
  function exportPng() {
    var src = container.querySelector("canvas");
    var c = document.createElement("canvas");
    c.width = src.width; c.height = src.height;
    var ctx = c.getContext("2d");
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, c.width, c.height);
    ctx.drawImage(src, 0, 0);
    var a = document.createElement("a");
    a.href = c.toDataURL("image/png");
    a.download = "zhaotong-" + D.view + ".png";
    document.body.appendChild(a); a.click(); a.remove();
  }
  document.getElementById("png").addEventListener("click", exportPng);
  document.getElementById("fit").addEventListener("click", function () { network.fit(); });

  // Legend swatches drawn as the shapes vis draws (an SVG per kind).
  var SVG = "http://www.w3.org/2000/svg";
  function poly(points) {
    var p = document.createElementNS(SVG, "polygon");
    p.setAttribute("points", points.map(function (xy) { return xy[0].toFixed(2) + "," + xy[1].toFixed(2); }).join(" "));
    return p;
  }
  function ring(count, r, inner, start) {
    var pts = [];
    for (var i = 0; i < count; i++) {
      var a = start + i * 2 * Math.PI / count, rr = inner && i % 2 ? inner : r;
      pts.push([8 + rr * Math.cos(a), 8 + rr * Math.sin(a)]);
    }
    return pts;
  }
  function swatch(shape, fill, border, dashed) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 16 16"); svg.setAttribute("class", "swatch");
    svg.setAttribute("data-shape", shape);
    var e;
    if (shape === "dot") { e = document.createElementNS(SVG, "circle"); e.setAttribute("cx", 8); e.setAttribute("cy", 8); e.setAttribute("r", 6.5); }
    else if (shape === "ellipse") { e = document.createElementNS(SVG, "ellipse"); e.setAttribute("cx", 8); e.setAttribute("cy", 8); e.setAttribute("rx", 7); e.setAttribute("ry", 4.5); }
    else if (shape === "square") { e = document.createElementNS(SVG, "rect"); e.setAttribute("x", 1.5); e.setAttribute("y", 1.5); e.setAttribute("width", 13); e.setAttribute("height", 13); }
    else if (shape === "box") { e = document.createElementNS(SVG, "rect"); e.setAttribute("x", 0.5); e.setAttribute("y", 3.5); e.setAttribute("width", 15); e.setAttribute("height", 9); e.setAttribute("rx", 2); }
    else if (shape === "triangle") e = poly(ring(3, 7.5, 0, -Math.PI / 2));
    else if (shape === "triangleDown") e = poly(ring(3, 7.5, 0, Math.PI / 2));
    else if (shape === "diamond") e = poly(ring(4, 7.5, 0, -Math.PI / 2));
    else if (shape === "hexagon") e = poly(ring(6, 7.5, 0, 0));
    else if (shape === "star") e = poly(ring(10, 7.5, 3.2, -Math.PI / 2));
    else { e = document.createElementNS(SVG, "circle"); e.setAttribute("cx", 8); e.setAttribute("cy", 8); e.setAttribute("r", 6.5); }
    e.setAttribute("fill", fill); e.setAttribute("stroke", border); e.setAttribute("stroke-width", 1);
    if (dashed) e.setAttribute("stroke-dasharray", "2.5 1.5");
    svg.appendChild(e);
    return svg;
  }

  function render() {
    document.documentElement.lang = lang;
    document.getElementById("heading").textContent = zh() ? D.title_zh : D.title_en;
    document.getElementById("counts").textContent = D.nodes.length + (zh() ? " 个节点，" : " nodes, ") +
      D.edges.length + (zh() ? " 条关系" : " edges") + (D.large ? (zh() ? "（大图：物理模拟关闭）" : " (large: physics off)") : "");
    document.querySelectorAll("[data-zh]").forEach(function (h) { h.textContent = h.getAttribute("data-" + lang); });
    searchBox.placeholder = searchBox.getAttribute("data-" + lang + "-placeholder");
    var legend = document.getElementById("legend");
    legend.replaceChildren();
    D.kinds.forEach(function (k) {
      var row = el("label", null, "legend-row");
      row.setAttribute("data-kind", k.name);
      var box = el("input"); box.type = "checkbox"; box.checked = enabled[k.name]; box.value = k.name;
      box.addEventListener("change", function () { enabled[k.name] = box.checked; nodesView.refresh(); edgesView.refresh(); });
      var byAlliance = D.allianceKey.length && (k.name === "alliance" || k.name === "division");
      row.appendChild(box);
      row.appendChild(swatch(D.large ? "dot" : k.shape, k.name === "unstated" ? "#fff" : (byAlliance ? "#ddd" : k.color),
                             k.border, k.name === "unstated"));
      row.appendChild(el("span", zh() ? k.zh : k.en));
      row.appendChild(el("span", "(" + k.count + ")", "kind-count"));
      legend.appendChild(row);
    });
    var hubCount = D.edges.filter(function (e) { return e.hub; }).length;
    var hub = document.getElementById("hub-toggle");
    hub.replaceChildren();
    if (hubCount) {
      var row = el("label", null, "legend-row"), box = el("input");
      box.type = "checkbox"; box.checked = showHub; box.id = "show-hub";
      box.addEventListener("change", function () { showHub = box.checked; edgesView.refresh(); });
      row.appendChild(box);
      row.appendChild(el("span", zh() ? "显示到上级的隶属关系（" + hubCount + "条）" : "show the " + hubCount + " part-of links to the prefecture"));
      hub.appendChild(row);
    }
    var key = document.getElementById("alliance-key");
    key.replaceChildren();
    if (D.allianceKey.length) {
      key.appendChild(el("h2", zh() ? "颜色 · 联盟及其覆盖区县" : "Colour · alliance and the counties it covers"));
      D.allianceKey.forEach(function (a) {
        var row = el("div", null, "key-row"), b = el("span", null, "key-box");
        b.style.background = a.color;
        row.appendChild(b);
        row.appendChild(el("span", zh() ? a.zh : a.en));
        key.appendChild(row);
      });
      key.appendChild(el("div", zh() ? "虚线框：文章未说明覆盖的区县" : "Dashed box: the article does not say which counties", "note"));
    }
  }
  function setLanguage(value) {
    lang = value;
    nodes.update(D.nodes.map(function (n) {  // vis re-applies the group's style on update: give the colour again
      var o = { id: n.id, label: nodeLabel(n) };
      if (n.color || n.border) o.color = nodeColor(n);
      return o;
    }));
    if (D.edgeLabels) edges.update(D.edges.map(function (e, i) { return { id: i, label: edgeLabel(e.name) }; }));
    render();
    showHits();
    var sel = network.getSelectedNodes();
    if (sel.length) showDetails(sel[0]);
  }
  document.querySelectorAll("input[name=lang]").forEach(function (r) {
    r.addEventListener("change", function () { setLanguage(r.value); });
  });
  render();
})();
