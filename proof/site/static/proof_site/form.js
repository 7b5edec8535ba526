// Shows how many characters are left as the visitor types: proof that the page's
// script, loaded with the CSP nonce and Subresource Integrity, ran.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const left = document.querySelector(".left[data-for]");
  const field = document.getElementById(left.dataset.for);
  const limit = Number(field.getAttribute("maxlength"));
  const update = () => {
    left.textContent = `${limit - field.value.length} characters left`;
  };
  field.addEventListener("input", update);
  update();
});
