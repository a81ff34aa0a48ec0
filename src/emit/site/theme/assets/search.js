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
  var dismissed = false; // closed with Escape: stays closed until typing
  var MAX = 20;
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

  // Whether `w` starts a word of `text`: at its start, or after a character
  // that is not a letter or a digit ("risk" in "update the risk log" and in
  // "risk-log-sla", not in "brisk").
  function beginsWord(text, w) {
    for (var i = text.indexOf(w); i !== -1; i = text.indexOf(w, i + 1)) {
      if (i === 0 || !/[\p{L}\p{N}]/u.test(text.charAt(i - 1))) return true;
    }
    return false;
  }

  // The ranking. An entry matches when every word typed occurs in it
  // (title, id, summary or kind). Matches are ranked by tier, lower first:
  //   0. the title or the id is exactly what was typed ("risk": the
  //      function whose id is `risk`);
  //   1. every word begins a word of the title ("risk": "Update the risk log");
  //   2. every word occurs in the title, some inside a word;
  //   3. every word begins a word of the title or of the id;
  //   4. the rest: some word is found only in the summary, the kind or
  //      inside the id ("risk": a service whose summary mentions risks).
  // A title that is only the id (an SLA, a service without a name) counts
  // as an id: tiers 1 and 2 are for names. Within a tier an entry whose id
  // begins with what was typed comes first ("risk": `risk-log` before
  // `quantitative-risk`), then the index's order: services by id, each
  // followed by its SLAs, then functions, gates and customer groups.
  // Gives -1 for an entry that does not match.
  function rank(e, words, query) {
    var title = e.t.toLowerCase();
    var id = e.i.toLowerCase();
    var named = e.t !== e.i;
    var hay = title + " " + id + " " + e.s.toLowerCase() + " " + e.k.toLowerCase();
    var all = function (test) { return words.every(test); };
    if (!all(function (w) { return hay.indexOf(w) !== -1; })) return -1;
    if (id === query || title.split(/\s+/).join(" ") === query) return 0;
    if (named && all(function (w) { return beginsWord(title, w); })) return 1;
    if (named && all(function (w) { return title.indexOf(w) !== -1; })) return 2;
    if (all(function (w) { return beginsWord(title, w) || beginsWord(id, w); })) return 3;
    return 4;
  }

  function span(className, text) {
    var s = document.createElement("span");
    s.className = className;
    s.textContent = text;
    return s;
  }

  // One result: its title, then its kind as a tag, then its summary. The
  // separators are read by screen readers, not shown ("Risk workshops,
  // service: A facilitated workshop…").
  function item(e) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = root + e.u;
    a.appendChild(span("title", e.t));
    var kind = span("kind", e.k);
    kind.insertBefore(span("visually-hidden", ", "), kind.firstChild);
    a.appendChild(kind);
    if (e.s) {
      var sum = span("sum", e.s);
      sum.insertBefore(span("visually-hidden", ": "), sum.firstChild);
      a.appendChild(sum);
    }
    li.appendChild(a);
    return li;
  }

  function render() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) { list.hidden = true; status.textContent = ""; return; }
    var query = words.join(" ");
    var index = window.PMOC_SEARCH || [];
    var hits = [];
    for (var i = 0; i < index.length; i++) {
      var tier = rank(index[i], words, query);
      if (tier === -1) continue;
      var lead = index[i].i.toLowerCase().indexOf(words[0]) === 0 ? 0 : 1;
      hits.push({ tier: tier, lead: lead, at: i, e: index[i] });
    }
    hits.sort(function (x, y) { return x.tier - y.tier || x.lead - y.lead || x.at - y.at; });
    hits.slice(0, MAX).forEach(function (h) { list.appendChild(item(h.e)); });
    list.hidden = hits.length === 0;
    var n = hits.length;
    status.textContent = n === 0 ? "No results"
      : (n > MAX ? MAX + " of " + n : n) + (n === 1 ? " result" : " results");
  }

  function close() { list.hidden = true; }

  // The list shows while focus is in the search widget: leaving the widget
  // (Tab, a click elsewhere) closes it, coming back to the box shows it
  // again; Escape closes it until the next key typed or ArrowDown.
  input.addEventListener("focus", function () { load(dismissed ? function () {} : render); });
  input.addEventListener("input", function () { dismissed = false; load(render); });
  form.addEventListener("focusout", function (ev) {
    if (!ev.relatedTarget || !form.contains(ev.relatedTarget)) close();
  });
  // A click on a result keeps the focus where it is, so the list is still
  // there when the click lands (some browsers do not focus a clicked link).
  list.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") {
      dismissed = false;
      if (list.hidden) render();
      var first = list.querySelector("a");
      if (first) { ev.preventDefault(); first.focus(); }
    } else if (ev.key === "Escape" && !list.hidden) {
      // The first Escape closes the list; the next clears the box.
      ev.preventDefault();
      dismissed = true;
      close();
    }
  });
  list.addEventListener("keydown", function (ev) {
    var a = document.activeElement;
    if (!a || a.tagName !== "A") return;
    var li = a.parentNode;
    if (ev.key === "ArrowDown" && li.nextSibling) { ev.preventDefault(); li.nextSibling.firstChild.focus(); }
    if (ev.key === "ArrowUp") { ev.preventDefault(); (li.previousSibling ? li.previousSibling.firstChild : input).focus(); }
    if (ev.key === "Escape") { dismissed = true; close(); input.focus(); }
  });
  form.addEventListener("submit", function (ev) {
    var first = list.querySelector("a");
    if (first) { ev.preventDefault(); window.location.href = first.href; }
  });
})();
