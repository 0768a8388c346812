// kneeguard page shell: the little script the shell needs, kept out of the pages (the
// Content-Security-Policy runs no inline script). Everything works without it.
"use strict";

(function () {
  // "Go back" links (error pages): the browser's previous page when there is one, else their href.
  document.querySelectorAll("a[data-back]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (window.history.length > 1 && document.referrer) {
        event.preventDefault();
        window.history.back();
      }
    });
  });

  // The phone menu is a checkbox; Escape folds it again and gives the focus back to its toggle.
  var toggle = document.getElementById("nav-toggle");
  if (toggle) {
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.checked) { toggle.checked = false; toggle.focus(); }
    });
  }
})();
