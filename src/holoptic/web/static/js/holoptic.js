// Holoptic: small progressive enhancements. Every page works without JavaScript.
(function () {
  "use strict";

  // HTMX does not swap error responses. Show the problem document's detail instead,
  // in the live region, so the person knows what happened.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var message = "";
    try {
      message = JSON.parse(xhr.responseText).detail || "";
    } catch (ignored) {
      message = xhr.statusText || "";
    }
    var notices = document.getElementById("notices");
    if (!notices || !message) {
      return;
    }
    var notice = document.createElement("p");
    notice.className = "alert";
    notice.setAttribute("role", "alert");
    notice.textContent = message;
    notices.replaceChildren(notice);
  });

  // A token is shown once: select it so it can be copied at once.
  document.addEventListener("htmx:afterSwap", function () {
    var secret = document.getElementById("new-token");
    if (secret && window.getSelection) {
      var range = document.createRange();
      range.selectNodeContents(secret);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
  });
})();
