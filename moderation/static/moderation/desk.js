/* The review page's keyboard shortcuts (moderation/admin/review.py): a, c, r focus the approve, request-changes and
   reject forms; n opens the next article of the queue. A static file (strict CSP: no inline script); the page works
   the same without it, the keys are only a shortcut to what is on the page. */
(function () {
  "use strict";

  function typing(target) {
    if (!target || !target.tagName) {
      return false;
    }
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) {
      return;
    }
    // the key's place, not its letter: the same keys work on a Russian layout (KeyA is "ф" there)
    var code = event.code || "";
    var key = code.indexOf("Key") === 0 ? code.slice(3).toLowerCase() : (event.key || "").toLowerCase();
    if (key.length !== 1) {
      return;
    }
    var element = document.querySelector('.desk-review [data-desk-key="' + key + '"]');
    if (!element) {
      return;
    }
    event.preventDefault();
    if (element.tagName.toLowerCase() === "a") {
      window.location.assign(element.href);
      return;
    }
    var field = element.querySelector("select, textarea, input:not([type=hidden]), button");
    element.scrollIntoView({ block: "center" });
    if (field) {
      field.focus();
    }
  });
})();
