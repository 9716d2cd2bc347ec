/* Search, sort and filter the index; without this script the list is complete, newest first. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var body = document.querySelector("#documents tbody");
  if (!form || !body || !"".normalize) { return; }
  var rows = Array.prototype.slice.call(body.rows);
  var empty = document.getElementById("no-match");
  var sorted = "newest";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  rows.forEach(function (row, i) {
    row.searchText = fold(row.getAttribute("data-title"));
    row.states = row.getAttribute("data-states").split(" ");
    row.position = i;
  });
  var compare = {
    newest: function (a, b) { return a.position - b.position; },
    oldest: function (a, b) {
      var x = a.getAttribute("data-date"), y = b.getAttribute("data-date");
      return (!x - !y) || (x < y ? -1 : x > y ? 1 : b.position - a.position);
    },
    title: function (a, b) { return a.searchText.localeCompare(b.searchText); }
  };
  function matches(row, words, language, state) {
    return words.every(function (w) { return row.searchText.indexOf(w) >= 0; }) &&
      row.states.some(function (token) {
        var pair = token.split(":");
        return (!language || pair[0] === language) && (!state || pair[1] === state);
      });
  }
  function update() {
    var words = fold(form.q.value).split(/\s+/).filter(Boolean);
    var language = form.language ? form.language.value : "";
    var shown = 0;
    rows.forEach(function (row) {
      row.hidden = !matches(row, words, language, form.state.value);
      shown += row.hidden ? 0 : 1;
    });
    if (form.sort.value !== sorted) {
      sorted = form.sort.value;
      rows.slice().sort(compare[sorted]).forEach(function (row) { body.appendChild(row); });
    }
    empty.hidden = shown > 0;
    form.shown.value = form.shown.getAttribute("data-template")
      .replace("{shown}", shown).replace("{total}", rows.length);
  }
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  update();
}());
