// Sortable and filterable tables, without a framework. A table marked data-sortable gets
// buttons in its headers; an input with data-filter-for="table-id" hides rows that do not
// contain its text. Pages work without this script; it only adds convenience.
(function () {
  // A cell may carry data-sort with a machine value (a number or an ISO date); otherwise
  // its text is compared, ignoring case.
  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var raw = cell.getAttribute("data-sort");
    if (raw === null) return cell.textContent.trim().toLowerCase();
    var number = Number(raw);
    return raw !== "" && !isNaN(number) ? number : raw;
  }
  function sortBy(table, header, index) {
    var body = table.tBodies[0];
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      if (x < y) return ascending ? -1 : 1;
      if (x > y) return ascending ? 1 : -1;
      return 0;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    if (!table.tHead || !table.tBodies[0]) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      if (th.hasAttribute("data-nosort")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent.trim();
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, th, index); });
    });
  });
  document.querySelectorAll("input[data-filter-for]").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("data-filter-for"));
    if (!table || !table.tBodies[0]) return;
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) === -1;
      });
    });
  });
  // A table wider than the screen scrolls inside its .table-wrap region (see matching.css).
  // Keyboard users can only scroll what they can focus, so a region that scrolls becomes a
  // named tab stop (named by its table's caption); one that fits stays out of the tab order.
  var captions = 0;
  function reachable(wrap) {
    if (wrap.hasAttribute("data-static-region")) return;
    var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
    if (scrolls && !wrap.hasAttribute("tabindex")) {
      var caption = wrap.querySelector("caption");
      if (caption && !wrap.hasAttribute("aria-label") && !wrap.hasAttribute("aria-labelledby")) {
        if (!caption.id) caption.id = "tabel-bijschrift-" + (++captions);
        wrap.setAttribute("aria-labelledby", caption.id);
      }
      if (!wrap.hasAttribute("role")) wrap.setAttribute("role", "region");
      wrap.setAttribute("tabindex", "0");
    } else if (!scrolls && wrap.getAttribute("tabindex") === "0") {
      wrap.removeAttribute("tabindex");
    }
  }
  var wraps = document.querySelectorAll(".table-wrap");
  wraps.forEach(function (wrap) {
    // Regions the template made focusable itself keep their tab stop at every width.
    if (wrap.hasAttribute("tabindex")) wrap.setAttribute("data-static-region", "");
    reachable(wrap);
  });
  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) return;
    pending = window.setTimeout(function () { pending = null; wraps.forEach(reachable); }, 100);
  });
})();
