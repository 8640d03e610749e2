// Small enhancements; every page works without them.
(function () {
  document.documentElement.classList.add("js");
  // Move focus to a form's message so screen-reader users hear what to correct.
  var message = document.getElementById("form-message");
  if (message) { message.focus(); }
  // Ask before actions that cannot be undone.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });
})();
