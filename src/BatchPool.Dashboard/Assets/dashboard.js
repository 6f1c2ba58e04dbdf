// BatchPool dashboard: the server renders each page whole; this refreshes its live parts every 2 seconds.
(function () {
  "use strict";
  var body = document.body;
  var api = body.getAttribute("data-api");
  var view = body.getAttribute("data-view");
  var live = document.getElementById("live");
  if (!api) { return; }
  function refresh() {
    fetch(api, { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.error) { throw new Error(data.error); }
        if (view === "executors") {
          document.querySelector("#executors tbody").innerHTML = data.html;
          var empty = document.getElementById("empty");
          if (empty) { empty.hidden = data.executors.length > 0; }
        } else if (view === "jobs") {
          document.querySelector("#jobs tbody").innerHTML = data.html;
          var progress = document.querySelector("#progress progress");
          if (progress) { progress.max = Math.max(1, data.total); progress.value = data.done; }
          var text = document.getElementById("progress");
          if (text && text.lastChild) { text.lastChild.textContent = " " + data.progress; }
          var client = document.querySelector("#summary .client");
          if (client) { client.textContent = data.client; }
        } else if (view === "logs") {
          document.getElementById("logs").innerHTML = data.html;
        }
        live.className = "ok";
        live.textContent = "live · " + new Date().toLocaleTimeString();
      })
      .catch(function (error) {
        live.className = "stale";
        live.textContent = "not refreshed: " + error.message;
      });
  }
  setInterval(refresh, 2000);
})();
