// Shows how many characters are left in the message, as the visitor types.
// Loaded from a static file with the page's CSP nonce: no inline script anywhere.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const counter of document.querySelectorAll(".counter[data-for]")) {
    const field = document.getElementById(counter.dataset.for);
    if (!field) continue;
    const limit = Number(field.getAttribute("maxlength"));
    const update = () => {
      counter.textContent = `${limit - field.value.length} characters left`;
    };
    field.addEventListener("input", update);
    update();
  }
});
