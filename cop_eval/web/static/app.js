// cop-eval: small helps for the pages. Every page works without this script.
// - A pressed button says what is being done and stays disabled until the next page arrives
//   (long work answers at once with a progress page, so that is never long); a button that
//   fetches a file at once (data-download) leaves the page as it is.
// - A download that is ready starts by itself, once.
(function () {
  "use strict";

  // The form's buttons, also those outside it that belong to it (form="...").
  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.tagName === "BUTTON" && el.type === "submit";
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter || form.querySelector("button[type=submit]");
    if (!button || form.dataset.submitting) { return; }
    if (button.hasAttribute("data-download")) { return; }  // a file at once: the page stays
    form.dataset.submitting = "yes";
    if (button.dataset.busy) {
      button.dataset.label = button.textContent;
      button.textContent = button.dataset.busy;
      button.classList.add("busy");
    }
    // Disabled after the browser has read the form (a disabled button sends no value).
    window.setTimeout(function () {
      submitButtons(form).forEach(function (b) { b.disabled = true; });
    }, 0);
  });

  // Back to a page kept by the browser: its buttons work again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      delete form.dataset.submitting;
      submitButtons(form).forEach(function (b) {
        b.disabled = false;
        if (b.dataset.label) { b.textContent = b.dataset.label; b.classList.remove("busy"); }
      });
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    var link = document.querySelector("a[data-auto-download]");
    if (!link) { return; }
    var key = "cop-eval-downloaded-" + link.dataset.autoDownload;
    try {
      if (window.sessionStorage.getItem(key)) { return; }
      window.sessionStorage.setItem(key, "yes");
    } catch (e) { /* storage blocked: start it anyway */ }
    link.click();
  });
})();
