// The course site's widgets: each .site-widget is drawn by its own anywidget module (assets/widget-*.js,
// the code JupyterLab runs) over the state stored when the notebook ran. No kernel, no network: a model
// here only keeps values and tells listeners of changes; nothing is sent anywhere.
(function () {
  "use strict";
  function model(state) {
    var listeners = {};
    return {
      get: function (name) { return state[name]; },
      set: function (name, value) {
        var old = state[name];
        state[name] = value;
        if (old !== value) (listeners["change:" + name] || []).slice().forEach(function (f) { f(); });
      },
      on: function (event, f) { (listeners[event] = listeners[event] || []).push(f); },
      off: function (event, f) {
        if (!event) { listeners = {}; return; }
        listeners[event] = (listeners[event] || []).filter(function (g) { return f && g !== f; });
      },
      save_changes: function () {},
      send: function () {},
    };
  }
  function draw(box) {
    var widget = (window.__siteWidgets || {})[box.getAttribute("data-module")];
    var data = box.querySelector("script.site-state");
    if (!widget || !data) return;
    var state = JSON.parse(data.textContent);
    var el = document.createElement("div");
    (state._dom_classes || []).forEach(function (c) { el.classList.add(c); });
    try {
      widget.render({ model: model(state), el: el });
    } catch (e) {
      return;  // the fallback stays: the frames one after another, the questions as text
    }
    box.replaceChildren(el);
    box.classList.add("site-js");
  }
  function init() { document.querySelectorAll(".site-widget").forEach(draw); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
