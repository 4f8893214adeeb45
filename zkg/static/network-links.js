// The explorer's network page: a click on a node opens its entity page (the data carries each
// node's link, relative to the page). Runs after network.js, which puts its state in window.zkg.
(function () {
  "use strict";
  var state = window.zkg;
  if (!state || !state.data || !state.data.links) return;
  state.network.on("click", function (p) {
    var href = p.nodes.length ? state.data.links[p.nodes[0]] : null;
    if (href) window.location.href = href;
  });
})();
