// Assessment pages: count the exam clock down and ask before submitting (maths.js typesets).
// Everything here is a convenience: the server keeps the deadline,
// saves answers and refuses late ones whether or not this script runs.
(function () {
  "use strict";
  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function startTimer(el) {
    var remaining = parseInt(el.getAttribute("data-remaining"), 10);
    var value = el.querySelector(".timer-value");
    var end = Date.now() + remaining * 1000;
    var announced = false;
    function tick() {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var h = Math.floor(left / 3600);
      var m = Math.floor((left % 3600) / 60);
      var s = left % 60;
      value.textContent = (h ? h + ":" + pad(m) : m) + ":" + pad(s);
      if (left <= 300 && !announced) {
        el.setAttribute("aria-live", "assertive");
        el.classList.add("timer-low");
        announced = true;
      }
      if (left <= 0) {
        // The server submits the attempt when it is next touched: reload (a moment after the
        // deadline, so a clock a little ahead of the server's does not reload too early).
        window.setTimeout(function () {
          window.location.assign(el.getAttribute("data-expired-url"));
        }, 1500);
        return;
      }
      window.setTimeout(tick, 1000);
    }
    tick();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var timer = document.querySelector(".timer[data-remaining]");
    if (timer) startTimer(timer);
    document.querySelectorAll("[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  });
})();
