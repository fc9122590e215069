// The "Confirm payment" button of /account/billing/authenticate/{id} when Chipin charges
// through Stripe. Stripe.js (loaded by the page from js.stripe.com) confirms the waiting
// PaymentIntent, opening the bank's check in Stripe's own window; whatever the outcome, the
// browser then goes to the page's return address, where the server asks Stripe how the
// payment ended and settles the charge. Plain JavaScript: it works without the WebAssembly
// bundle. The client secret is read from the page and sent to Stripe only; the messages come
// from the page too, in the reader's language.
(function () {
  "use strict";
  if (window.chipinStripeConfirm) {
    return;
  }
  window.chipinStripeConfirm = true;

  function show(panel, text) {
    var box = panel.querySelector("[data-stripe-message]");
    if (box) {
      box.textContent = text;
      box.hidden = false;
    }
  }

  // True when this document was loaded at this address. After a navigation inside the app
  // the document keeps the security policy of the page it was loaded as, which does not
  // allow Stripe.js; loading the page afresh brings the one that does.
  function loadedHere() {
    var entries = performance.getEntriesByType ? performance.getEntriesByType("navigation") : [];
    if (!entries.length) {
      return true;
    }
    return new URL(entries[0].name).pathname === window.location.pathname;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-stripe-confirm]") : null;
    if (!button) {
      return;
    }
    var panel = button.closest("[data-client-secret]");
    if (!panel) {
      return;
    }
    event.preventDefault();
    if (typeof window.Stripe !== "function") {
      if (!loadedHere()) {
        window.location.reload();
        return;
      }
      show(panel, panel.dataset.messageUnloaded);
      return;
    }
    button.disabled = true;
    var data = panel.dataset;
    var stripe = window.Stripe(data.publishableKey);
    var options = data.paymentMethod ? { payment_method: data.paymentMethod } : undefined;
    stripe.confirmCardPayment(data.clientSecret, options).then(
      function () {
        // Paid, declined or abandoned: the server asks Stripe which, and shows it.
        window.location.assign(data.returnUrl);
      },
      function () {
        button.disabled = false;
        show(panel, data.messageFailed);
      }
    );
  });
})();
