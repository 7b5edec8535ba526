// Lists the newest guestbook messages from the JSON API, written as HTML
// through the site's Trusted Types policy: bastion.html escapes every value,
// so a message body is shown as text (core/trusted-types.js, docs/frontend.md).
"use strict";

document.addEventListener("DOMContentLoaded", async () => {
  const list = document.getElementById("latest");
  if (!list) return;
  const response = await fetch(list.dataset.src, { headers: { Accept: "application/json" } });
  const { results } = await response.json();
  const items = results.slice(0, 3).map((m) => bastion.html`<li><q>${m.message}</q> · ${m.name}</li>`);
  list.innerHTML = bastion.html`${items}`;
});
