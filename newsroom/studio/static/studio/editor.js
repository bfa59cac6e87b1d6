/* The studio editor's few lines of script (a static file: the Content-Security-Policy allows no inline script).
   Everything else is htmx attributes in the templates; without JavaScript the page works with plain form posts.

   - the upload's progress: htmx reports it on the upload button (htmx:xhr:progress); the <progress> next to it
     shows it while the files are sent;
   - a save htmx could not make (the network, a server error): the status line says so, from its data-error-text,
     and the text stays in the form. */
(function () {
  "use strict";

  function progressBar() {
    return document.getElementById("upload-progress");
  }

  function isUpload(event) {
    var elt = event.detail && event.detail.elt;
    return Boolean(elt && elt.hasAttribute && elt.hasAttribute("data-upload"));
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var bar = progressBar();
    if (bar && isUpload(event)) {
      bar.value = 0;
      bar.hidden = false;
    }
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    var bar = progressBar();
    var detail = event.detail || {};
    if (bar && event.target && event.target.hasAttribute && event.target.hasAttribute("data-upload") && detail.lengthComputable && detail.total) {
      bar.hidden = false;
      bar.value = Math.round((detail.loaded / detail.total) * 100);
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var bar = progressBar();
    if (bar && isUpload(event)) {
      bar.hidden = true;
    }
  });

  function saveFailed() {
    var status = document.getElementById("save-status");
    if (status && status.dataset.errorText) {
      status.textContent = status.dataset.errorText;
    }
  }

  document.addEventListener("htmx:responseError", saveFailed);
  document.addEventListener("htmx:sendError", saveFailed);
})();
