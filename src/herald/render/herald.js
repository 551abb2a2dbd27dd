// Herald's pages: copy buttons, and the filter form that builds a filtered feed's address.
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copy);
    field.select();
    try { await navigator.clipboard.writeText(field.value); } catch { document.execCommand("copy"); }
    button.textContent = button.dataset.done;
  });
}
for (const form of document.querySelectorAll("form.filter")) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) { if (value) params.append(name, value); }
    const format = form.querySelector("select.format").value;
    const url = new URL(form.getAttribute("action").replace(/atom$/, format), location.href);
    url.search = params.toString();
    const result = document.getElementById(form.dataset.result);
    result.hidden = false;
    result.querySelector("input").value = url.href;
    result.querySelector("a").href = url.href;
  });
}
