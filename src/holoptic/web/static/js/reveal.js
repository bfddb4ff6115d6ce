// Holoptic, "Who holds my data?": draws the charts and copies letters.
//
// Every chart is a Vega-Lite specification that the server puts, with its data, in the
// `data-spec` attribute of an element; this script hands it to vega-embed. The page's
// Content-Security-Policy forbids eval, so Vega is told to interpret its expressions
// (`ast: true`; vega-embed then uses the vega-interpreter it bundles) instead of
// compiling them with `new Function`. vega-embed and vega-tooltip would add <style>
// elements, which the policy also forbids: their styles are in holoptic.css instead.
// Without JavaScript the page still shows every fact as text.
(function () {
  "use strict";

  var FRENCH_TIME = {
    dateTime: "%A %e %B %Y à %X",
    date: "%d/%m/%Y",
    time: "%H:%M:%S",
    periods: ["AM", "PM"],
    days: ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
    shortDays: ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
    months: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
      "septembre", "octobre", "novembre", "décembre"],
    shortMonths: ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août",
      "sept.", "oct.", "nov.", "déc."]
  };
  var FRENCH_NUMBERS = {
    decimal: ",",
    thousands: "\u202f",
    grouping: [3],
    currency: ["", "\u00a0€"],
    percent: "\u202f%"
  };

  function embedOptions() {
    var options = {
      mode: "vega-lite",
      renderer: "svg",
      actions: false,
      ast: true,
      defaultStyle: false,
      tooltip: { disableDefaultStyle: true }
    };
    if (window.vega && window.vega.expressionInterpreter) {
      options.expr = window.vega.expressionInterpreter;
    }
    if (document.documentElement.lang === "fr") {
      options.timeFormatLocale = FRENCH_TIME;
      options.formatLocale = FRENCH_NUMBERS;
    }
    return options;
  }

  function drawCharts(root) {
    if (typeof window.vegaEmbed !== "function" || !root.querySelectorAll) {
      return;
    }
    var charts = root.querySelectorAll("[data-spec]");
    Array.prototype.forEach.call(charts, function (element) {
      if (element.getAttribute("data-drawn")) {
        return;
      }
      element.setAttribute("data-drawn", "pending");
      var spec;
      try {
        spec = JSON.parse(element.getAttribute("data-spec"));
      } catch (ignored) {
        element.setAttribute("data-drawn", "failed");
        return;
      }
      window.vegaEmbed(element, spec, embedOptions()).then(
        function () {
          element.setAttribute("data-drawn", "done");
        },
        function (error) {
          element.setAttribute("data-drawn", "failed");
          if (window.console) {
            window.console.warn("chart not drawn:", error);
          }
        }
      );
    });
  }

  // The letter is in a read-only text area; the button (hidden without JavaScript)
  // copies it and says so in a live region.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy]") : null;
    if (!button) {
      return;
    }
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector(".copy-status");
    if (!source) {
      return;
    }
    var done = function () {
      if (status) {
        status.textContent = button.getAttribute("data-copied") || "";
      }
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(source.value).then(done, function () {
        source.select();
      });
    } else {
      source.select();
    }
  });

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
      button.hidden = false;
    });
    drawCharts(document);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  // HTMX swapped in new results (the filters): draw their charts.
  document.addEventListener("htmx:afterSettle", function (event) {
    drawCharts(event.target || document);
  });
})();
