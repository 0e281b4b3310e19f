// cop-eval: say "working" while the server builds results or the report (it can take a while).
// Pages work without this script; it only changes the pressed button's text.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var button = event.submitter || form.querySelector("button[type=submit]");
  if (!button || !button.dataset.busy) { return; }
  var label = button.textContent;
  button.textContent = button.dataset.busy;
  button.classList.add("busy");
  if (form.dataset.download !== undefined) {
    // A download leaves the page as it is: give the button back after a while.
    window.setTimeout(function () { button.textContent = label; button.classList.remove("busy"); }, 8000);
  }
});
