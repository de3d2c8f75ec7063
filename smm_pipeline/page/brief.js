// The monthly brief's table: sort by any column, within product groups or across them.
// Reads only data-v attributes the page wrote; never builds HTML from text.
(() => {
  const table = document.getElementById("headline");
  const keep = document.getElementById("keep-groups");
  if (!table || !keep) return;
  const groups = [...table.tBodies].filter((b) => b.classList.contains("group"));
  const flat = table.querySelector("tbody.flat");
  const headers = [...table.tHead.rows[0].cells];
  const rows = groups.flatMap((body) => [...body.querySelectorAll("tr.p")]);
  rows.forEach((row, i) => { row.dataset.i = String(i); });
  let column = -1;
  let descending = false;

  const value = (row) => {
    const v = column < 0 ? "" : row.cells[column].dataset.v;
    if (v === undefined || v === "") return null;
    const n = Number(v);
    return Number.isNaN(n) ? v : n;
  };
  const compare = (a, b) => {
    const x = value(a), y = value(b);
    if (x === null || y === null) return x === y ? Number(a.dataset.i) - Number(b.dataset.i) : (x === null ? 1 : -1);
    const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
    return (descending ? -order : order) || Number(a.dataset.i) - Number(b.dataset.i);
  };
  const render = () => {
    const sorted = [...rows].sort(compare);
    if (keep.checked) {
      groups.forEach((body) => { body.hidden = false; });
      sorted.forEach((row) => groups.find((b) => b.dataset.g === row.dataset.g).appendChild(row));
      flat.hidden = true;
    } else {
      sorted.forEach((row) => flat.appendChild(row));
      groups.forEach((body) => { body.hidden = true; });
      flat.hidden = false;
    }
  };
  headers.forEach((th, i) => {
    const button = th.querySelector("button");
    if (!button) return;
    button.addEventListener("click", () => {
      descending = column === i ? !descending : i > 0;
      column = i;
      headers.forEach((h) => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      render();
    });
  });
  keep.addEventListener("change", render);
})();
