// The page's Trusted Types policies, loaded before any script that writes HTML
// (core/_htmx.html loads it before htmx).
//
// The CSP (require-trusted-types-for 'script'; trusted-types bastion default)
// makes innerHTML, insertAdjacentHTML, eval and script text refuse plain
// strings. Two policies may exist on a page, and this file creates both:
//
// - "default": the browser calls it for a plain string given to a sink. It lets
//   through only the HTML parsers that build an inert document
//   (Document.parseHTMLUnsafe, DOMParser.parseFromString), which htmx uses to
//   read a response before it moves the nodes in: scripts in that document never
//   run, and inline handlers stay blocked by script-src. Every other sink gets
//   null, so the browser refuses the write and reports it.
// - "bastion": reached only through `bastion.html`, a template tag that escapes
//   every value put into it. A script writes HTML with
//   `element.innerHTML = bastion.html`<li>${name}</li>``; values that are
//   bastion.html's own results (or lists of them) go in as they are.
"use strict";

(() => {
  if (window.bastion) return; // loaded twice on one page: the policies exist
  const INERT_PARSERS = new Set(["Document parseHTMLUnsafe", "DOMParser parseFromString"]);
  // The one fixed string htmx writes with insertAdjacentHTML, for hx-preserve.
  const HTMX_PRESERVE_PANTRY = "<div id='--htmx-preserve-pantry--'></div>";

  trustedTypes.createPolicy("default", {
    createHTML: (html, _type, sink) =>
      INERT_PARSERS.has(sink) || html === HTMX_PRESERVE_PANTRY ? html : null,
  });

  const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  // TrustedHTML from bastion.html goes in as it is, lists are joined, the rest escaped.
  const escape = (value) => {
    if (Array.isArray(value)) return value.map(escape).join("");
    if (trustedTypes.isHTML(value)) return value.toString();
    return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
  };
  const policy = trustedTypes.createPolicy("bastion", { createHTML: (html) => html });

  window.bastion = Object.freeze({
    // A tagged template: the literal parts are the script's own markup, every
    // interpolated value is escaped, and the result is TrustedHTML.
    html: (strings, ...values) =>
      policy.createHTML(strings.reduce((out, part, i) => out + escape(values[i - 1]) + part)),
  });
})();
