/* Chipin chip-in button. Paste:
 *   <script src="https://HOST/embed.js" async data-page="SLUG" data-amounts="0.01,1,5"
 *           data-label="Chip in" data-theme="light" data-layout="compact"></script>
 * It only inserts one sandboxed <iframe> after itself and sizes it to the button inside;
 * it reads nothing from the page and leaves everything else alone. */
(function () {
  var s = document.currentScript;
  if (!s || !s.getAttribute("data-page")) return;
  var base = s.src.replace(/\/embed\.js(?:[?#].*)?$/, "");
  var q = [];
  ["amounts", "label", "theme", "layout"].forEach(function (k) {
    var v = s.getAttribute("data-" + k);
    if (v) q.push(k + "=" + encodeURIComponent(v));
  });
  var panel = s.getAttribute("data-layout") === "panel";
  var f = document.createElement("iframe");
  f.src = base + "/embed/" + encodeURIComponent(s.getAttribute("data-page")) + "?" + q.join("&");
  // The frame's name for screen readers: the owner's label, else Chipin's in the host page's
  // language (else the browser's). The server fills LABELS from its translations.
  var labels = /*LABELS*/ {};
  var lang = (document.documentElement.lang || navigator.language || "").toLowerCase();
  var fallback = labels[lang.split("-")[0]] || labels.en || "";
  f.title = (s.getAttribute("data-label") || fallback) + " (Chipin)";
  // Scripts and popups only: the frame gets an opaque origin, so it can read no cookie or
  // storage of Chipin's and nothing of this page; its links open Chipin in a new window.
  f.setAttribute("sandbox", "allow-scripts allow-popups allow-popups-to-escape-sandbox");
  f.setAttribute("scrolling", "no");
  f.style.cssText = "border:0;overflow:hidden;max-width:100%;background:transparent;width:" +
    (panel ? "320px" : "260px") + ";height:" + (panel ? "320px" : "56px");
  s.parentNode.insertBefore(f, s.nextSibling);
  window.addEventListener("message", function (e) {
    var h = e.source === f.contentWindow && e.data && e.data.chipinHeight;
    if (typeof h === "number" && h > 0) f.style.height = Math.min(Math.ceil(h), 1200) + "px";
  });
})();
