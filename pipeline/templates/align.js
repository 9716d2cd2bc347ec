/* Optional: pointing at or focusing a sentence highlights its counterpart. */
(function () {
  "use strict";
  var doc = document;
  function mark(event, on) {
    var node = event.target;
    var seg = node && node.closest ? node.closest("[data-seg]") : null;
    if (!seg) { return; }
    var twins = doc.querySelectorAll('[data-seg="' + seg.getAttribute("data-seg") + '"]');
    for (var i = 0; i < twins.length; i++) { twins[i].classList.toggle("hl", on); }
  }
  doc.addEventListener("mouseover", function (e) { mark(e, true); });
  doc.addEventListener("mouseout", function (e) { mark(e, false); });
  doc.addEventListener("focusin", function (e) { mark(e, true); });
  doc.addEventListener("focusout", function (e) { mark(e, false); });
  doc.documentElement.classList.add("js");
}());
