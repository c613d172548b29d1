// Search for the static site: reads the prebuilt index (search/index.js) and lists what matches.
// The live server answers searches itself (the results are already in the page), so this does
// nothing there. Every string from the index is put in the page as text, never as markup.
(function () {
  "use strict";

  var form = document.querySelector("form.search");
  var results = document.getElementById("results");
  if (!form || !results || results.getAttribute("data-answered")) {
    return;
  }
  var params = new URLSearchParams(window.location.search);
  var query = (params.get("q") || "").trim();
  if (!query) {
    return;
  }
  ["q", "since", "until", "entity", "source"].forEach(function (name) {
    if (params.get(name) && form.elements[name]) {
      form.elements[name].value = params.get(name);
    }
  });
  var perPage = parseInt(form.getAttribute("data-per-page"), 10) || 20;
  var root = form.getAttribute("data-root") || "";

  function normalise(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // "a b OR c NOT d": alternatives split by OR; in each, every term must match and NOT terms must not.
  function parseQuery(text) {
    var tokens = text.match(/"[^"]*"|\S+/g) || [];
    var groups = [{ want: [], avoid: [] }];
    var negate = false;
    tokens.forEach(function (token) {
      if (token === "OR") {
        groups.push({ want: [], avoid: [] });
      } else if (token === "NOT") {
        negate = true;
      } else if (token !== "AND") {
        var phrase = token.charAt(0) === '"';
        var term = { text: normalise(token.replace(/"/g, "").replace(/\*$/, "")), phrase: phrase };
        if (term.text) {
          groups[groups.length - 1][negate ? "avoid" : "want"].push(term);
        }
        negate = false;
      }
    });
    return groups.filter(function (group) { return group.want.length; });
  }

  function hasTerm(text, term) {
    if (term.phrase) {
      return text.indexOf(term.text) !== -1;
    }
    return text.split(/[^\p{L}\p{N}]+/u).some(function (word) { return word.indexOf(term.text) === 0; });
  }

  function matches(title, groups) {
    var text = normalise(title);
    return groups.some(function (group) {
      return group.want.every(function (t) { return hasTerm(text, t); }) &&
        !group.avoid.some(function (t) { return hasTerm(text, t); });
    });
  }

  function entityIds(index, wanted) {
    var name = normalise(wanted);
    return Object.keys(index.entities).filter(function (id) {
      return id === wanted || normalise(index.entities[id]) === name;
    });
  }

  function search(index) {
    var groups = parseQuery(query);
    var since = params.get("since") || "";
    var until = params.get("until") || "";
    var source = params.get("source") || "";
    var wantedEntity = params.get("entity") || "";
    var entities = wantedEntity ? entityIds(index, wantedEntity) : null;
    var contextOf = {};
    index.events.forEach(function (e) { contextOf[e[0]] = e[5]; });
    function inContext(ids) {
      return !entities || (ids || []).some(function (id) { return entities.indexOf(id) !== -1; });
    }
    var events = index.events.filter(function (e) {
      return matches(e[1], groups) && (!since || (e[4] && e[4] >= since)) && (!until || (e[3] && e[3] <= until)) &&
        (!source || e[6].indexOf(source) !== -1) && inContext(e[5]);
    }).map(function (e) { return { title: e[1], date: e[2], path: e[7] }; });
    var articles = index.articles.filter(function (a) {
      return matches(a[0], groups) && (!since || (a[1] && a[1] >= since)) && (!until || (a[1] && a[1] <= until)) &&
        (!source || a[2] === source) && inContext(contextOf[a[3]]);
    }).map(function (a) { return { title: a[0], date: a[1], path: a[4] }; });
    return { events: events, articles: articles };
  }

  function element(name, text, attributes) {
    var node = document.createElement(name);
    if (text) {
      node.textContent = text;
    }
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    return node;
  }

  function showKind(kind, hits) {
    var section = element("section");
    var singular = kind.slice(0, -1);
    section.appendChild(element("h2", hits.length + " " + (hits.length === 1 ? singular : kind)));
    var list = element("ol", "", { "class": "hits" });
    hits.slice(0, perPage).forEach(function (hit) {
      var item = element("li");
      item.appendChild(element("a", hit.title, { href: root + hit.path }));
      if (hit.date) {
        item.appendChild(element("p", hit.date, { "class": "meta" }));
      }
      list.appendChild(item);
    });
    section.appendChild(list);
    if (hits.length > perPage) {
      section.appendChild(element("p", "Showing the first " + perPage + ": add words or filters to narrow the search.", { "class": "note" }));
    }
    results.appendChild(section);
  }

  function show(index) {
    results.textContent = "";
    if (!index) {
      results.appendChild(element("p", "The search index could not be read.", { "class": "error", role: "alert" }));
      return;
    }
    var found = search(index);
    showKind("events", found.events);
    showKind("articles", found.articles);
    document.title = "Search: " + query + " · currents";
  }

  results.appendChild(element("p", "Searching…", { "class": "note" }));
  var script = document.createElement("script");
  script.src = form.getAttribute("data-index");
  script.onload = function () { show(window.currentsSearchIndex); };
  script.onerror = function () { show(null); };
  document.head.appendChild(script);
})();
