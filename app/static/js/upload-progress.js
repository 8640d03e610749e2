// Upload progress for forms marked data-upload-progress="<id of a progress block>".
// Without script the form posts as usual; with it, the file is sent by XMLHttpRequest so the
// progress of the upload shows, and the server's answer replaces the page.
(function () {
  var form = document.querySelector("form[data-upload-progress]");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var block = document.getElementById(form.dataset.uploadProgress);
  var bar = block.querySelector("progress");
  var status = block.querySelector("[role=status]");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("Accept", "text/html");
    request.upload.addEventListener("progress", function (progress) {
      if (progress.lengthComputable) {
        bar.max = progress.total;
        bar.value = progress.loaded;
      }
    });
    request.upload.addEventListener("load", function () {
      bar.removeAttribute("value");
      status.textContent = block.dataset.checking;
    });
    request.addEventListener("load", function () {
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.addEventListener("error", function () {
      status.textContent = block.dataset.failed;
    });
    block.hidden = false;
    status.textContent = block.dataset.sending;
    request.send(new FormData(form));
  });
})();
