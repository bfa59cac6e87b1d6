// The channel desk's copy buttons (admin/channels/publication/desk.html). Without this script the buttons stay
// hidden and the post is a read-only textarea to select and copy by hand. No inline script: the site's CSP.
(function () {
  "use strict";
  function copy(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) {
      return;
    }
    var done = function () {
      button.textContent = button.getAttribute("data-copied");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.value).then(done, function () {
        source.select();
      });
    } else {
      source.select();
      if (document.execCommand && document.execCommand("copy")) {
        done();
      }
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll("button.channel-copy[data-copy]");
    Array.prototype.forEach.call(buttons, function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        copy(button);
      });
    });
  });
})();
