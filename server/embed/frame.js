/* Inside the framed chip-in button: open Chipin in a small top-level window, and tell the
 * embedding page how tall the button is (a number, nothing else). */
document.addEventListener("click", function (e) {
  var a = e.target.closest && e.target.closest("a[data-popup]");
  if (!a) return;
  e.preventDefault();
  window.open(a.href, "_blank", "popup,width=460,height=680,noopener,noreferrer");
});
function chipinSize() {
  parent.postMessage({ chipinHeight: Math.ceil(document.body.getBoundingClientRect().height) }, "*");
}
window.addEventListener("load", chipinSize);
window.addEventListener("resize", chipinSize);
