// flowlib's what-if explorer (an anywidget ES module): a labelled <select> of failures over their impacts,
// each frame pre-rendered in Python. Choosing runs in the browser: no kernel is needed, so the explorer
// keeps working after the kernel restarts and on a static page (which calls render() itself).

let made = 0;  // ids for the label's `for`, unique on the page

function render({ model, el }) {
  const labels = model.get("labels") || [];
  const frames = model.get("frames") || [];
  const n = Math.min(labels.length, frames.length);
  el.classList.add("flow-whatif");
  const root = document.createElement("div");
  root.className = "flow-whatif-ui";
  root.setAttribute("role", "region");
  root.setAttribute("aria-label", model.get("title") || "What-if explorer");

  const id = `flow-whatif-${++made}-${Math.random().toString(36).slice(2, 8)}`;
  const bar = document.createElement("div");
  bar.className = "flow-whatif-bar";
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = model.get("prompt") || "What goes wrong:";
  const select = document.createElement("select");
  select.id = id;
  select.className = "flow-whatif-select";
  for (let i = 0; i < n; i++) {
    const option = document.createElement("option");
    option.value = String(i);
    option.textContent = labels[i];  // text, never markup
    select.appendChild(option);
  }
  bar.append(label, select);

  // The frame's HTML is built in Python from templates, every diagram text escaped there.
  const stage = document.createElement("div");
  stage.className = "flow-whatif-stage";
  stage.setAttribute("aria-live", "polite");
  root.append(bar, stage);
  el.appendChild(root);

  let index = -1;
  function show(i) {
    i = Math.max(0, Math.min(n - 1, Number(i) || 0));
    if (i === index || !n) return;
    index = i;
    select.value = String(i);
    stage.innerHTML = frames[i];
    stage.dataset.index = String(i);
    // Local only: the kernel need not hear of it (it may be gone); Python may still move it (change:index).
    model.set("index", i);
  }

  select.addEventListener("change", () => show(select.value));
  const onIndex = () => show(model.get("index"));
  model.on("change:index", onIndex);
  show(model.get("index") || 0);
  return () => model.off("change:index", onIndex);
}

export default { render };
