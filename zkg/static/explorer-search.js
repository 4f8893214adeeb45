// Search as you type on the explorer's home page: asks /api/search?q= (this site only) and lists
// the first names that match. Without this script the form still works (it submits to /search).
(function () {
  "use strict";
  var form = document.querySelector("form.find[data-api]");
  if (!form) { return; }
  var input = form.querySelector("input[name=q]");
  var list = form.querySelector(".suggestions");
  var api = form.getAttribute("data-api");
  var base = form.getAttribute("data-base") || "./";
  var asked = 0;

  function show(items, asking) {
    if (asking !== asked) { return; }  // an older answer arriving late
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = base + item.path.replace(/^\//, "");
      a.textContent = item.zh + (item.en && item.en !== item.zh ? " · " + item.en : "");
      li.appendChild(a);
      var cls = document.createElement("span");
      cls.className = "muted";
      cls.textContent = " " + item["class"];
      li.appendChild(cls);
      list.appendChild(li);
    });
    if (!items.length && input.value.trim()) {
      var none = document.createElement("li");
      none.textContent = "No name contains this; press Enter for the closest names.";
      list.appendChild(none);
    }
  }

  input.addEventListener("input", function () {
    var text = input.value.trim();
    asked += 1;
    var asking = asked;
    if (!text) { show([], asking); return; }
    fetch(api + "?q=" + encodeURIComponent(text), { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (items) { show(items, asking); })
      .catch(function () { show([], asking); });
  });
}());
