// Offline search. The index is a script (search-index.js), loaded the first
// time the search box is used, so it works from file:// with no server.
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  if (!form) return;
  var root = form.getAttribute("data-root") || "";
  var input = form.querySelector("input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var loading = false;
  form.hidden = false;

  function load(then) {
    if (window.PMOC_SEARCH) return then();
    if (loading) return;
    loading = true;
    var s = document.createElement("script");
    s.src = root + "search-index.js";
    s.onload = function () { loading = false; then(); };
    s.onerror = function () { loading = false; status.textContent = "The search index could not be loaded."; };
    document.head.appendChild(s);
  }

  function render() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) { list.hidden = true; status.textContent = ""; return; }
    var hits = [];
    var index = window.PMOC_SEARCH || [];
    for (var i = 0; i < index.length && hits.length < 20; i++) {
      var e = index[i];
      var hay = (e.t + " " + e.i + " " + e.s + " " + e.k).toLowerCase();
      if (words.every(function (w) { return hay.indexOf(w) !== -1; })) hits.push(e);
    }
    hits.forEach(function (e) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + e.u;
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = e.k;
      a.appendChild(kind);
      a.appendChild(document.createTextNode(e.t));
      if (e.s) {
        var sum = document.createElement("span");
        sum.className = "sum";
        sum.textContent = e.s;
        a.appendChild(sum);
      }
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = hits.length === 0;
    status.textContent = hits.length ? hits.length + " results" : "No results";
  }

  input.addEventListener("focus", function () { load(function () {}); });
  input.addEventListener("input", function () { load(render); });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") {
      var first = list.querySelector("a");
      if (first) { ev.preventDefault(); first.focus(); }
    } else if (ev.key === "Escape") {
      list.hidden = true;
    }
  });
  list.addEventListener("keydown", function (ev) {
    var a = document.activeElement;
    if (!a || a.tagName !== "A") return;
    var li = a.parentNode;
    if (ev.key === "ArrowDown" && li.nextSibling) { ev.preventDefault(); li.nextSibling.firstChild.focus(); }
    if (ev.key === "ArrowUp") { ev.preventDefault(); (li.previousSibling ? li.previousSibling.firstChild : input).focus(); }
    if (ev.key === "Escape") { list.hidden = true; input.focus(); }
  });
  form.addEventListener("submit", function (ev) {
    var first = list.querySelector("a");
    if (first) { ev.preventDefault(); window.location.href = first.href; }
  });
})();
