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

/* The claim while the review page is open (moderation/admin/lease.py): renewed every half lease, and again when
   the page comes back from the browser's back-forward cache; released when the editor leaves the page without
   sending one of its forms (a decision ends or keeps the claim itself). Without JavaScript the claim simply lasts
   its lease, shown on the page, and the "Release" button ends it. */
(function () {
  "use strict";

  var section = document.querySelector(".desk-claim[data-lease-url]");
  if (!section || !window.fetch) {
    return;
  }
  var url = section.getAttribute("data-lease-url");
  var until = section.getAttribute("data-lease-until");
  var every = Math.max(5, parseInt(section.getAttribute("data-lease-renew"), 10) || 600) * 1000;
  var status = section.querySelector(".desk-lease");
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  var sending = false;
  var timer = null;
  if (!token) {
    return;
  }

  function body(op) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token.value);
    data.append("op", op);
    if (op === "release") {
      data.append("until", until);
    }
    return data;
  }

  function renew() {
    fetch(url, { method: "POST", body: body("renew"), credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (answer) {
          if (response.ok && answer.until) {
            until = answer.until;
          } else {
            window.clearInterval(timer);  // another editor took it, or it left the queue: stop asking
          }
          var message = answer.message || (answer.error && answer.error.message);
          if (status && message) {
            status.textContent = message;
          }
        });
      })
      .catch(function () {
        /* offline for a moment: the next turn tries again, and the lease outlasts a few missed turns */
      });
  }

  document.addEventListener("submit", function () {
    sending = true;
  });
  window.addEventListener("pagehide", function () {
    if (!sending && navigator.sendBeacon) {
      navigator.sendBeacon(url, body("release"));
    }
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {  // back from the cache after a release: claim it again
      sending = false;
      renew();
    }
  });
  timer = window.setInterval(renew, every);
})();

/* The reject form's preview: only the letter that will be sent — the editor's own message when one is typed,
   otherwise the chosen reason's template; and the request-changes template put into the message on request. */
(function () {
  "use strict";

  var preview = document.querySelector('[data-desk-preview="reject"]');
  var form = preview && preview.closest("form");
  if (form) {
    var select = form.querySelector("select[name=reason_code]");
    var message = form.querySelector("textarea[name=message]");
    var typed = preview.querySelector("[data-preview-typed]");
    var none = preview.querySelector("[data-preview-none]");
    var reasons = preview.querySelectorAll("[data-preview-reason]");
    var show = function () {
      var own = message && message.value.trim();
      var chosen = select ? select.value : "";
      typed.hidden = !own;
      typed.textContent = own ? message.value : "";
      none.hidden = Boolean(own || chosen);
      Array.prototype.forEach.call(reasons, function (item) {
        item.hidden = Boolean(own) || item.getAttribute("data-preview-reason") !== chosen;
      });
    };
    if (select) {
      select.addEventListener("change", show);
    }
    if (message) {
      message.addEventListener("input", show);
    }
    show();
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-desk-insert]"), function (button) {
    var source = document.getElementById(button.getAttribute("data-desk-insert"));
    var target = document.getElementById(button.getAttribute("data-desk-into"));
    if (!source || !target) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      target.value = source.textContent;
      target.focus();
    });
  });
})();
