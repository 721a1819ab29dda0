// Keyboard shortcuts: "/" focuses the search box; j / k move between inbox rows; Enter opens.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) { return; }
    if (event.key === "/") {
      var search = document.querySelector("input[type=search]");
      if (search) { event.preventDefault(); search.focus(); }
      return;
    }
    if (event.key !== "j" && event.key !== "k") { return; }
    var links = Array.prototype.slice.call(document.querySelectorAll("a.row-link"));
    if (!links.length) { return; }
    var index = links.indexOf(document.activeElement);
    index = event.key === "j" ? Math.min(links.length - 1, index + 1) : Math.max(0, index - 1);
    links[index].focus();
  });
})();
