// The course site's step player: previous / play / next and a slider over pre-rendered frames.
// No kernel, no network. Without JavaScript the frames simply show one after another.
(function () {
  "use strict";
  function setup(player) {
    var frames = player.querySelectorAll(".site-frame");
    var controls = player.querySelector(".site-controls");
    var range = player.querySelector("input[type=range]");
    var where = player.querySelector(".site-where");
    var play = player.querySelector("[data-act=play]");
    var interval = Number(player.getAttribute("data-interval")) || 2500;
    var timer = null, index = 0;
    function show(i) {
      index = Math.max(0, Math.min(frames.length - 1, i));
      for (var k = 0; k < frames.length; k++) frames[k].classList.toggle("site-current", k === index);
      range.value = String(index);
      where.textContent = (index + 1) + " / " + frames.length;
    }
    function stop() { if (timer) { clearInterval(timer); timer = null; play.textContent = "\u25B6 Play"; } }
    player.querySelector("[data-act=prev]").addEventListener("click", function () { stop(); show(index - 1); });
    player.querySelector("[data-act=next]").addEventListener("click", function () { stop(); show(index + 1); });
    range.addEventListener("input", function () { stop(); show(Number(range.value)); });
    play.addEventListener("click", function () {
      if (timer) { stop(); return; }
      if (index === frames.length - 1) show(0);
      play.textContent = "\u25A0 Stop";
      timer = setInterval(function () { if (index >= frames.length - 1) stop(); else show(index + 1); }, interval);
    });
    controls.hidden = false;
    player.classList.add("site-js");
    show(0);
  }
  function init() { document.querySelectorAll(".site-player").forEach(setup); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
