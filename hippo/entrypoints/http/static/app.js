/* Hippo playground: plain JavaScript, no build step, no third-party code; talks only to the public API. */
"use strict";

(() => {
  const API = {
    health: "/healthz",
    models: "/v1/models",
    predict: "/v1/predict",
    activations: "/v1/activations",
    samples: "/v1/mnist/samples",
    words: "/v1/dictionary/words",
    relations: "/v1/dictionary/relations",
  };
  const SIDE = 28; // the network's input is a 28x28 image
  const PREDICT_INTERVAL_MS = 200; // while drawing, at most one prediction per interval
  const SEARCH_DEBOUNCE_MS = 180;

  const $ = (id) => document.getElementById(id);
  const el = (tag, props = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("data-") || key.startsWith("aria-") || key === "role") node.setAttribute(key, value);
      else node[key] = value;
    }
    for (const child of children) if (child != null) node.append(child);
    return node;
  };

  /** What the page did, readable by people and by the browser tests (window.hippoPlayground). */
  const stats = {
    predictRequests: 0,
    activationRequests: 0,
    aborted: 0,
    searchRequests: 0,
    strokeMoves: 0,
    firstDownAt: 0, // ms (event time stamps): the first pointer down on the pad, the latest move
    lastMoveAt: 0,
  };
  const state = {
    model: null, // null = the server's default model
    source: "drawing", // "drawing" | "sample"
    sample: null, // {pixels, label} when source === "sample"
    hasInk: false,
    predictState: "idle", // idle | scheduled | pending | done | error
    prediction: null,
    layerSizes: null,
    word: null,
  };
  window.hippoPlayground = { stats, state, predictIntervalMs: PREDICT_INTERVAL_MS };

  // ------------------------------------------------------------------ HTTP helpers
  class ApiError extends Error {}

  function errorMessage(body, status) {
    if (body && typeof body === "object") {
      const detail = body.detail ?? body.message ?? body.error;
      if (typeof detail === "string") {
        const extra = Array.isArray(body.extra) ? body.extra.map((e) => e.message || JSON.stringify(e)) : [];
        return extra.length ? `${detail}: ${extra.join("; ")}` : detail;
      }
      if (Array.isArray(detail)) return detail.map((d) => d.msg || d.message || JSON.stringify(d)).join("; ");
      if (detail && typeof detail === "object") return detail.message || JSON.stringify(detail);
    }
    return `HTTP ${status}`;
  }

  async function api(url, { method = "GET", body, signal } = {}) {
    const init = { method, signal, headers: { Accept: "application/json" } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(url, init);
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!response.ok) {
      const error = new ApiError(errorMessage(data, response.status));
      error.status = response.status;
      throw error;
    }
    return data;
  }

  const isAbort = (error) => error && error.name === "AbortError";
  const listOf = (data, ...keys) => {
    if (Array.isArray(data)) return data;
    for (const key of keys) if (data && Array.isArray(data[key])) return data[key];
    return [];
  };

  // ------------------------------------------------------------------ colour map (inferno-like)
  const STOPS = [
    [0.0, [0, 0, 4]],
    [0.15, [31, 12, 72]],
    [0.35, [120, 28, 109]],
    [0.55, [187, 55, 84]],
    [0.72, [237, 105, 37]],
    [0.87, [251, 180, 26]],
    [1.0, [252, 255, 164]],
  ];
  const LUT = (() => {
    const lut = new Uint8ClampedArray(256 * 3);
    for (let i = 0; i < 256; i++) {
      const t = i / 255;
      let k = 1;
      while (k < STOPS.length - 1 && STOPS[k][0] < t) k++;
      const [t0, c0] = STOPS[k - 1];
      const [t1, c1] = STOPS[k];
      const f = (t - t0) / (t1 - t0 || 1);
      for (let c = 0; c < 3; c++) lut[i * 3 + c] = c0[c] + (c1[c] - c0[c]) * f;
    }
    return lut;
  })();
  const rampCss = `linear-gradient(90deg, ${STOPS.map(([t, c]) => `rgb(${c.join(",")}) ${t * 100}%`).join(", ")})`;

  // ------------------------------------------------------------------ drawing pad
  const pad = $("pad");
  const padCtx = pad.getContext("2d", { willReadFrequently: true });
  const preview = $("preview");
  const previewCtx = preview.getContext("2d");
  let drawing = false;
  let last = null;

  function resetPad() {
    padCtx.globalCompositeOperation = "source-over";
    padCtx.fillStyle = "#000";
    padCtx.fillRect(0, 0, pad.width, pad.height);
    padCtx.strokeStyle = "#fff";
    padCtx.fillStyle = "#fff";
    padCtx.lineCap = "round";
    padCtx.lineJoin = "round";
    padCtx.lineWidth = pad.width / 14; // ~2 input pixels: the stroke width of MNIST digits
  }

  function padPoint(event) {
    const rect = pad.getBoundingClientRect();
    return {
      x: ((event.clientX - rect.left) * pad.width) / rect.width,
      y: ((event.clientY - rect.top) * pad.height) / rect.height,
    };
  }

  function startDrawingMode() {
    if (state.source !== "drawing") {
      state.source = "drawing";
      state.sample = null;
      showTruth(null);
      $("source").textContent = "Source: your drawing (a test digit you drew on)";
    }
  }

  pad.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "mouse" && event.button !== 0) return;
    event.preventDefault();
    pad.setPointerCapture?.(event.pointerId);
    startDrawingMode();
    drawing = true;
    if (!stats.firstDownAt) stats.firstDownAt = Math.round(event.timeStamp);
    last = padPoint(event);
    padCtx.beginPath();
    padCtx.arc(last.x, last.y, padCtx.lineWidth / 2, 0, Math.PI * 2);
    padCtx.fill();
    state.hasInk = true;
    inkChanged();
  });
  pad.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    event.preventDefault();
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
    padCtx.beginPath();
    padCtx.moveTo(last.x, last.y);
    for (const e of events.length ? events : [event]) {
      const p = padPoint(e);
      padCtx.lineTo(p.x, p.y);
      last = p;
    }
    padCtx.stroke();
    stats.strokeMoves++;
    stats.lastMoveAt = Math.round(event.timeStamp);
    inkChanged();
  });
  const endStroke = (event) => {
    if (!drawing) return;
    drawing = false;
    pad.releasePointerCapture?.(event.pointerId);
    schedulePredict(0);
  };
  pad.addEventListener("pointerup", endStroke);
  pad.addEventListener("pointercancel", endStroke);
  pad.addEventListener("keydown", (event) => {
    if (event.key === "Escape" || event.key === "Delete" || event.key === "Backspace") {
      event.preventDefault();
      clearAll();
    }
  });

  /** Average the pad's 10x10 blocks into the 784 grey levels in [0, 1] the network reads. */
  function padPixels() {
    const { data } = padCtx.getImageData(0, 0, pad.width, pad.height);
    const block = pad.width / SIDE;
    const pixels = new Array(SIDE * SIDE).fill(0);
    for (let y = 0; y < pad.height; y++) {
      const row = Math.floor(y / block) * SIDE;
      for (let x = 0; x < pad.width; x++) pixels[row + Math.floor(x / block)] += data[(y * pad.width + x) * 4];
    }
    const scale = 255 * block * block;
    return pixels.map((v) => Math.round((v / scale) * 1000) / 1000);
  }

  function drawPreview(pixels) {
    const image = previewCtx.createImageData(SIDE, SIDE);
    pixels.forEach((v, i) => {
      const g = Math.round(Math.max(0, Math.min(1, v)) * 255);
      image.data.set([g, g, g, 255], i * 4);
    });
    previewCtx.putImageData(image, 0, 0);
  }

  /** Paint a 28x28 image onto the pad as crisp blocks, so drawing on top of it stays consistent. */
  function paintSampleOnPad(pixels) {
    const small = document.createElement("canvas");
    small.width = SIDE;
    small.height = SIDE;
    const ctx = small.getContext("2d");
    const image = ctx.createImageData(SIDE, SIDE);
    pixels.forEach((v, i) => {
      const g = Math.round(v * 255);
      image.data.set([g, g, g, 255], i * 4);
    });
    ctx.putImageData(image, 0, 0);
    resetPad();
    padCtx.imageSmoothingEnabled = false;
    padCtx.drawImage(small, 0, 0, pad.width, pad.height);
  }

  function currentPixels() {
    return state.source === "sample" && state.sample ? state.sample.pixels : padPixels();
  }

  let previewFrame = 0;
  function inkChanged() {
    // At most one preview per animation frame, however many pointer events arrive.
    if (!previewFrame) {
      previewFrame = requestAnimationFrame(() => {
        previewFrame = 0;
        drawPreview(currentPixels());
      });
    }
    schedulePredict();
  }

  function clearAll() {
    resetPad();
    state.hasInk = false;
    state.source = "drawing";
    state.sample = null;
    $("source").textContent = "Source: your drawing";
    showTruth(null);
    drawPreview(new Array(SIDE * SIDE).fill(0));
    cancelPredict();
    renderPrediction(null);
    renderLayers(null);
    setPredictStatus("Draw a digit to see what the network thinks.");
  }
  $("clear").addEventListener("click", () => {
    clearAll();
    pad.focus();
  });

  // ------------------------------------------------------------------ random test digit
  let sampleController = null;
  $("random").addEventListener("click", async () => {
    sampleController?.abort();
    const controller = new AbortController();
    sampleController = controller;
    const button = $("random");
    button.disabled = true;
    setPredictStatus("Fetching a test digit…");
    try {
      const data = await api(`${API.samples}?count=1`, { signal: controller.signal });
      const sample = listOf(data, "samples", "data", "items")[0];
      if (!sample) throw new ApiError("The server returned no sample.");
      let pixels = (sample.pixels || sample.image || []).flat().map(Number);
      if (pixels.length !== SIDE * SIDE) throw new ApiError(`A sample must have 784 pixels, got ${pixels.length}.`);
      if (Math.max(...pixels) > 1) pixels = pixels.map((v) => v / 255);
      const label = sample.label ?? sample.digit ?? null;
      state.source = "sample";
      state.sample = { pixels, label };
      state.hasInk = true;
      paintSampleOnPad(pixels);
      const where = sample.dataset ? ` (${sample.dataset}${sample.index != null ? ` #${sample.index}` : ""})` : "";
      $("source").textContent = `Source: MNIST test digit${where}`;
      showTruth(label);
      drawPreview(pixels);
      schedulePredict(0);
    } catch (error) {
      if (!isAbort(error)) setPredictStatus(`Could not load a test digit: ${error.message}`, true);
    } finally {
      if (sampleController === controller) button.disabled = false;
    }
  });

  function showTruth(label) {
    $("truth").hidden = label == null;
    $("true-label").textContent = label == null ? "–" : String(label);
    updateTruthMark();
  }

  function updateTruthMark() {
    const mark = $("truth-mark");
    const label = state.sample?.label;
    const predicted = state.prediction?.predicted_digit;
    if (label == null || predicted == null || state.source !== "sample") {
      mark.textContent = "";
      mark.className = "mark";
      return;
    }
    const right = Number(label) === Number(predicted);
    mark.textContent = right ? "✓ correct" : "✗ missed";
    mark.className = `mark ${right ? "good" : "bad"}`;
  }

  // ------------------------------------------------------------------ predictions (throttled, stale ones aborted)
  let debounceTimer = null;
  let predictController = null;

  /**
   * While a stroke is being drawn, predict at most every PREDICT_INTERVAL_MS (a throttle: slow or fast
   * drawing alike gives a steady cadence); lifting the pen or any other change predicts at once.
   */
  function schedulePredict(delay = PREDICT_INTERVAL_MS) {
    if (delay > 0 && debounceTimer) return; // already scheduled within the interval
    clearTimeout(debounceTimer);
    setPredictState("scheduled");
    debounceTimer = setTimeout(() => {
      debounceTimer = null;
      runPredict();
    }, delay);
  }

  function cancelPredict() {
    clearTimeout(debounceTimer);
    debounceTimer = null;
    if (predictController) {
      predictController.abort();
      stats.aborted++;
      predictController = null;
    }
    setPredictState("idle");
  }

  function setPredictState(value) {
    state.predictState = value;
    document.body.dataset.predictState = value;
  }

  function setPredictStatus(text, isError = false) {
    const node = $("predict-status");
    node.textContent = text;
    node.classList.toggle("error", isError);
  }

  async function runPredict() {
    if (!state.hasInk) {
      setPredictState("idle");
      return;
    }
    const pixels = currentPixels();
    if (predictController) {
      predictController.abort();
      stats.aborted++;
    }
    const controller = new AbortController();
    predictController = controller;
    const body = { pixels };
    if (state.model) body.model = state.model;
    if (state.source === "drawing") body.preprocess = "mnist";
    setPredictState("pending");
    stats.predictRequests++;
    stats.activationRequests++;
    const [prediction, activations] = await Promise.allSettled([
      api(API.predict, { method: "POST", body, signal: controller.signal }),
      api(API.activations, { method: "POST", body, signal: controller.signal }),
    ]);
    if (predictController !== controller) return; // a newer request replaced this one
    predictController = null;
    const problems = [];
    if (prediction.status === "fulfilled") renderPrediction(prediction.value);
    else if (!isAbort(prediction.reason)) problems.push(`prediction failed: ${prediction.reason.message}`);
    if (activations.status === "fulfilled") renderLayers(activations.value);
    else if (!isAbort(activations.reason)) problems.push(`activations failed: ${activations.reason.message}`);
    if (problems.length) setPredictStatus(problems.join(" · "), true);
    else {
      setPredictStatus(
        state.source === "drawing"
          ? "Your drawing is centred and scaled like MNIST digits before it reaches the network."
          : "A real MNIST test digit, sent unchanged.",
      );
    }
    // When newer input is already waiting, the state stays "scheduled" until that one answers.
    if (!debounceTimer) setPredictState(problems.length ? "error" : "done");
  }

  // ------------------------------------------------------------------ probability chart
  const bars = $("bars");
  const barNodes = Array.from({ length: 10 }, (_, digit) => {
    const fill = el("div", { class: "fill" });
    const pct = el("span", { class: "pct", text: "" });
    const node = el(
      "div",
      { class: "bar", role: "listitem", "aria-label": `digit ${digit}: no prediction yet`, "data-digit": String(digit) },
      el("div", { class: "col" }, pct, fill),
      el("span", { class: "digit", text: String(digit), "aria-hidden": "true" }),
    );
    bars.append(node);
    return { node, fill, pct };
  });

  const percent = (p) => `${(p * 100).toFixed(p >= 0.995 || p < 0.0005 ? 0 : 1)}%`;

  function renderPrediction(result) {
    state.prediction = result;
    const probabilities = result ? result.probabilities : new Array(10).fill(0);
    const top = result ? result.predicted_digit : -1;
    probabilities.forEach((p, digit) => {
      const { node, fill, pct } = barNodes[digit];
      fill.style.height = `${Math.max(0, Math.min(1, p)) * 100}%`;
      pct.textContent = result ? percent(p) : "";
      node.classList.toggle("top", digit === top);
      node.setAttribute("aria-label", result ? `digit ${digit}: ${percent(p)}` : `digit ${digit}: no prediction yet`);
    });
    $("predicted").textContent = result ? String(result.predicted_digit) : "–";
    $("confidence").textContent = result ? percent(result.confidence) : "–";
    updateTruthMark();
  }

  // ------------------------------------------------------------------ layer heat maps
  const layersBox = $("layers");
  let layerViews = [];

  function layerGeometry(index, size, count) {
    if (index === 0 && size === SIDE * SIDE) return { cols: SIDE, rows: SIDE, cell: 5, gap: 0 };
    if (index === count - 1 && size <= 16) return { cols: size, rows: 1, cell: 22, gap: 2 };
    const cols = Math.ceil(Math.sqrt(size));
    const rows = Math.ceil(size / cols);
    const cell = Math.max(3, Math.min(24, Math.floor(168 / cols) - 1));
    return { cols, rows, cell, gap: 1 };
  }

  function layerTitle(index, size, count) {
    if (index === 0) return ["Input", size === SIDE * SIDE ? "28×28, as the network sees it" : `${size} values`];
    if (index === count - 1) return ["Output", `${size} neurons (raw, before softmax)`];
    return [count > 3 ? `Hidden ${index}` : "Hidden", `${size} neurons`];
  }

  function buildLayerViews(sizes) {
    layersBox.replaceChildren();
    layerViews = sizes.map((size, index) => {
      const geo = layerGeometry(index, size, sizes.length);
      const canvas = el("canvas", { tabIndex: 0 });
      canvas.width = geo.cols * (geo.cell + geo.gap) + geo.gap;
      canvas.height = geo.rows * (geo.cell + geo.gap) + geo.gap;
      const [name, detail] = layerTitle(index, size, sizes.length);
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", `${name} layer activations, ${detail}`);
      const caption = el("figcaption", {}, el("strong", { text: name }), ` · ${detail}`);
      const figure = el("figure", { class: "layer", "data-layer": String(index) }, canvas);
      if (geo.rows === 1 && size === 10) {
        const scale = el("div", { class: "digit-scale", "aria-hidden": "true" });
        scale.style.width = `${canvas.width + 2}px`; // + the canvas border
        for (let d = 0; d < 10; d++) scale.append(el("span", { text: String(d) }));
        figure.append(scale);
      }
      figure.append(caption);
      layersBox.append(figure);
      const view = { canvas, ctx: canvas.getContext("2d"), geo, size, name, values: null };
      canvas.addEventListener("mousemove", (event) => readout(view, event));
      canvas.addEventListener("mouseleave", () => ($("layer-readout").textContent = ""));
      canvas.addEventListener("focus", () => readoutSummary(view));
      return view;
    });
    const ramp = el("span", { class: "ramp" });
    ramp.style.background = rampCss;
    layersBox.append(el("div", { class: "colorbar", "aria-hidden": "true" }, "low ", ramp, " high"));
  }

  function paintLayer(view, values) {
    const { ctx, geo, canvas } = view;
    view.values = values;
    ctx.fillStyle = getComputedStyle(document.body).getPropertyValue("--line") || "#333";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    // Input pixels are already in [0, 1]; other layers are scaled by their own largest activation.
    let max = 1;
    if (view !== layerViews[0]) {
      max = 0;
      for (const v of values) if (Number.isFinite(v) && v > max) max = v;
      if (max === 0) max = 1;
    }
    const image = ctx.createImageData(canvas.width, canvas.height);
    image.data.set(ctx.getImageData(0, 0, canvas.width, canvas.height).data);
    const step = geo.cell + geo.gap;
    values.forEach((v, i) => {
      const t = Math.max(0, Math.min(1, (Number.isFinite(v) ? v : 0) / max));
      const k = Math.round(t * 255) * 3;
      const x0 = geo.gap + (i % geo.cols) * step;
      const y0 = geo.gap + Math.floor(i / geo.cols) * step;
      for (let y = y0; y < y0 + geo.cell; y++) {
        for (let x = x0; x < x0 + geo.cell; x++) {
          const o = (y * canvas.width + x) * 4;
          image.data[o] = LUT[k];
          image.data[o + 1] = LUT[k + 1];
          image.data[o + 2] = LUT[k + 2];
          image.data[o + 3] = 255;
        }
      }
    });
    ctx.putImageData(image, 0, 0);
  }

  function readout(view, event) {
    if (!view.values) return;
    const rect = view.canvas.getBoundingClientRect();
    const step = view.geo.cell + view.geo.gap;
    const x = Math.floor((((event.clientX - rect.left) * view.canvas.width) / rect.width - view.geo.gap / 2) / step);
    const y = Math.floor((((event.clientY - rect.top) * view.canvas.height) / rect.height - view.geo.gap / 2) / step);
    const i = y * view.geo.cols + x;
    if (x < 0 || x >= view.geo.cols || i < 0 || i >= view.size) return;
    const where = view === layerViews[0] && view.size === SIDE * SIDE ? ` (row ${y}, column ${x})` : "";
    $("layer-readout").textContent = `${view.name}, neuron ${i}${where}: ${view.values[i].toFixed(4)}`;
  }

  function readoutSummary(view) {
    if (!view.values) return;
    let best = 0;
    view.values.forEach((v, i) => (v > view.values[best] ? (best = i) : null));
    const mean = view.values.reduce((a, b) => a + b, 0) / view.values.length;
    $("layer-readout").textContent =
      `${view.name}: mean ${mean.toFixed(4)}, most active neuron ${best} (${view.values[best].toFixed(4)})`;
  }

  function renderLayers(result) {
    if (!result) {
      for (const view of layerViews) paintLayer(view, new Array(view.size).fill(0));
      return;
    }
    const sizes = result.layer_sizes || result.activations.map((a) => a.length);
    if (!state.layerSizes || state.layerSizes.join() !== sizes.join()) {
      state.layerSizes = sizes;
      buildLayerViews(sizes);
    }
    result.activations.forEach((values, i) => paintLayer(layerViews[i], values));
    document.body.dataset.layers = String(sizes.length);
  }

  // ------------------------------------------------------------------ models and health
  const modelSelect = $("model-select");
  let models = [];

  const modelSizes = (m) => m.layer_sizes || m.sizes || m.architecture || null;
  const modelAccuracy = (m) => m.accuracy ?? m.test_accuracy ?? m.final_accuracy ?? null;
  const accuracyText = (a) => (a == null ? "" : `${(a <= 1 ? a * 100 : a).toFixed(2)}% test accuracy`);

  function describeModel(m) {
    const parts = [];
    const sizes = modelSizes(m);
    if (sizes) parts.push(sizes.join("-"));
    if (m.activation) parts.push(m.output === "softmax" ? `${m.activation} + softmax` : m.activation);
    const acc = accuracyText(modelAccuracy(m));
    if (acc) parts.push(acc);
    return parts.join(" · ");
  }

  async function loadModels() {
    try {
      const data = await api(API.models);
      models = listOf(data, "models", "data", "items").map((m) => (typeof m === "string" ? { name: m } : m));
      const fallback = models.find((m) => m.default || m.is_default)?.name;
      const defaultName = (data && !Array.isArray(data) && (data.default || data.default_model)) || fallback || models[0]?.name;
      modelSelect.replaceChildren(
        ...models.map((m) => {
          const label = `${m.name}${m.name === defaultName ? " (default)" : ""}`;
          return el("option", { value: m.name, text: label, selected: m.name === defaultName });
        }),
      );
      modelSelect.disabled = models.length === 0;
      if (!models.length) modelSelect.append(el("option", { text: "no models" }));
      state.model = defaultName || null;
      showModelInfo();
    } catch (error) {
      modelSelect.replaceChildren(el("option", { text: "unavailable" }));
      $("model-info").textContent = `Could not list the models: ${error.message}`;
    }
  }

  function showModelInfo() {
    const m = models.find((x) => x.name === state.model);
    $("model-info").textContent = m ? `Model ${m.name}: ${describeModel(m) || "no metadata"}` : "";
    const sizes = m && modelSizes(m);
    if (sizes && (!state.layerSizes || state.layerSizes.join() !== sizes.join())) {
      state.layerSizes = sizes; // show the empty layers before the first prediction
      buildLayerViews(sizes);
      renderLayers(null);
    }
  }

  modelSelect.addEventListener("change", () => {
    state.model = modelSelect.value;
    showModelInfo(); // rebuilds the layer views when the new model has other layers
    if (state.hasInk) schedulePredict(0);
  });

  async function loadHealth() {
    const node = $("health");
    try {
      const data = await api(API.health);
      const ok = data.status === "healthy";
      node.className = `health ${ok ? "ok" : "degraded"}`;
      const bits = [];
      if (data.network_loaded === false) bits.push("no model");
      if (data.database_connected === false) bits.push("dictionary offline");
      node.textContent = ok ? "API healthy" : `API ${data.status}${bits.length ? `: ${bits.join(", ")}` : ""}`;
    } catch (error) {
      node.className = "health down";
      node.textContent = `API unreachable (${error.message})`;
    }
  }

  // ------------------------------------------------------------------ dictionary
  const query = $("dict-query");
  const results = $("dict-results");
  const wordBox = $("word");
  let searchTimer = null;
  let searchController = null;
  let wordController = null;

  function setDictStatus(text, isError = false) {
    const node = $("dict-status");
    node.textContent = text;
    node.classList.toggle("error", isError);
  }

  $("dict-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(searchTimer);
    search(query.value);
  });
  query.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => search(query.value), SEARCH_DEBOUNCE_MS);
  });

  async function search(term) {
    searchController?.abort();
    const controller = new AbortController();
    searchController = controller;
    document.body.dataset.searchState = "pending";
    stats.searchRequests++;
    try {
      // An empty term lists the first words alphabetically, so there is always something to open.
      const params = new URLSearchParams(term ? { search: term, page_size: "20" } : { page_size: "20" });
      const page = await api(`${API.words}?${params}`, { signal: controller.signal });
      if (searchController !== controller) return;
      const words = listOf(page, "data");
      results.replaceChildren(
        ...words.map((w) =>
          el(
            "li",
            {},
            el(
              "button",
              {
                type: "button",
                "data-word-id": String(w.id),
                "data-word-text": w.word_text,
                "aria-current": String(state.word?.id === w.id),
                onclick: () => openWord(w.language_code, w.word_text),
              },
              w.word_text,
              " ",
              el("span", { class: "lang", text: w.language_code }),
            ),
          ),
        ),
      );
      const total = page && typeof page.total === "number" ? page.total : words.length;
      setDictStatus(
        !term
          ? total === 0
            ? "The dictionary is empty."
            : `${total} word${total === 1 ? "" : "s"} in the dictionary${total > words.length ? `; the first ${words.length}` : ""}. Type to search.`
          : words.length === 0
          ? `No word starts with “${term}”.`
          : `${total} word${total === 1 ? "" : "s"} start${total === 1 ? "s" : ""} with “${term}”${total > words.length ? ` (first ${words.length} shown)` : ""}.`,
      );
      document.body.dataset.searchState = "done";
    } catch (error) {
      if (isAbort(error)) return;
      results.replaceChildren();
      setDictStatus(`Search failed: ${error.message}`, true);
      document.body.dataset.searchState = "error";
    }
  }

  const wordHash = (lang, text) => `#/word/${encodeURIComponent(lang)}/${encodeURIComponent(text)}`;

  function openWord(lang, text) {
    const hash = wordHash(lang, text);
    if (location.hash === hash) loadWord(lang, text);
    else location.hash = hash; // hashchange loads it; back/forward work between related words
  }

  function routeFromHash() {
    const match = /^#\/word\/([^/]+)\/(.+)$/.exec(location.hash);
    if (match) loadWord(decodeURIComponent(match[1]), decodeURIComponent(match[2]));
  }
  window.addEventListener("hashchange", routeFromHash);

  // Relations are directional (A -> B); seen from B, the inverse name reads correctly.
  const INVERSE = { hypernym: "hyponym", hyponym: "hypernym", meronym: "holonym", holonym: "meronym" };
  const RELATION_ORDER = ["synonym", "antonym", "hypernym", "hyponym", "meronym", "holonym", "related"];

  async function loadWord(lang, text) {
    wordController?.abort();
    const controller = new AbortController();
    wordController = controller;
    document.body.dataset.wordState = "pending";
    wordBox.hidden = false;
    wordBox.setAttribute("aria-busy", "true");
    try {
      const word = await api(`${API.words}/${encodeURIComponent(lang)}/${encodeURIComponent(text)}`, {
        signal: controller.signal,
      });
      if (wordController !== controller) return;
      state.word = word;
      renderWord(word, null);
      for (const b of results.querySelectorAll("button")) {
        b.setAttribute("aria-current", String(b.dataset.wordId === String(word.id)));
      }
      const related = await loadRelated(word, controller.signal);
      if (wordController !== controller) return;
      renderWord(word, related);
      document.body.dataset.wordState = "done";
    } catch (error) {
      if (isAbort(error)) return;
      wordBox.replaceChildren(
        el("p", { class: "status error", text: error.status === 404 ? `No entry for “${text}” (${lang}).` : `Could not load “${text}”: ${error.message}` }),
      );
      document.body.dataset.wordState = "error";
    } finally {
      if (wordController === controller) wordBox.removeAttribute("aria-busy");
    }
  }

  async function loadRelated(word, signal) {
    const params = new URLSearchParams({ word_id: String(word.id), page_size: "100" });
    const page = await api(`${API.relations}?${params}`, { signal });
    const relations = listOf(page, "data");
    const otherIds = [...new Set(relations.map((r) => (r.word_id_1 === word.id ? r.word_id_2 : r.word_id_1)))];
    const others = new Map();
    await Promise.all(
      otherIds.slice(0, 60).map(async (id) => {
        try {
          others.set(id, await api(`${API.words}/${id}`, { signal }));
        } catch (error) {
          if (isAbort(error)) throw error;
        }
      }),
    );
    const groups = new Map();
    for (const r of relations) {
      const outgoing = r.word_id_1 === word.id;
      const other = others.get(outgoing ? r.word_id_2 : r.word_id_1);
      if (!other) continue;
      const type = outgoing ? r.relation_type : INVERSE[r.relation_type] || r.relation_type;
      if (!groups.has(type)) groups.set(type, new Map());
      groups.get(type).set(other.id, other);
    }
    return groups;
  }

  function renderWord(word, related) {
    const defs = [...(word.definitions || [])].sort((a, b) => (a.order ?? 0) - (b.order ?? 0) || a.id - b.id);
    const children = [
      el("h3", {}, word.word_text, " ", el("span", { class: "lang", text: word.language_code })),
    ];
    const tags = word.tags || [];
    if (tags.length) {
      children.push(
        el("ul", { class: "tags", "aria-label": "Tags" }, ...tags.map((t) => el("li", { text: t.name, title: t.description || "" }))),
      );
    }
    const forms = word.word_forms || [];
    if (forms.length) {
      children.push(
        el(
          "p",
          { class: "forms" },
          "Forms: ",
          forms.map((f) => (f.form_type ? `${f.form_text} (${f.form_type})` : f.form_text)).join(", "),
        ),
      );
    }
    children.push(el("h4", { text: "Definitions" }));
    if (defs.length) {
      children.push(
        el(
          "ol",
          { class: "defs" },
          ...defs.map((d) => {
            const examples = d.examples || [];
            return el(
              "li",
              {},
              el("span", { class: "pos", text: d.part_of_speech || "" }),
              d.definition_text,
              examples.length
                ? el(
                    "ul",
                    { class: "examples", "aria-label": "Examples" },
                    ...examples.map((x) =>
                      el("li", {}, `“${x.example_text}”`, x.source ? el("cite", { text: `— ${x.source}` }) : null),
                    ),
                  )
                : null,
            );
          }),
        ),
      );
    } else {
      children.push(el("p", { class: "empty", text: "No definitions yet." }));
    }
    children.push(el("h4", { text: "Related words" }));
    if (related === null) {
      children.push(el("p", { class: "empty", text: "Loading related words…" }));
    } else if (related.size === 0) {
      children.push(el("p", { class: "empty", text: "No related words." }));
    } else {
      const list = el("dl", { class: "relations" });
      const types = [...related.keys()].sort((a, b) => RELATION_ORDER.indexOf(a) - RELATION_ORDER.indexOf(b));
      for (const type of types) {
        list.append(el("dt", { text: type }));
        list.append(
          el(
            "dd",
            {},
            ...[...related.get(type).values()].map((w) =>
              el("a", {
                href: wordHash(w.language_code, w.word_text),
                text: w.word_text,
                class: "related-link",
                "data-relation": type,
              }),
            ),
          ),
        );
      }
      children.push(list);
    }
    wordBox.replaceChildren(...children);
    wordBox.dataset.wordId = String(word.id);
  }

  // ------------------------------------------------------------------ start
  resetPad();
  drawPreview(new Array(SIDE * SIDE).fill(0));
  setPredictState("idle");
  setPredictStatus("Draw a digit to see what the network thinks.");
  loadHealth();
  loadModels();
  routeFromHash();
  search("");
  document.body.dataset.ready = "true";
})();
